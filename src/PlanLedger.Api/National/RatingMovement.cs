using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Audit;
using PlanLedger.Framework;
using PlanLedger.Ledger;
using PlanLedger.Partnerships;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.National;

/// <summary>How one partnership's rating of one proposal moved: first rating, current rating, every revision.</summary>
public sealed record ProposalMovement(
    string Proposal,
    int KeyFeature,
    Rating FirstRating,
    DateOnly FirstRatedOn,
    Rating CurrentRating,
    DateOnly EffectiveOn,
    int Revisions,
    IReadOnlyList<RatingChange> RevisionHistory);

public sealed record PartnershipMovement(string Partnership, string Name, IReadOnlyList<ProposalMovement> Proposals);

/// <summary>The distribution of ratings in force at the end of a calendar quarter (e.g. 2019-Q4 ends 2019-12-31).</summary>
public sealed record QuarterDistribution(string Quarter, DateOnly EndsOn, RatingCounts Overall, IReadOnlyList<ProposalRatingCounts> ByProposal);

/// <summary>Rating movement per partnership and proposal, and the distribution of ratings per quarter as a time series.</summary>
/// <param name="AsOf">Only changes recorded at or before this time count (null: every change).</param>
/// <param name="EffectiveOn">Only changes effective on or before this business date count, and the quarters end with it (null: every change, quarters up to today).</param>
public sealed record RatingMovementView(DateTimeOffset? AsOf, DateOnly? EffectiveOn,
    IReadOnlyList<PartnershipMovement> Partnerships, IReadOnlyList<QuarterDistribution> Quarters)
{
    /// <summary>The movement at a point in time; <paramref name="today"/> is the date the quarters run up to.</summary>
    public static RatingMovementView Build(MsgFramework framework, IReadOnlyList<Partnership> partnerships, IReadOnlyList<NationalRating> all,
        PointInTime point, DateOnly today)
    {
        // Each rating's changes as far as the point includes them; first and current rating follow from them
        // (the first change is the rating as first recorded; the last included one is in force).
        var ratings = all.Select(r => r with { Changes = r.Changes.Where(c => NationalRating.Includes(point, c)).ToList() })
            .Where(r => r.Changes.Count > 0).ToList();
        var byPartnership = ratings.ToLookup(r => r.Partnership);
        var order = framework.Proposals.Select((p, i) => (p.Number, i)).ToDictionary(x => x.Number, x => x.i);
        var movements = partnerships.Select(p => new PartnershipMovement(p.Code, p.Name, byPartnership[p.Code]
            .OrderBy(r => order.GetValueOrDefault(r.Assessment.Proposal, int.MaxValue))
            .Select(r => new ProposalMovement(
                r.Assessment.Proposal, framework.Find(r.Assessment.Proposal)?.KeyFeature ?? 0,
                r.Changes[0].To, r.Changes[0].EffectiveOn, r.Changes[^1].To, r.Changes.Max(c => c.EffectiveOn),
                r.Changes.Count(c => c.Direction is not null), r.Changes.Where(c => c.Direction is not null).ToList()))
            .ToList())).ToList();

        var quarters = new List<QuarterDistribution>();
        if (ratings.SelectMany(r => r.Changes).Select(c => (DateOnly?)c.EffectiveOn).Min() is { } first)
        {
            for (var end = QuarterEnd(first); end <= QuarterEnd(today); end = QuarterEnd(end.AddDays(1)))
            {
                var inForce = MsgRatingsView.Build(framework, partnerships, ratings, new PointInTime(EffectiveBy: end));
                quarters.Add(new QuarterDistribution($"{end.Year}-Q{(end.Month + 2) / 3}", end,
                    RatingCounts.Of(inForce.Partnerships.SelectMany(p => p.Ratings).Select(c => c.Rating)), inForce.ByProposal));
            }
        }
        return new RatingMovementView(point.RecordedBy, point.EffectiveBy, movements, quarters);
    }

    private static DateOnly QuarterEnd(DateOnly date)
    {
        var month = (date.Month + 2) / 3 * 3;
        return new DateOnly(date.Year, month, DateTime.DaysInMonth(date.Year, month));
    }

    public CsvTable Table(string name) => name switch
    {
        "quarters" => new(["quarter", "endsOn", "proposal", .. RatingCounts.Columns],
            Quarters.SelectMany(q => q.ByProposal.Select(p => (IReadOnlyList<object?>)[q.Quarter, q.EndsOn, p.Proposal, .. p.Counts.Cells()])
                .Prepend([q.Quarter, q.EndsOn, "all", .. q.Overall.Cells()]))),
        _ => new(["partnership", "proposal", "keyFeature", "change", "effectiveOn", "recordedAt", "from", "to", "reason"],
            Partnerships.SelectMany(p => p.Proposals.SelectMany(m => Changes(p, m))))
    };

    private static IEnumerable<IReadOnlyList<object?>> Changes(PartnershipMovement p, ProposalMovement m) =>
        m.RevisionHistory.Select(c => (IReadOnlyList<object?>)[p.Partnership, m.Proposal, m.KeyFeature, c.Direction, c.EffectiveOn, c.RecordedAt, c.From, c.To, c.Reason])
            .Prepend([p.Partnership, m.Proposal, m.KeyFeature, "First", m.FirstRatedOn, null, null, m.FirstRating, null]);

    public static readonly string[] Tables = ["changes", "quarters"];
}

public static class RatingMovementEndpoint
{
    public const string View = "rating-movement";

    /// <summary>
    /// Rating movement: per partnership and proposal, the first rating, the current one and each revision
    /// (up, down, corrected) with its dates and reason; and the distribution of ratings in force at the end
    /// of each calendar quarter, from the first rating to today. Now, or at a point in time: <c>asOf</c> (what
    /// had been recorded by then) and/or <c>effectiveOn</c> (what had taken effect by that business date; the
    /// quarters end with it). <c>format=csv</c> gives <c>table=changes</c> (default) or <c>quarters</c>.
    /// Headers PlanLedger-Projection-Position and PlanLedger-Ledger-Position show how far the view has caught up.
    /// </summary>
    /// <param name="asOf">Only changes recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only changes effective on or before this business date (yyyy-MM-dd).</param>
    /// <param name="format">json (default) or csv.</param>
    /// <param name="table">For CSV: changes (default) or quarters.</param>
    [WolverineGet("/national/rating-movement", Name = "GetNationalRatingMovement")]
    [Tags("National")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<RatingMovementView>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> Get(DateTimeOffset? asOf, DateOnly? effectiveOn, string? format, string? table, IDocumentStore store,
        MsgFramework framework, TimeProvider clock, HttpContext http)
    {
        var check = new QueryCheck();
        var output = check.Output(format, table, RatingMovementView.Tables);
        if (check.Problem is { } problem) return problem;

        var point = new PointInTime(asOf, effectiveOn);
        var (position, partnerships, ratings) = await NationalRating.ReadAllAsync(store, http.RequestAborted);
        var view = RatingMovementView.Build(framework, partnerships, ratings, point, point.Today(clock));
        return NationalAnswer.Send(http, View, position, output, view, view.Table);
    }
}
