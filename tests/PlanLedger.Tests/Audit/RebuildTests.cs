using System.Text.Json;
using Marten;
using PlanLedger.Actions;
using PlanLedger.Partnerships;
using PlanLedger.Plans;
using PlanLedger.Security;
using PlanLedger.SelfAssessments;
using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Audit;

/// <summary>The projections are disposable: rebuilt from the events alone they equal the live views.</summary>
public sealed class RebuildTests(LedgerHost host) : LedgerTest(host)
{
    private static readonly string[] Partnerships = ["angus", "dundee", "orkney"];
    private static readonly string[] Statuses = ["Amber", "Green", "Red", "Amber", "Green"];
    private const int Actions = 12;
    private const int Periods = 6;

    [Fact]
    public async Task rebuilding_the_projections_from_the_events_gives_back_the_live_views_in_every_partnership()
    {
        foreach (var partnership in Partnerships) await ScriptLongHistoryAsync(partnership);
        var live = await ViewsAsync();
        live.Count(v => v.Key.Contains("/action/")).ShouldBe(Partnerships.Length * Actions);
        (await Host.EventCountAsync()).ShouldBeGreaterThan(400);

        foreach (var type in new[] { typeof(ActionRecord), typeof(PlanRecord), typeof(SelfAssessment), typeof(Partnership) })
            await Host.Store.Advanced.Clean.DeleteDocumentsByTypeAsync(type);
        (await ViewsAsync()).ShouldBeEmpty();

        using var daemon = await Host.Store.BuildProjectionDaemonAsync();
        var timeout = TimeSpan.FromMinutes(2);
        await daemon.RebuildProjectionAsync<PartnershipProjection>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync<PlanProjection>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync<ActionProjection>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync<SelfAssessmentProjection>(timeout, CancellationToken.None);

        var rebuilt = await ViewsAsync();
        rebuilt.Keys.ShouldBe(live.Keys, ignoreOrder: true);
        foreach (var (key, json) in live) rebuilt[key].ShouldBe(json, key);
    }

    /// <summary>Every stored view of every partnership, as JSON, keyed by partnership and id.</summary>
    private async Task<Dictionary<string, string>> ViewsAsync()
    {
        var views = new Dictionary<string, string>();
        void Add<T>(string tenant, string id, T view) => views[$"{tenant}/{id}"] = JsonSerializer.Serialize(view, Scenarios.Json);

        await using (var national = Host.Store.QuerySession())
            foreach (var p in await national.Query<Partnership>().ToListAsync()) Add("*", p.Id, p);
        foreach (var tenant in Partnerships)
        {
            await using var session = Host.Store.QuerySession(tenant);
            foreach (var v in await session.Query<PlanRecord>().ToListAsync()) Add(tenant, v.Id, v);
            foreach (var v in await session.Query<ActionRecord>().ToListAsync()) Add(tenant, v.Id, v);
            foreach (var v in await session.Query<SelfAssessment>().ToListAsync()) Add(tenant, v.Id, v);
        }
        return views;
    }

    /// <summary>
    /// Two years of quarterly returns for twelve actions: updates, status changes, slips, milestones,
    /// completions and a withdrawal; and self-assessment ratings with revisions.
    /// </summary>
    private async Task ScriptLongHistoryAsync(string partnership)
    {
        var start = At("2019-07-01T09:00:00Z");
        Host.Clock.Set(start);
        await Host.OnboardAsync(partnership);
        var writer = Host.ClientFor(Roles.PartnerWriter, partnership);
        var plan = $"/partnerships/{partnership}/plans/msg-plan";
        await writer.Post($"/partnerships/{partnership}/plans", new { reference = "msg-plan", kind = "MsgImprovementActionPlan", title = $"{partnership} MSG action plan" });
        foreach (var (heading, proposal) in new[] { ("1", "1.1"), ("2", "2.3"), ("4", "4.1") })
            await writer.Post($"{plan}/headings", new { reference = heading, kind = "MsgProposal", title = $"Proposal {proposal}", proposal });

        string Reference(int n) => $"{n % 3 + 1}({n / 3 + 1})";
        string Heading(int n) => new[] { "1", "2", "4" }[n % 3];
        await writer.Post($"{plan}/returns", new
        {
            period = "July 2019",
            items = Enumerable.Range(0, Actions).Select(n => new
            {
                action = Reference(n),
                newAction = new { reference = Reference(n), heading = Heading(n), description = $"Action {n}", status = "Amber", timescale = new { text = "March 2020" } }
            }).ToList()
        });

        for (var period = 0; period < Periods; period++)
        {
            var date = new DateOnly(2019, 9, 30).AddMonths(3 * period);
            Host.Clock.Set(new DateTimeOffset(date.ToDateTime(new TimeOnly(17, 0)), TimeSpan.Zero));
            var name = date.ToString("MMMM yyyy");
            await writer.Post($"{plan}/returns", new
            {
                period = name,
                effectiveOn = date.ToString("yyyy-MM-dd"),
                items = Enumerable.Range(0, Actions).Select(n => new
                {
                    action = Reference(n),
                    progressUpdate = new { period = name, narrative = $"Update {period} on action {n}", nextSteps = $"Next steps {period}", status = Statuses[(n + period) % Statuses.Length] },
                    timescale = (n + period) % 4 == 0 ? new { timescale = new { text = $"December {2020 + period}" }, reason = "Delayed due to COVID 19" } : null,
                    milestone = period == 1 && n % 3 == 0 ? new { description = $"Milestone for action {n}", dueText = "Summer 2020" } : null,
                    completion = period == Periods - 1 && n % 5 == 0 ? new { reason = "Delivered" } : null
                }).ToList()
            });
        }

        await writer.Post($"{plan}/actions/{Reference(1)}/withdrawal", new { reason = "Superseded by the Remobilisation Plan" });
        await writer.Post($"{plan}/actions/{Reference(3)}/milestones/1/completion", new { });
        await writer.Post($"/partnerships/{partnership}/self-assessments/1.1", new { rating = "PartlyEstablished" });
        await writer.Post($"/partnerships/{partnership}/self-assessments/2.3", new { rating = "Established" });
        await writer.Post($"/partnerships/{partnership}/self-assessments/2.3/revisions", new { rating = "NotYetEstablished", reason = "Over estimation" });
        await writer.Post($"/partnerships/{partnership}/self-assessments/4.1", new { rating = "Established" });
    }
}
