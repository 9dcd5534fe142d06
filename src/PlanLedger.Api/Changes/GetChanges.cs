using PlanLedger.Infrastructure;
using System.Security.Cryptography;
using System.Globalization;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using PlanLedger.Audit;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Changes;

/// <summary>The change feed: pages of CloudEvents in ledger order, a long-polling head page, and the same as Server-Sent Events.</summary>
public static class GetChanges
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxWaitSeconds = 30;
    public const string PositionHeader = "PlanLedger-Next-Position";
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Every event of the partnership's ledger after position `after`, oldest first, as a CloudEvents 1.0
    /// JSON batch (its onboarding included). Follow the `Link: rel="next"` header (also in
    /// PlanLedger-Next-Position) to read on; an event that commits late is never skipped, because the feed
    /// serves only up to a safe high-water mark. A full page (`limit` events) never changes: it is served
    /// immutable with a strong ETag (304 on If-None-Match). The last, partial page is the head: with
    /// `wait` seconds (up to 30) an empty head waits and answers as soon as a change arrives. With
    /// `Accept: text/event-stream` the same feed streams as Server-Sent Events (id = position), resuming
    /// after Last-Event-ID.
    /// </summary>
    /// <param name="after">The position to read after: 0 (default) from the start, else a previous event's position or a next link's.</param>
    /// <param name="limit">Events per page, 1 to 1000 (default 100).</param>
    /// <param name="wait">Seconds an empty head page may wait for a change, 0 (default) to 30.</param>
    [WolverineGet("/partnerships/{partnershipId}/changes", Name = "GetChanges")]
    [Tags("Changes")]
    [ProducesResponseType<ChangeEvent[]>(200, ChangeEvent.BatchMediaType, "text/event-stream")]
    [ProducesResponseType(304)]
    [ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> Partnership(string partnershipId, long? after, int? limit, int? wait, IDocumentStore store, SafePosition safe, HttpContext http)
    {
        if (after is < 0) return QueryProblem.For("after", "must be 0 or more.");
        var scope = new FeedScope(http.Partnership());
        return await Serve(scope, await DatabasesOf(scope, store), after?.ToString(CultureInfo.InvariantCulture), limit, wait, store, safe, http);
    }

    /// <summary>
    /// Every partnership's events after position `after` in ledger order, each naming its partnership
    /// (extension `partnership`), as a CloudEvents 1.0 JSON batch; for national leadership. Paging,
    /// caching, long-polling (`wait`) and Server-Sent Events exactly as the partnership feed.
    /// </summary>
    /// <param name="after">The position to read after: 0 (default) from the start, else a previous event's position or a next link's. With one ledger database it is a number; with partnerships spread over several databases it is a cursor such as `east:120,west:98` (an event sequence per database), which the feed gives and a reader passes back unchanged.</param>
    /// <param name="limit">Events per page, 1 to 1000 (default 100).</param>
    /// <param name="wait">Seconds an empty head page may wait for a change, 0 (default) to 30.</param>
    [WolverineGet("/national/changes", Name = "GetNationalChanges")]
    [Tags("Changes")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<ChangeEvent[]>(200, ChangeEvent.BatchMediaType, "text/event-stream")]
    [ProducesResponseType(304)]
    [ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> National(string? after, int? limit, int? wait, IDocumentStore store, SafePosition safe, HttpContext http) =>
        await Serve(FeedScope.National, await DatabasesOf(FeedScope.National, store), after, limit, wait, store, safe, http);

    /// <summary>The databases a feed reads: the partnership's, or every one.</summary>
    private static async Task<IReadOnlyList<string>> DatabasesOf(FeedScope scope, IDocumentStore store) =>
        scope.Partnership is { } partnership
            ? [(await store.DatabaseOfAsync(partnership)).Name()]
            : (await store.DatabasesAsync()).Select(d => d.Name()).ToList();

    private static async Task<IResult> Serve(FeedScope scope, IReadOnlyList<string> databases, string? after, int? limit, int? wait,
        IDocumentStore store, SafePosition safe, HttpContext http)
    {
        if (!FeedCursor.TryParse(after, databases, out var start))
            return QueryProblem.For("after", "must be 0 or a position this feed gave (an event's position, or a next link's).");
        if (limit is not null and not (>= 1 and <= MaxLimit)) return QueryProblem.For("limit", $"must be from 1 to {MaxLimit}.");
        if (wait is not null and not (>= 0 and <= MaxWaitSeconds)) return QueryProblem.For("wait", $"must be from 0 to {MaxWaitSeconds}.");
        var size = limit ?? DefaultLimit;

        if (http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)))
        {
            var lastEventId = http.Request.Headers["Last-Event-ID"].FirstOrDefault();
            if (lastEventId is not null)
            {
                if (!FeedCursor.TryParse(lastEventId, databases, out var resumed) || lastEventId.Length == 0)
                    return HeaderProblem("Last-Event-ID", "must be a position the stream sent as an event id.");
                start = resumed;
            }
            await StreamAsync(scope, start, size, store, safe, http);
            return Results.Empty;
        }

        var deadline = TimeSpan.FromSeconds(wait ?? 0);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var moved = safe.NextMove;
            var page = await ChangePage.ReadAsync(store, safe, scope, start, size, http.RequestAborted);
            var remaining = deadline - started.Elapsed;
            if (page.Events.Count > 0 || remaining <= TimeSpan.Zero) return page.Send(http, scope, size);
            await safe.WaitAsync(moved, remaining, http.RequestAborted);
        }
    }

    private static IResult HeaderProblem(string field, string detail) =>
        Infrastructure.Problems.Result(400, "Invalid header", $"Header '{field}' {detail}", field);

    private static async Task StreamAsync(FeedScope scope, FeedCursor after, int size, IDocumentStore store, SafePosition safe, HttpContext http)
    {
        var token = http.RequestAborted;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await http.Response.WriteAsync("retry: 2000\n\n", token);
        await http.Response.Body.FlushAsync(token);
        var cursor = after;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var moved = safe.NextMove;
                var page = await ChangePage.ReadAsync(store, safe, scope, cursor, size, token);
                foreach (var e in page.Events)
                {
                    await http.Response.WriteAsync($"id: {e.Position}\nevent: {e.Type}\ndata: ", token);
                    await http.Response.Body.WriteAsync(e.ToUtf8(), token);
                    await http.Response.WriteAsync("\n\n", token);
                }
                cursor = page.Next;
                if (page.Events.Count > 0)
                {
                    await http.Response.Body.FlushAsync(token);
                    if (page.Events.Count == size) continue;
                }
                var waited = System.Diagnostics.Stopwatch.StartNew();
                await safe.WaitAsync(moved, Heartbeat, token);
                if (waited.Elapsed >= Heartbeat)
                {
                    await http.Response.WriteAsync(": still here\n\n", token);
                    await http.Response.Body.FlushAsync(token);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The reader went away; it resumes with Last-Event-ID.
        }
    }
}

/// <summary>One page of a feed, read up to the safe position, and where the next page starts.</summary>
/// <param name="Settled">A full page of one database: it can never change, so it is served immutable.</param>
public sealed record ChangePage(IReadOnlyList<ChangeEvent> Events, FeedCursor Next, bool Settled)
{
    public static async Task<ChangePage> ReadAsync(IDocumentStore store, SafePosition safe, FeedScope scope, FeedCursor after, int size, CancellationToken token)
    {
        var databases = scope.Partnership is { } partnership ? [await store.DatabaseOfAsync(partnership)] : await store.DatabasesAsync();
        var heads = new List<(string Database, Queue<ChangeEvent> Events, long UpTo)>();
        foreach (var on in databases)
        {
            var database = on.Name();
            var upTo = await safe.ReadAsync(on, token);
            heads.Add((database, new Queue<ChangeEvent>(await ChangeReader.ReadAsync(store, on, scope, after[database], upTo, size, null, token)), upTo));
        }

        // Over several databases, the page takes the earliest recorded of each database's next events in turn: each
        // database's events keep their own order, so the cursor moves over a prefix of each and never skips one.
        var cursor = after;
        var events = new List<ChangeEvent>();
        while (events.Count < size && heads.Where(h => h.Events.Count > 0).OrderBy(h => h.Events.Peek().Time).ThenBy(h => h.Database, StringComparer.Ordinal)
                   .Select(h => h.Events).FirstOrDefault() is { } next)
        {
            var e = next.Dequeue();
            cursor = cursor.With(e.Database, e.Sequence);
            events.Add(heads.Count == 1 ? e : e with { Position = cursor.ToString() });
        }
        // A partial page has every event of the scope up to the safe positions.
        if (events.Count < size)
            foreach (var (database, _, upTo) in heads) cursor = cursor.With(database, Math.Max(after[database], upTo));
        return new ChangePage(events, cursor, Settled: events.Count == size && heads.Count == 1);
    }

    public IResult Send(HttpContext http, FeedScope scope, int size)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Events, ChangeEvent.Json);
        var etag = "\"" + Convert.ToBase64String(SHA256.HashData(body)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";
        var full = Settled;
        var headers = http.Response.Headers;
        headers.ETag = etag;
        // Private: a page is a partnership's data, so a shared cache must not answer it to another caller.
        headers.CacheControl = full ? "private, max-age=31536000, immutable" : "private, no-cache";
        headers.Vary = "Authorization, Accept";
        headers[GetChanges.PositionHeader] = Next.ToString();
        headers.Link = $"<{scope.Path}?after={Uri.EscapeDataString(Next.ToString())}&limit={size}>; rel=\"next\"";
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(t => t.Tag.Equals(etag) || t.Tag.Equals("*")))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(body, ChangeEvent.BatchMediaType + "; charset=utf-8");
    }
}
