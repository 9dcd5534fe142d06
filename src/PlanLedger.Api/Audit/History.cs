using System.Text.Json;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Caching.Memory;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;

namespace PlanLedger.Audit;

/// <summary>One field of the record before and after an event, as the API shows the record.</summary>
public sealed record FieldChange(string Field, JsonElement? Before, JsonElement? After);

/// <summary>One event of a stream, in the domain's words, with its provenance and what it changed.</summary>
/// <param name="Version">The event's position in its stream (1 is the first).</param>
/// <param name="What">What happened, e.g. "Status changed from Amber to Green".</param>
/// <param name="EventType">The event's type, e.g. ActionStatusChanged.</param>
/// <param name="EffectiveOn">The reporting date the change took effect on.</param>
/// <param name="RecordedAt">When the ledger recorded it (server clock).</param>
/// <param name="RecordedBy">Who recorded it: the credential's subject.</param>
/// <param name="SourceSystem">Which partner system posted it.</param>
/// <param name="Reason">Why, where the change carries a reason.</param>
/// <param name="Direction">For rating revisions: Up, Down or Corrected.</param>
/// <param name="Backdated">Effective on a date before the day it was recorded.</param>
/// <param name="Changes">Every field of the record that differs after the event, with its value before and after.</param>
/// <param name="Note">The writer's note on how the change was read (e.g. "A reading: …"), if any.</param>
public sealed record HistoryEntry(
    int Version,
    string What,
    string EventType,
    DateOnly EffectiveOn,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    string SourceSystem,
    string? CorrelationId,
    string? Reason,
    string? Direction,
    bool Backdated,
    IReadOnlyList<FieldChange> Changes,
    string? Note = null);

/// <summary>A page of a stream's history, oldest first.</summary>
public sealed record HistoryPage(string Stream, int Page, int PageSize, int TotalEntries, int TotalPages, IReadOnlyList<HistoryEntry> Entries)
{
    public static readonly string[] Tables = ["entries"];

    /// <summary>The entries as one CSV table; each change as "field: before -> after" (JSON values), changes separated by "; ".</summary>
    public CsvTable Table() => new(
        ["version", "what", "eventType", "effectiveOn", "recordedAt", "recordedBy", "sourceSystem", "correlationId", "reason", "direction", "backdated", "changes", "note"],
        Entries.Select(e => (IReadOnlyList<object?>)[e.Version, e.What, e.EventType, e.EffectiveOn, e.RecordedAt, e.RecordedBy, e.SourceSystem, e.CorrelationId,
            e.Reason, e.Direction, e.Backdated, string.Join("; ", e.Changes.Select(c => $"{c.Field}: {c.Before?.GetRawText() ?? "null"} -> {c.After?.GetRawText() ?? "null"}")), e.Note]));
}

/// <summary>What an event meant, told by the feature whose stream it is.</summary>
public sealed record Telling(string What, string? Direction = null);

/// <summary>
/// Replays a stream with its aggregate's own fold and diffs the record before and after every event, so the
/// before/after values are exactly what a read at that version would have shown.
/// </summary>
public static class History
{
    private static readonly JsonSerializerOptions Json =
        LedgerHttp.Configure(new JsonSerializerOptions { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() });

    // Bookkeeping every entry carries in its own fields.
    private static readonly HashSet<string> NotChanges = ["id", "version", "effectiveOn", "recordedAt"];

    /// <summary>
    /// A page of a stream's history, or null when the stream does not exist. A stream's history up to a
    /// version never changes, so the told entries are kept per (partnership, stream, version): an auditor
    /// paging through a long history folds it once, and a read costs one query for the stream's version.
    /// </summary>
    public static async Task<HistoryPage?> ReadAsync<T>(
        IQuerySession session,
        HistoryCache cache,
        string stream,
        Func<T?, string, object, T?> fold,
        Func<object, T?, T?, IReadOnlyList<FieldChange>, Telling> tell,
        Paging paging,
        CancellationToken token) where T : class, new()
    {
        var state = await session.Events.FetchStreamStateAsync(stream, token);
        if (state is null) return null;
        var key = (session.TenantId, stream, state.Version);
        if (!cache.TryGet(key, out var entries))
        {
            var events = await session.Events.FetchStreamAsync(stream, state.Version, token: token);
            entries = Tell(stream, events, fold, tell);
            cache.Add(key, entries);
        }
        return new HistoryPage(stream, paging.Page, paging.PageSize, entries.Count, paging.PagesFor(entries.Count), paging.PageOf(entries));
    }

    private static IReadOnlyList<HistoryEntry> Tell<T>(
        string stream,
        IReadOnlyList<IEvent> events,
        Func<T?, string, object, T?> fold,
        Func<object, T?, T?, IReadOnlyList<FieldChange>, Telling> tell) where T : class, new()
    {
        var entries = new List<HistoryEntry>(events.Count);
        var blank = new T();
        T? state = null;
        foreach (var e in events)
        {
            var next = fold(state, stream, e.Data);
            var changes = next is null ? [] : Fields<T>.Diff(state, next, blank);
            var telling = tell(e.Data, state, next, changes);
            var p = (e.Data as ILedgerEvent)?.Provenance;
            entries.Add(new HistoryEntry(
                (int)e.Version, telling.What, e.Data.GetType().Name,
                p?.EffectiveOn ?? DateOnly.FromDateTime(e.Timestamp.UtcDateTime), p?.RecordedAt ?? e.Timestamp,
                p?.RecordedBy ?? "", p?.SourceSystem ?? "", p?.CorrelationId, ReasonOf(e.Data), telling.Direction,
                p is not null && p.EffectiveOn < DateOnly.FromDateTime(p.RecordedAt.UtcDateTime),
                changes, p?.Note));
            state = next ?? state;
        }
        return entries;
    }

    /// <summary>
    /// The record's fields as the API shows them (its JSON properties), compared value by value. The folds
    /// keep a list's instance when it does not change, so unchanged lists compare equal at once.
    /// </summary>
    private static class Fields<T>
    {
        private static readonly (string Name, Func<T, object?> Read)[] All =
            Json.GetTypeInfo(typeof(T)).Properties
                .Where(p => p.Get is not null && !NotChanges.Contains(p.Name))
                .Select(p => (p.Name, (Func<T, object?>)(x => p.Get!(x!))))
                .ToArray();

        /// <summary>Fields whose value differs; a new record lists what it was created with (before is null).</summary>
        public static List<FieldChange> Diff(T? before, T after, T blank)
        {
            var changes = new List<FieldChange>();
            foreach (var (name, read) in All)
            {
                var old = read(before ?? blank);
                var now = read(after);
                if (Same(old, now)) continue;
                changes.Add(new FieldChange(name, before is null ? null : Element(old), Element(now)));
            }
            return changes;
        }

        private static bool Same(object? a, object? b) =>
            ReferenceEquals(a, b) || Equals(a, b)
            || (a is System.Collections.IEnumerable x && b is System.Collections.IEnumerable y && a is not string
                && x.Cast<object?>().SequenceEqual(y.Cast<object?>()));

        private static JsonElement? Element(object? value) => value is null ? null : JsonSerializer.SerializeToElement(value, value.GetType(), Json);
    }

    // Every event that carries a reason names it Reason.
    private static string? ReasonOf(object data) => data.GetType().GetProperty("Reason")?.GetValue(data) as string;
}

/// <summary>
/// Told histories by (partnership, stream, version), bounded by their estimated bytes
/// (<c>Ledger:Cache:HistoryMegabytes</c>, default 32); the least recently used go first.
/// </summary>
public sealed class HistoryCache
{
    private readonly MemoryCache _cache;

    public HistoryCache(IConfiguration configuration) : this(CacheBudget.Bytes(configuration, "History", 32)) { }

    public HistoryCache(long bytes) =>
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = bytes, TrackStatistics = true });

    /// <summary>The estimated bytes held now; never more than the budget.</summary>
    public long Bytes => _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    public bool TryGet((string Tenant, string Stream, long Version) key, out IReadOnlyList<HistoryEntry> entries) =>
        _cache.TryGetValue<IReadOnlyList<HistoryEntry>>(key, out entries!);

    public void Add((string Tenant, string Stream, long Version) key, IReadOnlyList<HistoryEntry> entries) =>
        _cache.Set(key, entries, new MemoryCacheEntryOptions { Size = SizeOf(key, entries) });

    /// <summary>Forgets every history (a test's wipe of the ledger reuses stream keys and versions).</summary>
    public void Clear() => _cache.Clear();

    public static long SizeOf((string Tenant, string Stream, long Version) key, IReadOnlyList<HistoryEntry> entries) =>
        CacheBudget.Object * 4 + CacheBudget.Of(key.Tenant) + CacheBudget.Of(key.Stream) + 8L * entries.Count + entries.Sum(e =>
            CacheBudget.Object * 3 + 64 + CacheBudget.Of(e.What) + CacheBudget.Of(e.EventType) + CacheBudget.Of(e.RecordedBy)
            + CacheBudget.Of(e.SourceSystem) + CacheBudget.Of(e.CorrelationId) + CacheBudget.Of(e.Reason) + CacheBudget.Of(e.Direction)
            + e.Changes.Sum(c => CacheBudget.Object * 2 + CacheBudget.Of(c.Field) + CacheBudget.Of(c.Before) + CacheBudget.Of(c.After)));
}
