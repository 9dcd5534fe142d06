using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using PlanLedger.Actions;
using PlanLedger.National;
using PlanLedger.Security;
using PlanLedger.SelfAssessments;

namespace PlanLedger.Tests.National;

/// <summary>Builders for national-view tests: partner systems write over HTTP; national leadership reads.</summary>
public static class NationalScenarios
{
    public static readonly string[] Views = ["/national/msg-ratings", "/national/rating-movement", "/national/delivery", "/national/slippage"];

    public static readonly string[] Projections =
        [NationalRatingProjection.ProjectionName, NationalActionProjection.ProjectionName, NationalPlanProjection.ProjectionName];

    /// <summary>Waits, with a deadline and no sleeps, until the running async daemon has projected every event recorded so far.</summary>
    public static Task NationalViewsCaughtUpAsync(this LedgerHost host) =>
        host.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

    public static Marten.Events.Daemon.Coordination.IProjectionCoordinator Daemon(this LedgerHost host) =>
        host.Services.GetRequiredService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>();

    public static async Task<T> Read<T>(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(text, Scenarios.Json)!;
    }

    public static Task Rate(this HttpClient writer, string partnership, string proposal, string rating, string effectiveOn) =>
        writer.Post($"/partnerships/{partnership}/self-assessments/{proposal}", new { rating, effectiveOn });

    public static Task Revise(this HttpClient writer, string partnership, string proposal, string rating, string reason, string effectiveOn) =>
        writer.Post($"/partnerships/{partnership}/self-assessments/{proposal}/revisions", new { rating, reason, effectiveOn });

    /// <summary>Registers an MSG improvement action plan with a heading per MSG proposal named, and one local heading "local".</summary>
    public static async Task Plan(this HttpClient writer, string partnership, string plan, params string[] proposals)
    {
        await writer.Post($"/partnerships/{partnership}/plans", new { reference = plan, kind = "MsgImprovementActionPlan", title = $"{partnership} MSG improvement action plan", effectiveOn = "2019-06-30" });
        foreach (var proposal in proposals)
            await writer.Post($"/partnerships/{partnership}/plans/{plan}/headings", new { reference = proposal, kind = "MsgProposal", title = $"MSG proposal {proposal}", proposal, effectiveOn = "2019-06-30" });
        await writer.Post($"/partnerships/{partnership}/plans/{plan}/headings", new { reference = "local", kind = "StrategicPriority", title = "Local priorities", effectiveOn = "2019-06-30" });
    }

    public static Task Action(this HttpClient writer, string partnership, string plan, string reference, string heading, string? status,
        string timescale, string? leadRole = null, string description = "Improve joint working") =>
        writer.Post($"/partnerships/{partnership}/plans/{plan}/actions", new
        {
            reference, heading, description, status, timescale = new { text = timescale },
            leads = new[] { new { name = "Named lead", role = leadRole, organisation = (string?)null } },
            effectiveOn = "2019-07-01"
        });

    private static string ActionPath(string partnership, string plan, string action) =>
        $"/partnerships/{partnership}/plans/{plan}/actions/{Uri.EscapeDataString(action)}";

    public static Task Slip(this HttpClient writer, string partnership, string plan, string action, string to, string reason, string effectiveOn) =>
        writer.Post($"{ActionPath(partnership, plan, action)}/timescale", new { timescale = new { text = to }, reason, effectiveOn });

    public static Task Status(this HttpClient writer, string partnership, string plan, string action, string status, string effectiveOn) =>
        writer.Post($"{ActionPath(partnership, plan, action)}/status", new { status, effectiveOn });

    public static Task Complete(this HttpClient writer, string partnership, string plan, string action, string effectiveOn) =>
        writer.Post($"{ActionPath(partnership, plan, action)}/completion", new { effectiveOn });

    public static Task Withdraw(this HttpClient writer, string partnership, string plan, string action, string reason, string effectiveOn) =>
        writer.Post($"{ActionPath(partnership, plan, action)}/withdrawal", new { reason, effectiveOn });

    public static readonly DateTimeOffset Today = new(2021, 1, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Onboarded in this order; shetland records nothing at all.</summary>
    public static readonly string[] Partnerships = ["orkney", "angus", "dundee", "shetland"];

    public static readonly (string Partnership, string Plan, string Action)[] Actions =
    [
        ("orkney", "msg-plan", "2.3(a)"), ("orkney", "msg-plan", "2.3(b)"), ("orkney", "msg-plan", "1.1(a)"), ("orkney", "msg-plan", "L1"),
        ("angus", "msg-improvement", "1"), ("angus", "msg-improvement", "2"), ("angus", "msg-improvement", "3"),
        ("dundee", "msg-response", "6.1.1")
    ];

    /// <summary>
    /// Four partnerships with different histories, after Orkney's (002_…) re-evaluation of its May 2019 ratings
    /// in December 2019. Returns every partnership's own ratings as they stood at the end of June 2019, read
    /// from the partnerships' own API before anything later took effect.
    /// </summary>
    public static async Task<Dictionary<string, List<SelfAssessment>>> ScotlandAsync(this LedgerHost host)
    {
        host.Clock.Set(new DateTimeOffset(2019, 6, 3, 9, 0, 0, TimeSpan.Zero));
        await host.OnboardAsync(Partnerships);
        var orkney = host.ClientFor(Roles.PartnerWriter, "orkney");
        var angus = host.ClientFor(Roles.PartnerWriter, "angus");
        var dundee = host.ClientFor(Roles.PartnerWriter, "dundee");

        await orkney.Rate("orkney", "1.1", "Established", "2019-05-31");
        await orkney.Rate("orkney", "2.3", "Established", "2019-05-31");
        await orkney.Rate("orkney", "4.1", "PartlyEstablished", "2019-05-31");
        await angus.Rate("angus", "1.1", "PartlyEstablished", "2019-05-31");
        await angus.Rate("angus", "2.3", "NotYetEstablished", "2019-05-31");
        // Posted last, backdated: in force from April.
        await orkney.Rate("orkney", "5.1", "Established", "2019-04-30");

        var endOfJune2019 = new Dictionary<string, List<SelfAssessment>>();
        foreach (var partnership in Partnerships) endOfJune2019[partnership] = await host.OwnRatings(partnership);

        host.Clock.Set(new DateTimeOffset(2019, 12, 16, 9, 0, 0, TimeSpan.Zero));
        await orkney.Revise("orkney", "2.3", "NotYetEstablished", "We now consider this to be an over estimation", "2019-12-13");
        await orkney.Revise("orkney", "4.1", "Established", "We would now evaluate ourselves as 'established'", "2019-12-13");
        await angus.Revise("angus", "1.1", "Established", "Shared leadership development programme in place", "2019-12-13");
        await dundee.Rate("dundee", "1.1", "Exemplary", "2019-11-30");
        await dundee.Rate("dundee", "6.1", "PartlyEstablished", "2019-11-30");

        host.Clock.Set(Today);
        await orkney.Plan("orkney", "msg-plan", "2.3", "1.1");
        await orkney.Action("orkney", "msg-plan", "2.3(a)", "2.3", "Amber", "31 March 2020", leadRole: "Chief Officer");
        await orkney.Slip("orkney", "msg-plan", "2.3(a)", "30 September 2020", "Delayed due to COVID 19", "2020-03-31");
        await orkney.Slip("orkney", "msg-plan", "2.3(a)", "31 March 2021", "Remobilisation", "2020-09-30");
        await orkney.Action("orkney", "msg-plan", "2.3(b)", "2.3", "Green", "December 2019");
        await orkney.Complete("orkney", "msg-plan", "2.3(b)", "2019-12-10");
        await orkney.Action("orkney", "msg-plan", "1.1(a)", "1.1", "Amber", "January 2020 IJB");
        await orkney.Status("orkney", "msg-plan", "1.1(a)", "Red", "2020-02-28");
        await orkney.Action("orkney", "msg-plan", "L1", "local", null, "Ongoing");

        await angus.Plan("angus", "msg-improvement", "2.3");
        await angus.Action("angus", "msg-improvement", "1", "2.3", "Amber", "June 2020", leadRole: "Head of Health");
        await angus.Slip("angus", "msg-improvement", "1", "December 2020", "Remobilisation after COVID 19", "2020-06-30");
        await angus.Action("angus", "msg-improvement", "2", "2.3", "Green", "31 March 2021");
        await angus.Action("angus", "msg-improvement", "3", "2.3", "Amber", "March 2020");
        await angus.Withdraw("angus", "msg-improvement", "3", "Superseded by the Remobilisation Plan", "2020-02-28");

        await dundee.Plan("dundee", "msg-response", "6.1");
        await dundee.Action("dundee", "msg-response", "6.1.1", "6.1", "Amber", "2019 – 2021");
        await dundee.Complete("dundee", "msg-response", "6.1.1", "2020-11-30");
        return endOfJune2019;
    }

    /// <summary>What the partnership's own API says of its ratings.</summary>
    public static Task<List<SelfAssessment>> OwnRatings(this LedgerHost host, string partnership) =>
        host.ClientFor(Roles.PartnerReader, partnership).Read<List<SelfAssessment>>($"/partnerships/{partnership}/self-assessments");

    /// <summary>What the partnership's own API says of one action.</summary>
    public static Task<ActionRecord> OwnAction(this LedgerHost host, string partnership, string plan, string action) =>
        host.ClientFor(Roles.PartnerReader, partnership).Read<ActionRecord>(ActionPath(partnership, plan, action));

    public static async Task<(long Projection, long Ledger)> Positions(this HttpClient national, string path)
    {
        var response = await national.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (long.Parse(response.Headers.GetValues(ViewPosition.ProjectionHeader).Single()),
            long.Parse(response.Headers.GetValues(ViewPosition.LedgerHeader).Single()));
    }
}
