using PlanLedger.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Actions;
using PlanLedger.Framework;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using PlanLedger.Security;
using PlanLedger.SelfAssessments;
using Wolverine.Http;

namespace PlanLedger.Audit;

/// <summary>The partnership's rating of one locally rated MSG proposal.</summary>
/// <param name="Movement">The current rating against the first: Up, Down or Unchanged; null when not rated.</param>
public sealed record ProposalRating(
    string Proposal,
    int KeyFeature,
    string Text,
    Rating? Rating,
    Rating? FirstRating,
    int Revisions,
    string? Movement,
    DateOnly? EffectiveOn);

/// <summary>The self-assessment across the MSG proposals for local completion (22 of the 25).</summary>
/// <param name="Current">Current ratings counted.</param>
/// <param name="First">First ratings counted: where the self-evaluation started.</param>
public sealed record SelfAssessmentProfile(int Proposals, int Rated, RatingCounts Current, RatingCounts First, int MovedUp, int MovedDown,
    IReadOnlyList<ProposalRating> ByProposal)
{
    public static SelfAssessmentProfile Of(MsgFramework framework, IEnumerable<SelfAssessment> ratings)
    {
        var byProposal = ratings.ToDictionary(r => r.Proposal);
        var rows = framework.LocallyRated.Select(p =>
        {
            var rating = byProposal.GetValueOrDefault(p.Number);
            return new ProposalRating(p.Number, p.KeyFeature, p.Text, rating?.Rating, rating?.FirstRating, rating?.Revisions ?? 0,
                rating is null ? null : Movement(rating.FirstRating, rating.Rating),
                rating?.EffectiveOn);
        }).ToList();
        return new SelfAssessmentProfile(rows.Count, rows.Count(r => r.Rating is not null),
            RatingCounts.Of(rows.Select(r => r.Rating).ToList()), RatingCounts.Of(rows.Select(r => r.FirstRating).ToList()),
            rows.Count(r => r.Movement == "Up"), rows.Count(r => r.Movement == "Down"), rows);
    }

    /// <summary>A rating against the first: Up, Down or Unchanged.</summary>
    public static string Movement(Rating first, Rating now) => now > first ? "Up" : now < first ? "Down" : "Unchanged";
}

/// <summary>A partnership at a glance: each plan's summary and its self-assessment profile.</summary>
/// <param name="Date">Today: overdue is judged against it.</param>
public sealed record PartnershipOverview(string Partnership, DateOnly Date, IReadOnlyList<PlanSummary> Plans, SelfAssessmentProfile SelfAssessment)
{
    public static readonly string[] Tables = ["plans"];

    /// <summary>The plans as one CSV table: each plan with its actions counted.</summary>
    public CsvTable Table() => new(
        ["plan", "title", "kind", "status", "version", "date", .. ActionCounts.Columns],
        Plans.Select(p => (IReadOnlyList<object?>)[p.Plan, p.Title, p.Kind, p.Status, p.Version, p.Date, .. p.Counts.Cells()]));
}

public static class OverviewEndpoint
{
    /// <summary>
    /// The partnership's plans with their summaries, and its self-assessment profile across the 22 locally rated MSG
    /// proposals; now, or at a point in time: <c>asOf</c> (recorded by) and/or <c>effectiveOn</c> (effective by), each plan
    /// as its summary folds it then and the ratings then in force. <c>format=csv</c> gives the plans as CSV, one row per plan.
    /// </summary>
    /// <param name="asOf">Only events recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only events whose effective date is on or before this business date (yyyy-MM-dd).</param>
    /// <param name="format">json (default) or csv.</param>
    [WolverineGet("/partnerships/{partnershipId}/overview", Name = "GetPartnershipOverview")]
    [Tags("Audit")]
    [ProducesResponseType<PartnershipOverview>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, DateTimeOffset? asOf, DateOnly? effectiveOn, string? format,
        MsgFramework framework, IDocumentStore store, TimeProvider clock, HttpContext http)
    {
        var check = new QueryCheck();
        var output = check.Output(format, null, PartnershipOverview.Tables);
        if (check.Problem is { } bad) return bad;
        if (PointInTime.Read(asOf, effectiveOn, null, out var problem) is not { } point) return problem!;
        var overview = await ReadAsync(store, http.Partnership(), framework, clock, point, http.RequestAborted);
        return output.Send(http, $"{overview.Partnership}-overview", overview, _ => overview.Table());
    }

    public static async Task<PartnershipOverview> ReadAsync(IDocumentStore store, string partnership, MsgFramework framework, TimeProvider clock,
        PointInTime point, CancellationToken token)
    {
        await using var session = store.QuerySession(partnership);
        var plans = (await session.Query<PlanRecord>().ToListAsync(token)).OrderBy(p => p.Reference, NaturalOrder.Instance).ToList();
        var today = point.Today(clock);
        if (point.IsNow)
        {
            var actions = (await session.Query<ActionRecord>().ToListAsync(token)).ToLookup(a => a.Plan);
            var ratings = await session.Query<SelfAssessment>().ToListAsync(token);
            return new PartnershipOverview(partnership, today,
                plans.Select(p => PlanSummary.Of(TimeTravel.View(p, actions[p.Reference], today))).ToList(),
                SelfAssessmentProfile.Of(framework, ratings));
        }
        // A plan registered after the point did not exist then and is left out.
        var then = new List<PlanSummary>();
        foreach (var plan in plans)
            if (await TimeTravel.PlanViewAsync(session, plan.Reference, point, clock, token) is { } view)
                then.Add(PlanSummary.Of(view));
        return new PartnershipOverview(partnership, today, then, SelfAssessmentProfile.Of(framework, await SelfAssessment.AllAsync(session, point, token)));
    }
}
