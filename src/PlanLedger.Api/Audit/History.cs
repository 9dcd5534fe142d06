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
    internal static readonly JsonSerializerOptions Json =
        LedgerHttp.Configure(new JsonSerializerOptions { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() });

    // Bookkeeping every entry carries in its own fields.
    private static readonly HashSet<string> NotChanges = ["id", "version", "effectiveOn", "recordedAt"];

    // Fold states are kept every this many versions, so a page deep in a long history is folded from near it.
    private const int Checkpoint = 256;
    // Events are read this many at a time, so folding a long history never holds all of it.
    private const int Slice = 1000;

    /// <summary>
    /// A page of a stream's history, or null when the stream does not exist. There is one entry per event, so the
    /// stream's version is the count, and a page reads only its own events and those since the nearest kept fold
    /// state before it: a history's entries up to a version never change, so told pages and fold states are kept
    /// per (partnership, stream, versions) and a growing stream never makes a read fold it all again.
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
        var total = (int)state.Version;
        var first = ((long)paging.Page - 1) * paging.PageSize + 1;
        IReadOnlyList<HistoryEntry> entries = [];
        if (first <= total)
        {
            var span = new HistorySpan(session.TenantId, stream, (int)first, (int)Math.Min(total, first + paging.PageSize - 1));
            if (!cache.TryGet(span, out entries))
            {
                entries = await TellAsync(session, cache, span, fold, tell, token);
                cache.Add(span, entries);
            }
        }
        return new HistoryPage(stream, paging.Page, paging.PageSize, total, paging.PagesFor(total), entries);
    }

    /// <summary>The entries of a span of versions: folded from the nearest kept state before it, told within it.</summary>
    private static async Task<IReadOnlyList<HistoryEntry>> TellAsync<T>(
        IQuerySession session,
        HistoryCache cache,
        HistorySpan span,
        Func<T?, string, object, T?> fold,
        Func<object, T?, T?, IReadOnlyList<FieldChange>, Telling> tell,
        CancellationToken token) where T : class, new()
    {
        var (tenant, stream) = (span.Tenant, span.Stream);
        var from = span.First - 1;
        T? state = null;
        if (from > 0 && !cache.TryGetState(tenant, stream, from, out state))
        {
            from = from / Checkpoint * Checkpoint;
            while (from > 0 && !cache.TryGetState(tenant, stream, from, out state)) from -= Checkpoint;
        }

        var entries = new List<HistoryEntry>(span.Last - span.First + 1);
        var blank = new T();
        for (var sliceStart = from + 1; sliceStart <= span.Last; sliceStart += Slice)
        {
            var events = await session.Events.FetchStreamAsync(stream, Math.Min(span.Last, sliceStart + Slice - 1L), fromVersion: sliceStart, token: token);
            foreach (var e in events)
            {
                var next = fold(state, stream, e.Data);
                if (e.Version >= span.First) entries.Add(Entry(e, state, next, blank, tell));
                state = next ?? state;
                if (e.Version % Checkpoint == 0 && e.Version < span.Last) cache.AddState(tenant, stream, (int)e.Version, state);
            }
        }
        cache.AddState(tenant, stream, span.Last, state);
        return entries;
    }

    private static HistoryEntry Entry<T>(IEvent e, T? before, T? after, T blank, Func<object, T?, T?, IReadOnlyList<FieldChange>, Telling> tell)
        where T : class
    {
        var changes = after is null ? [] : Fields<T>.Diff(before, after, blank);
        var telling = tell(e.Data, before, after, changes);
        var p = (e.Data as ILedgerEvent)?.Provenance;
        return new HistoryEntry(
            (int)e.Version, telling.What, e.Data.GetType().Name,
            p?.EffectiveOn ?? DateOnly.FromDateTime(e.Timestamp.UtcDateTime), p?.RecordedAt ?? e.Timestamp,
            p?.RecordedBy ?? "", p?.SourceSystem ?? "", p?.CorrelationId, ReasonOf(e.Data), telling.Direction,
            p is not null && p.EffectiveOn < DateOnly.FromDateTime(p.RecordedAt.UtcDateTime),
            changes, p?.Note);
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

/// <summary>Versions First to Last of a stream in a partnership's ledger.</summary>
public readonly record struct HistorySpan(string Tenant, string Stream, int First, int Last);

/// <summary>
/// Told history pages by (partnership, stream, versions), and the fold states they were told from, bounded by their
/// estimated bytes (<c>Ledger:Cache:HistoryMegabytes</c>, default 32); the least recently used go first.
/// </summary>
public sealed class HistoryCache
{
    private readonly MemoryCache _cache;

    public HistoryCache(IConfiguration configuration) : this(CacheBudget.Bytes(configuration, "History", 32)) { }

    public HistoryCache(long bytes) =>
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = bytes, TrackStatistics = true });

    /// <summary>The estimated bytes held now; never more than the budget.</summary>
    public long Bytes => _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    public bool TryGet(HistorySpan span, out IReadOnlyList<HistoryEntry> entries) =>
        _cache.TryGetValue<IReadOnlyList<HistoryEntry>>(span, out entries!);

    public void Add(HistorySpan span, IReadOnlyList<HistoryEntry> entries) =>
        _cache.Set(span, entries, new MemoryCacheEntryOptions { Size = SizeOf(span, entries) });

    /// <summary>The record as it stood at a version of its stream, if kept.</summary>
    public bool TryGetState<T>(string tenant, string stream, int version, out T? state) where T : class =>
        _cache.TryGetValue<T>((tenant, stream, version), out state);

    public void AddState<T>(string tenant, string stream, int version, T? state) where T : class
    {
        if (state is null) return;
        var size = CacheBudget.Object * 2 + CacheBudget.Of(tenant) + CacheBudget.Of(stream)
                   + 2L * JsonSerializer.SerializeToUtf8Bytes(state, state.GetType(), History.Json).Length;
        _cache.Set((tenant, stream, version), state, new MemoryCacheEntryOptions { Size = size });
    }

    /// <summary>Forgets every history (a test's wipe of the ledger reuses stream keys and versions).</summary>
    public void Clear() => _cache.Clear();

    public static long SizeOf(HistorySpan span, IReadOnlyList<HistoryEntry> entries) =>
        CacheBudget.Object * 4 + CacheBudget.Of(span.Tenant) + CacheBudget.Of(span.Stream) + 8L * entries.Count + entries.Sum(e =>
            CacheBudget.Object * 3 + 64 + CacheBudget.Of(e.What) + CacheBudget.Of(e.EventType) + CacheBudget.Of(e.RecordedBy)
            + CacheBudget.Of(e.SourceSystem) + CacheBudget.Of(e.CorrelationId) + CacheBudget.Of(e.Reason) + CacheBudget.Of(e.Direction)
            + e.Changes.Sum(c => CacheBudget.Object * 2 + CacheBudget.Of(c.Field) + CacheBudget.Of(c.Before) + CacheBudget.Of(c.After)));
}
