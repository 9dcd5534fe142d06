using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using PlanLedger.Ledger;

namespace PlanLedger.Infrastructure;

/// <summary>
/// Which events an answer is folded from: every one (now), or only those recorded at or before a time,
/// effective on or before a business date, or the first N of a stream. Conditions given together all apply.
/// </summary>
public sealed record PointInTime(DateTimeOffset? RecordedBy = null, DateOnly? EffectiveBy = null, int? Version = null)
{
    public static readonly PointInTime Now = new();

    public bool IsNow => RecordedBy is null && EffectiveBy is null && Version is null;

    public bool Includes(IEvent e)
    {
        if (Version is { } version && e.Version > version) return false;
        if (e.Data is not ILedgerEvent { Provenance: var p }) return true;
        return (RecordedBy is null || p.RecordedAt <= RecordedBy) && (EffectiveBy is null || p.EffectiveOn <= EffectiveBy);
    }

    /// <summary>A stream's events folded by its projection's own Evolve, only those this point includes: null if none.</summary>
    public T? Fold<T>(IEnumerable<IEvent> events, SingleStreamProjection<T, string> projection) where T : class =>
        events.Where(Includes).Aggregate((T?)null, (state, e) => projection.Evolve(state, e.StreamKey!, e));

    /// <summary>
    /// Every stream whose key starts with the prefix, each as it stood at this point: one query for all their
    /// events (the session's tenant scopes it); a stream with nothing included yet is left out.
    /// </summary>
    public async Task<IReadOnlyList<T>> FoldAllAsync<T>(IQuerySession session, string keyPrefix, SingleStreamProjection<T, string> projection,
        CancellationToken token) where T : class
    {
        var events = await session.Events.QueryAllRawEvents().Where(e => e.StreamKey!.StartsWith(keyPrefix)).OrderBy(e => e.Sequence).ToListAsync(token);
        return events.GroupBy(e => e.StreamKey!).Select(stream => Fold(stream.OrderBy(e => e.Version), projection)).OfType<T>().ToList();
    }

    /// <summary>The date "overdue" is judged on: the business date asked for, else the date of the recorded time, else today.</summary>
    public DateOnly Today(TimeProvider clock) =>
        EffectiveBy ?? DateOnly.FromDateTime(RecordedBy?.DateTime ?? clock.GetUtcNow().UtcDateTime);

    /// <summary>404 for something absent now, or absent at this point in time.</summary>
    public IResult NotFound(string what) =>
        Problems.Result(404, "Not found", $"{what} was not found in this partnership's ledger{Describe()}.");

    private string Describe() => string.Concat(
        RecordedBy is { } r ? $" as recorded by {r:O}" : "",
        EffectiveBy is { } e ? $" effective by {e:yyyy-MM-dd}" : "",
        Version is { } v ? $" at version {v}" : "");

    /// <summary>Reads the as-of query parameters; unparseable values never get here (Wolverine answers 400 naming them).</summary>
    public static PointInTime? Read(DateTimeOffset? asOf, DateOnly? effectiveOn, int? version, out IResult? problem)
    {
        problem = version is < 1
            ? QueryProblem.For("version", "must be 1 or more: the first N events of the stream.")
            : null;
        return problem is null ? new PointInTime(asOf, effectiveOn, version) : null;
    }
}
