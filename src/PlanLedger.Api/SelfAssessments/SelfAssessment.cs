using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;

namespace PlanLedger.SelfAssessments;

public sealed record RatingRecorded(
    string Proposal,
    Rating Rating,
    string? Evidence,
    string? ProposedImprovementActions,
    string? AssessedBy,
    string? Plan,
    Provenance Provenance) : ILedgerEvent;

public enum RevisionDirection { Up, Down, Corrected }

public sealed record RatingRevised(
    string Proposal,
    Rating From,
    Rating To,
    RevisionDirection Direction,
    string Reason,
    string? Evidence,
    Provenance Provenance) : ILedgerEvent;

/// <summary>A partnership's self-assessment of one MSG proposal: its current rating and how it got there.</summary>
public sealed record SelfAssessment : IStreamState<SelfAssessment>
{
    /// <summary>Stream key: rating/{proposal}.</summary>
    public string Id { get; init; } = "";
    public int Version { get; init; }
    public string Proposal { get; init; } = "";
    public Rating Rating { get; init; }
    public Rating FirstRating { get; init; }
    public DateOnly FirstRatedOn { get; init; }
    public string? Evidence { get; init; }
    public string? ProposedImprovementActions { get; init; }
    public string? AssessedBy { get; init; }
    public string? Plan { get; init; }
    public int Revisions { get; init; }
    public DateOnly EffectiveOn { get; init; }
    public DateTimeOffset RecordedAt { get; init; }

    public static string KeyFor(string proposal) => $"rating/{proposal}";

    private static readonly SelfAssessmentProjection Projection = new();

    /// <summary>The partnership's ratings in force at a point in time, in proposal order: the stored ratings now, else every rating stream replayed.</summary>
    public static async Task<IReadOnlyList<SelfAssessment>> AllAsync(IQuerySession session, PointInTime point, CancellationToken token)
    {
        var all = point.IsNow ? await session.Query<SelfAssessment>().ToListAsync(token) : await point.FoldAllAsync(session, KeyFor(""), Projection, token);
        return all.OrderBy(a => System.Version.Parse(a.Proposal)).ToList();
    }

    public static readonly string[] Tables = ["ratings"];

    /// <summary>The ratings as one CSV table.</summary>
    public static CsvTable Table(IEnumerable<SelfAssessment> ratings) => new(
        ["proposal", "rating", "firstRating", "firstRatedOn", "revisions", "effectiveOn", "recordedAt", "assessedBy", "plan", "evidence"],
        ratings.Select(r => (IReadOnlyList<object?>)[r.Proposal, r.Rating, r.FirstRating, r.FirstRatedOn, r.Revisions, r.EffectiveOn, r.RecordedAt, r.AssessedBy, r.Plan, r.Evidence]));

    public static SelfAssessment AtVersion(SelfAssessment state, int version) => state with { Version = version };

    public static SelfAssessment? Fold(SelfAssessment? state, string key, object @event) => @event switch
    {
        RatingRecorded e when state is null => new SelfAssessment
        {
            Id = key, Version = 1, Proposal = e.Proposal, Rating = e.Rating, FirstRating = e.Rating, FirstRatedOn = e.Provenance.EffectiveOn,
            Evidence = e.Evidence, ProposedImprovementActions = e.ProposedImprovementActions, AssessedBy = e.AssessedBy, Plan = e.Plan,
            EffectiveOn = e.Provenance.EffectiveOn, RecordedAt = e.Provenance.RecordedAt
        },
        RatingRevised e when state is not null => state with
        {
            Version = state.Version + 1, Rating = e.To, Revisions = state.Revisions + 1, Evidence = e.Evidence ?? state.Evidence,
            EffectiveOn = Provenance.EffectiveAfter(state.EffectiveOn, e),
            RecordedAt = Provenance.RecordedAfter(state.RecordedAt, e)
        },
        _ => state
    };
}

public partial class SelfAssessmentProjection() : StreamProjection<SelfAssessment>(
    typeof(RatingRecorded), typeof(RatingRevised));

