using PlanLedger.Infrastructure;
using System.Security.Cryptography;
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
    public static Task<IResult> Partnership(string partnershipId, long? after, int? limit, int? wait, IDocumentStore store, SafePosition safe, HttpContext http) =>
        Serve(new FeedScope(http.Partnership()), after, limit, wait, store, safe, http);

    /// <summary>
    /// Every partnership's events after position `after` in ledger order, each naming its partnership
    /// (extension `partnership`), as a CloudEvents 1.0 JSON batch; for national leadership. Paging,
    /// caching, long-polling (`wait`) and Server-Sent Events exactly as the partnership feed.
    /// </summary>
    /// <param name="after">The position to read after: 0 (default) from the start, else a previous event's position or a next link's.</param>
    /// <param name="limit">Events per page, 1 to 1000 (default 100).</param>
    /// <param name="wait">Seconds an empty head page may wait for a change, 0 (default) to 30.</param>
    [WolverineGet("/national/changes", Name = "GetNationalChanges")]
    [Tags("Changes")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<ChangeEvent[]>(200, ChangeEvent.BatchMediaType, "text/event-stream")]
    [ProducesResponseType(304)]
    [ProducesResponseType<ProblemDetails>(400)]
    public static Task<IResult> National(long? after, int? limit, int? wait, IDocumentStore store, SafePosition safe, HttpContext http) =>
        Serve(FeedScope.National, after, limit, wait, store, safe, http);

    private static async Task<IResult> Serve(FeedScope scope, long? after, int? limit, int? wait, IDocumentStore store, SafePosition safe, HttpContext http)
    {
        if (after is < 0) return QueryProblem.For("after", "must be 0 or more.");
        if (limit is not null and not (>= 1 and <= MaxLimit)) return QueryProblem.For("limit", $"must be from 1 to {MaxLimit}.");
        if (wait is not null and not (>= 0 and <= MaxWaitSeconds)) return QueryProblem.For("wait", $"must be from 0 to {MaxWaitSeconds}.");
        var size = limit ?? DefaultLimit;

        if (http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)))
        {
            var lastEventId = http.Request.Headers["Last-Event-ID"].FirstOrDefault();
            if (lastEventId is not null && !(long.TryParse(lastEventId, out var resumed) && resumed >= 0))
                return HeaderProblem("Last-Event-ID", "must be a position (0 or more) the stream sent as an event id.");
            await StreamAsync(scope, lastEventId is null ? after ?? 0 : long.Parse(lastEventId), size, store, safe, http);
            return Results.Empty;
        }

        var deadline = TimeSpan.FromSeconds(wait ?? 0);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var moved = safe.NextMove;
            var page = await ChangePage.ReadAsync(store, safe, scope, after ?? 0, size, http.RequestAborted);
            var remaining = deadline - started.Elapsed;
            if (page.Events.Count > 0 || remaining <= TimeSpan.Zero) return page.Send(http, scope, size);
            await safe.WaitAsync(moved, remaining, http.RequestAborted);
        }
    }

    private static IResult HeaderProblem(string field, string detail) =>
        Infrastructure.Problems.Result(400, "Invalid header", $"Header '{field}' {detail}", field);

    private static async Task StreamAsync(FeedScope scope, long after, int size, IDocumentStore store, SafePosition safe, HttpContext http)
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
public sealed record ChangePage(IReadOnlyList<ChangeEvent> Events, long Next)
{
    public static async Task<ChangePage> ReadAsync(IDocumentStore store, SafePosition safe, FeedScope scope, long after, int size, CancellationToken token)
    {
        var upTo = await safe.ReadAsync(token);
        var events = await ChangeReader.ReadAsync(store, scope, after, upTo, size, null, token);
        // A full page ends at its last event; a partial one has every event of the scope up to the safe position.
        var next = events.Count == size ? events[^1].Sequence : Math.Max(after, upTo);
        return new ChangePage(events, next);
    }

    public IResult Send(HttpContext http, FeedScope scope, int size)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Events, ChangeEvent.Json);
        var etag = "\"" + Convert.ToBase64String(SHA256.HashData(body)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";
        var full = Events.Count == size;
        var headers = http.Response.Headers;
        headers.ETag = etag;
        // Private: a page is a partnership's data, so a shared cache must not answer it to another caller.
        headers.CacheControl = full ? "private, max-age=31536000, immutable" : "private, no-cache";
        headers.Vary = "Authorization, Accept";
        headers[GetChanges.PositionHeader] = Next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers.Link = $"<{scope.Path}?after={Next}&limit={size}>; rel=\"next\"";
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(t => t.Tag.Equals(etag) || t.Tag.Equals("*")))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(body, ChangeEvent.BatchMediaType + "; charset=utf-8");
    }
}
