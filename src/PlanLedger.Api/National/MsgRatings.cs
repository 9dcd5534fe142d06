using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
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
        await using var session = store.QuerySession();
        var partnerships = await AcrossPartnerships.PartnershipsAsync(session, token);
        var ratings = await session.Query<NationalRating>().ToListAsync(token);
        return (position, partnerships, ratings);
    }

    /// <summary>"{partnership}/rating/{proposal}".</summary>
    public string Id { get; init; } = "";
    public string Partnership { get; init; } = "";
    /// <summary>Exactly what the partnership's own view of the rating says.</summary>
    public SelfAssessment Assessment { get; init; } = new();
    public IReadOnlyList<RatingChange> Changes { get; init; } = [];

    /// <summary>
    /// The change that gives the rating in force on a date: the latest recorded of those effective on or
    /// before it (the partnership's own fold, over the changes that had taken effect). None: not yet rated.
    /// </summary>
    public RatingChange? InForceOn(DateOnly? date, DateTimeOffset? recordedBy = null) =>
        Changes.LastOrDefault(c => (date is null || c.EffectiveOn <= date) && (recordedBy is null || c.RecordedAt <= recordedBy));
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
public sealed record RatingCell(string Proposal, Rating? Rating, DateOnly? RatedOn);

public sealed record PartnershipRatings(string Partnership, string Name, IReadOnlyList<RatingCell> Ratings);

public sealed record ProposalRatingCounts(string Proposal, int KeyFeature, RatingCounts Counts);

public sealed record KeyFeatureRatingCounts(int KeyFeature, string Title, RatingCounts Counts);

/// <summary>
/// The MSG ratings matrix: every onboarded partnership against the 22 locally rated proposals, with the
/// counts at each rating level per proposal and per key feature. AsOf is null for current ratings.
/// </summary>
public sealed record MsgRatingsView(
    DateOnly? AsOf,
    IReadOnlyList<PartnershipRatings> Partnerships,
    IReadOnlyList<ProposalRatingCounts> ByProposal,
    IReadOnlyList<KeyFeatureRatingCounts> ByKeyFeature)
{
    /// <param name="recordedBy">Only changes recorded by then (the web screens' as-at); null: everything recorded.</param>
    public static MsgRatingsView Build(MsgFramework framework, IReadOnlyList<Partnership> partnerships, IReadOnlyList<NationalRating> ratings, DateOnly? asOf,
        DateTimeOffset? recordedBy = null)
    {
        var byPair = ratings.ToDictionary(r => (r.Partnership, r.Assessment.Proposal));
        var proposals = framework.LocallyRated.ToList();
        var rows = partnerships.Select(p => new PartnershipRatings(p.Code, p.Name, proposals.Select(proposal =>
        {
            var change = byPair.GetValueOrDefault((p.Code, proposal.Number))?.InForceOn(asOf, recordedBy);
            return new RatingCell(proposal.Number, change?.To, change?.EffectiveOn);
        }).ToList())).ToList();

        IEnumerable<Rating?> RatingsOf(Func<string, bool> proposal) =>
            rows.SelectMany(r => r.Ratings).Where(c => proposal(c.Proposal)).Select(c => c.Rating);

        return new MsgRatingsView(
            asOf,
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
    /// counts at each rating level per proposal and per key feature. <c>asOf=YYYY-MM-DD</c> gives the
    /// ratings in force on that date (by effective date). <c>format=csv</c> gives one table:
    /// <c>table=matrix</c> (default), <c>proposals</c> or <c>key-features</c>. Headers
    /// PlanLedger-Projection-Position and PlanLedger-Ledger-Position show how far the view has caught up.
    /// </summary>
    /// <param name="asOf">A date written YYYY-MM-DD: the ratings in force on it. Absent: current ratings.</param>
    /// <param name="format">json (default) or csv.</param>
    /// <param name="table">For CSV: matrix (default), proposals or key-features.</param>
    [WolverineGet("/national/msg-ratings", Name = "GetNationalMsgRatings")]
    [Tags("National")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<MsgRatingsView>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> Get(string? asOf, string? format, string? table, IDocumentStore store, MsgFramework framework, HttpContext http)
    {
        var check = new QueryCheck();
        var date = check.Date(nameof(asOf), asOf);
        var output = check.Output(format, table, MsgRatingsView.Tables);
        if (check.Problem is { } problem) return problem;

        var (position, partnerships, ratings) = await NationalRating.ReadAllAsync(store, http.RequestAborted);
        var view = MsgRatingsView.Build(framework, partnerships, ratings, date);
        return NationalAnswer.Send(http, View, position, output, view, view.Table);
    }
}
