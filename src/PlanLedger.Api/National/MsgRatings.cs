using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Audit;
using PlanLedger.Framework;
using PlanLedger.Ledger;
using PlanLedger.Partnerships;
using PlanLedger.Security;
using PlanLedger.SelfAssessments;
using Wolverine.Http;

namespace PlanLedger.National;

/// <summary>One change of a partnership's rating of a proposal: the first rating (no direction) or a revision.</summary>
public sealed record RatingChange(
    long Sequence,
    DateOnly EffectiveOn,
    DateTimeOffset RecordedAt,
    Rating? From,
    Rating To,
    RevisionDirection? Direction,
    string? Reason);

/// <summary>A partnership's self-assessment of one proposal, as the national views hold it: the partnership's own state and every change.</summary>
public sealed record NationalRating
{
    /// <summary>The projections the rating views read.</summary>
    public static readonly string[] Projections = [NationalRatingProjection.ProjectionName];

    /// <summary>Every partnership and every rating, with the position the ratings include at least.</summary>
    public static async Task<(ViewPosition Position, IReadOnlyList<Partnership> Partnerships, IReadOnlyList<NationalRating> Ratings)> ReadAllAsync(
        IDocumentStore store, CancellationToken token)
    {
        var position = await ViewPosition.ReadAsync(store, Projections, token);
        var (partnerships, ratings) = await LoadAsync(store, token);
        return (position, partnerships, ratings);
    }

    private static async Task<(IReadOnlyList<Partnership> Partnerships, IReadOnlyList<NationalRating> Ratings)> LoadAsync(IDocumentStore store, CancellationToken token)
    {
        await using var session = store.QuerySession(NationalLedger.Tenant);
        return (await AcrossPartnerships.PartnershipsAsync(session, token),
            await store.AcrossDatabasesAsync(async on => await on.Query<NationalRating>().ToListAsync(token)));
    }

    /// <summary>
    /// The MSG ratings matrix at a point in time, with the position its ratings include at least. Now, it is the
    /// last answer while no event has been recorded or projected since (one position query); at a point, it is
    /// built from every rating's changes.
    /// </summary>
    public static async Task<(ViewPosition Position, MsgRatingsView View)> MatrixAsync(IDocumentStore store, MsgFramework framework,
        NationalViewCache<MsgRatingsView> cache, PointInTime point, CancellationToken token)
    {
        var position = await ViewPosition.ReadAsync(store, Projections, token);
        async Task<MsgRatingsView> Build()
        {
            var (partnerships, ratings) = await LoadAsync(store, token);
            return MsgRatingsView.Build(framework, partnerships, ratings, point);
        }
        // The matrix does not depend on the date, only on the events it includes.
        return (position, point.IsNow ? await cache.GetAsync((position, default), Build) : await Build());
    }

    /// <summary>"{partnership}/rating/{proposal}".</summary>
    public string Id { get; init; } = "";
    public string Partnership { get; init; } = "";
    /// <summary>Exactly what the partnership's own view of the rating says.</summary>
    public SelfAssessment Assessment { get; init; } = new();
    public IReadOnlyList<RatingChange> Changes { get; init; } = [];

    /// <summary>
    /// The change that gives the rating in force at a point in time: the latest recorded of those recorded by
    /// its <c>asOf</c> and effective by its <c>effectiveOn</c> (the partnership's own fold, over the changes
    /// included). None: not yet rated then.
    /// </summary>
    public RatingChange? InForceAt(PointInTime point) => Changes.LastOrDefault(c => Includes(point, c));

    public static bool Includes(PointInTime point, RatingChange change) =>
        (point.RecordedBy is null || change.RecordedAt <= point.RecordedBy) && (point.EffectiveBy is null || change.EffectiveOn <= point.EffectiveBy);
}

public partial class NationalRatingProjection : MultiStreamProjection<NationalRating, string>
{
    public const string ProjectionName = "NationalRatings";

    public NationalRatingProjection() => AcrossPartnerships.Configure(this, ProjectionName, typeof(RatingRecorded));

    public override NationalRating? Evolve(NationalRating? snapshot, string id, IEvent e)
    {
        if (SelfAssessment.Fold(snapshot?.Assessment, e.StreamKey!, e.Data) is not { } assessment) return snapshot;
        RatingChange? change = e.Data switch
        {
            RatingRecorded r when snapshot is null => new(e.Sequence, r.Provenance.EffectiveOn, r.Provenance.RecordedAt, null, r.Rating, null, null),
            RatingRevised r => new(e.Sequence, r.Provenance.EffectiveOn, r.Provenance.RecordedAt, r.From, r.To, r.Direction, r.Reason),
            _ => null
        };
        return new NationalRating
        {
            Id = id,
            Partnership = e.TenantId,
            Assessment = assessment with { Version = (int)e.Version },
            Changes = change is null ? snapshot?.Changes ?? [] : [.. snapshot?.Changes ?? [], change]
        };
    }
}


/// <summary>A partnership's rating of one proposal; Rating is null when it had not rated it (at the date asked).</summary>
/// <param name="Movement">The rating against the partnership's first rating of the proposal: Up, Down or Unchanged; null when not rated.</param>
public sealed record RatingCell(string Proposal, Rating? Rating, DateOnly? RatedOn, string? Movement);

public sealed record PartnershipRatings(string Partnership, string Name, IReadOnlyList<RatingCell> Ratings);

public sealed record ProposalRatingCounts(string Proposal, int KeyFeature, RatingCounts Counts);

public sealed record KeyFeatureRatingCounts(int KeyFeature, string Title, RatingCounts Counts);

/// <summary>
/// The MSG ratings matrix: every onboarded partnership against the 22 locally rated proposals, with the
/// counts at each rating level per proposal and per key feature.
/// </summary>
/// <param name="AsOf">Only changes recorded at or before this time count (null: every change).</param>
/// <param name="EffectiveOn">The ratings in force on this business date (null: current ratings).</param>
public sealed record MsgRatingsView(
    DateTimeOffset? AsOf,
    DateOnly? EffectiveOn,
    IReadOnlyList<PartnershipRatings> Partnerships,
    IReadOnlyList<ProposalRatingCounts> ByProposal,
    IReadOnlyList<KeyFeatureRatingCounts> ByKeyFeature) : ISizedView
{
    public long EstimatedBytes =>
        CacheBudget.Object * 4 + Partnerships.Sum(p => CacheBudget.Object * 2 + CacheBudget.Of(p.Partnership) + CacheBudget.Of(p.Name) + p.Ratings.Count * (CacheBudget.Object + 40))
        + (ByProposal.Count + ByKeyFeature.Count) * (CacheBudget.Object * 2 + 5 * 4 + 64);

    public static MsgRatingsView Build(MsgFramework framework, IReadOnlyList<Partnership> partnerships, IReadOnlyList<NationalRating> ratings, PointInTime point)
    {
        var byPair = ratings.ToDictionary(r => (r.Partnership, r.Assessment.Proposal));
        var proposals = framework.LocallyRated.ToList();
        var rows = partnerships.Select(p => new PartnershipRatings(p.Code, p.Name, proposals.Select(proposal =>
        {
            var rating = byPair.GetValueOrDefault((p.Code, proposal.Number));
            return rating?.InForceAt(point) is { } change
                ? new RatingCell(proposal.Number, change.To, change.EffectiveOn, SelfAssessmentProfile.Movement(rating.Changes[0].To, change.To))
                : new RatingCell(proposal.Number, null, null, null);
        }).ToList())).ToList();

        IEnumerable<Rating?> RatingsOf(Func<string, bool> proposal) =>
            rows.SelectMany(r => r.Ratings).Where(c => proposal(c.Proposal)).Select(c => c.Rating);

        return new MsgRatingsView(
            point.RecordedBy, point.EffectiveBy,
            rows,
            proposals.Select(p => new ProposalRatingCounts(p.Number, p.KeyFeature, RatingCounts.Of(RatingsOf(n => n == p.Number)))).ToList(),
            framework.KeyFeatures.Select(k => new KeyFeatureRatingCounts(k.Number, k.Title,
                RatingCounts.Of(RatingsOf(n => k.Proposals.Any(p => p.Number == n))))).ToList());
    }

    public CsvTable Table(string name) => name switch
    {
        "proposals" => new(["proposal", "keyFeature", .. RatingCounts.Columns],
            ByProposal.Select(p => (IReadOnlyList<object?>)[p.Proposal, p.KeyFeature, .. p.Counts.Cells()])),
        "key-features" => new(["keyFeature", "title", .. RatingCounts.Columns],
            ByKeyFeature.Select(k => (IReadOnlyList<object?>)[k.KeyFeature, k.Title, .. k.Counts.Cells()])),
        _ => new(["partnership", "name", .. ByProposal.Select(p => p.Proposal)],
            Partnerships.Select(p => (IReadOnlyList<object?>)[p.Partnership, p.Name, .. p.Ratings.Select(c => (object?)c.Rating)]))
    };

    public static readonly string[] Tables = ["matrix", "proposals", "key-features"];
}

public static class MsgRatingsEndpoint
{
    public const string View = "msg-ratings";

    /// <summary>
    /// MSG ratings matrix: every onboarded partnership against the 22 locally rated proposals, and the
    /// counts at each rating level per proposal and per key feature. <c>effectiveOn=YYYY-MM-DD</c> gives the
    /// ratings in force on that business date (by effective date, including revisions posted later and
    /// backdated); <c>asOf</c> (a recorded time) gives what the ledger had recorded by then; together, what
    /// had been recorded by then about that date. <c>format=csv</c> gives one table: <c>table=matrix</c>
    /// (default), <c>proposals</c> or <c>key-features</c>. Headers PlanLedger-Projection-Position and
    /// PlanLedger-Ledger-Position show how far the view has caught up.
    /// </summary>
    /// <param name="asOf">Only changes recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">The ratings in force on this business date (yyyy-MM-dd). Absent: current ratings.</param>
    /// <param name="format">json (default) or csv.</param>
    /// <param name="table">For CSV: matrix (default), proposals or key-features.</param>
    [WolverineGet("/national/msg-ratings", Name = "GetNationalMsgRatings")]
    [Tags("National")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<MsgRatingsView>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> Get(DateTimeOffset? asOf, DateOnly? effectiveOn, string? format, string? table, IDocumentStore store,
        MsgFramework framework, NationalViewCache<MsgRatingsView> cache, HttpContext http)
    {
        var check = new QueryCheck();
        var output = check.Output(format, table, MsgRatingsView.Tables);
        if (check.Problem is { } problem) return problem;

        var (position, view) = await NationalRating.MatrixAsync(store, framework, cache, new PointInTime(asOf, effectiveOn), http.RequestAborted);
        return NationalAnswer.Send(http, View, position, output, view, view.Table);
    }
}
