using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Marten;
using Npgsql;
using PlanLedger.Changes;
using PlanLedger.Infrastructure;

namespace PlanLedger.Webhooks;

/// <summary>
/// Delivers every subscription's events, one event per request, in ledger order, at least once.
/// <para>
/// Durable without a queue: a subscription's position (the last event its receiver acknowledged) is a field of
/// its document, moved in the same short transaction that logs the successful attempt. A crash between the
/// receiver's 2xx and that commit redelivers the event after restart, with the same webhook-id. Every node runs
/// a dispatcher; a session-level PostgreSQL advisory lock per subscription (taken with try, held on a
/// connection with no transaction open, so it pins no snapshot) lets one node deliver a subscription at a time.
/// </para>
/// </summary>
public sealed class WebhookDispatcher(
    IDocumentStore store,
    LedgerDatabase database,
    SafePosition safe,
    WebhookOptions options,
    WebhookTargets targets,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    // Advisory lock space (two-key form) for subscriptions: "PLWH".
    private const int LockSpace = 0x504C5748;
    private const int ResponseExcerpt = 256;
    // Events read at a time for one subscription; still delivered one a request, each acknowledged before the next.
    private const int Batch = 100;
    private readonly HttpClient _http = targets.CreateClient();
    // How far each subscription (per replay) has been scanned without finding an event it takes: not durable, only saves rescans.
    private readonly ConcurrentDictionary<(Guid, int), long> _scanned = new();
    private readonly string _lockConnection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString;
    private DateTimeOffset _pruned = DateTimeOffset.MinValue;
    private volatile TaskCompletionSource _kick = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Looks for due work now (a subscription was made, resumed or replayed).</summary>
    public void Kick() => _kick.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var moved = safe.NextMove;
            var kicked = Interlocked.Exchange(ref _kick, new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            var wait = options.Poll;
            try
            {
                if (database.SchemaReady)
                {
                    wait = await DispatchDueAsync(stoppingToken);
                    await PruneAttemptsAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Webhook dispatch failed; retrying");
            }
            await Task.WhenAny(moved, kicked, Task.Delay(wait, stoppingToken));
        }
    }

    /// <summary>Delivers what is due; answers how long until the next retry falls due (at most the poll interval).</summary>
    private async Task<TimeSpan> DispatchDueAsync(CancellationToken token)
    {
        IReadOnlyList<WebhookSubscription> active;
        await using (var session = store.QuerySession(NationalLedger.Tenant))
            active = await session.Query<WebhookSubscription>().Where(s => s.State == WebhookState.Active).ToListAsync(token);
        safe.Subscribed = active.Count > 0;
        if (active.Count == 0) return options.Poll;
        // A subscription reads the database that holds its partnership (or the national ledger's); each has its own positions.
        var safeIn = new Dictionary<string, (Marten.Storage.IMartenDatabase Database, long UpTo)>();
        foreach (var ledger in active.Select(s => s.Partnership ?? NationalLedger.Tenant).Distinct())
        {
            var on = await store.DatabaseOfAsync(ledger);
            safeIn[ledger] = (on, await safe.ReadAsync(on, token));
        }
        var now = clock.GetUtcNow();
        var due = active.Where(s => (s.NextAttemptAt is null || s.NextAttemptAt <= now)
                                    && Math.Max(s.Position, _scanned.GetValueOrDefault((s.Id, s.Replays))) < safeIn[s.Partnership ?? NationalLedger.Tenant].UpTo).ToList();
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = token },
            async (s, t) =>
            {
                try
                {
                    var (on, upTo) = safeIn[s.Partnership ?? NationalLedger.Tenant];
                    await DeliverAsync(s.Id, on, upTo, t);
                }
                catch (Exception e) when (!t.IsCancellationRequested)
                {
                    // e.g. a concurrent pause won the document: the event is delivered again, with its webhook-id.
                    logger.LogWarning(e, "Webhook {Subscription} delivery interrupted; it resumes from its last acknowledged position", s.Id);
                }
            });
        var next = active.Where(s => s.NextAttemptAt > now).Select(s => s.NextAttemptAt!.Value - now).DefaultIfEmpty(options.Poll).Min();
        return next < options.Poll ? next : options.Poll;
    }

    private async Task DeliverAsync(Guid id, Marten.Storage.IMartenDatabase on, long upTo, CancellationToken token)
    {
        await using var connection = new NpgsqlConnection(_lockConnection);
        await connection.OpenAsync(token);
        var key = id.GetHashCode();
        await using (var take = new NpgsqlCommand("select pg_try_advisory_lock(@space, @key)", connection))
        {
            take.Parameters.AddWithValue("space", LockSpace);
            take.Parameters.AddWithValue("key", key);
            if (!(bool)(await take.ExecuteScalarAsync(token))!) return; // another node is delivering it
        }
        // Closing the unpooled connection releases the lock, also when delivery fails.
        WebhookSubscription? s;
        await using (var session = store.QuerySession(NationalLedger.Tenant)) s = await session.LoadAsync<WebhookSubscription>(id, token);
        while (s is { State: WebhookState.Active } && !(s.NextAttemptAt > clock.GetUtcNow()) && !token.IsCancellationRequested)
        {
            var from = Math.Max(s.Position, _scanned.GetValueOrDefault((s.Id, s.Replays)));
            var batch = await ChangeReader.ReadAsync(store, on, s.Scope, from, upTo, Batch, s.EventTypes, token);
            if (batch.Count == 0)
            {
                _scanned[(s.Id, s.Replays)] = upTo;
                return;
            }
            WebhookSubscription delivering = s;
            foreach (var e in batch)
            {
                if (await SendAsync(delivering, e, token) is not { } next) return;
                delivering = next;
            }
            s = delivering;
        }
    }

    /// <summary>
    /// One attempt to deliver one event; logs it and moves the subscription on, or schedules the retry. Answers the
    /// subscription to go on delivering with, or null to stop (failed, paused, replayed or deleted meanwhile).
    /// </summary>
    private async Task<WebhookSubscription?> SendAsync(WebhookSubscription s, ChangeEvent e, CancellationToken token)
    {
        var body = e.ToUtf8();
        var now = clock.GetUtcNow();
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, s.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new(ChangeEvent.MediaType) { CharSet = "utf-8" };
        request.Headers.Add("webhook-id", e.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Header(s, e.Id, timestamp, body, now));
        request.Headers.UserAgent.ParseAdd("PlanLedger-Webhooks/1.0");

        int? status = null;
        string? excerpt = null, error = null;
        var watch = Stopwatch.StartNew();
        // One deadline for the answer and its body: a receiver trickling bytes cannot hold the subscription.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            status = (int)response.StatusCode;
            excerpt = await ExcerptAsync(response, deadline.Token);
            if (status is >= 300 and < 400) error = "Redirects are not followed.";
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            status = null;
            error = $"No complete answer within {options.Timeout.TotalSeconds:0.#} s.";
        }
        catch (HttpRequestException x)
        {
            error = (x.InnerException as WebhookTargets.RefusedException)?.Message ?? x.Message;
        }
        watch.Stop();
        var delivered = status is >= 200 and < 300;
        error ??= delivered ? null : $"The receiver answered {status}.";

        // Logged and moved on together; a management change (pause, rotation) racing this save is re-read, not lost.
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(NationalLedger.Tenant);
            var current = await session.LoadAsync<WebhookSubscription>(s.Id, token);
            if (current is null) return null; // deleted meanwhile
            var failures = current.ConsecutiveFailures + 1;
            var replayed = current.Replays != s.Replays;
            var updated = delivered
                ? current with
                {
                    Position = replayed ? current.Position : e.Sequence, ConsecutiveFailures = 0, NextAttemptAt = null, LastError = null,
                    Delivered = current.Delivered + 1
                }
                : failures >= options.PauseAfterFailures
                    ? current with
                    {
                        State = WebhookState.Paused, PausedAt = now, ConsecutiveFailures = failures, NextAttemptAt = null, LastError = error,
                        PausedReason = $"Paused after {failures} failed deliveries in a row; the last: {error}"
                    }
                    : current with { ConsecutiveFailures = failures, NextAttemptAt = now + Backoff(failures), LastError = error };
            session.Store(new WebhookAttempt(Guid.NewGuid(), s.Id, e.Sequence, e.Id, e.Type, failures, now,
                status, watch.ElapsedMilliseconds, excerpt, error, delivered));
            session.Store(updated);
            try
            {
                await session.SaveChangesAsync(token);
            }
            catch (JasperFx.ConcurrencyException) when (attempt < 10)
            {
                continue;
            }
            if (!delivered) logger.LogInformation("Webhook {Subscription} delivery of {Position} failed ({Attempt}): {Error}", s.Id, e.Sequence, failures, error);
            return delivered && !replayed && updated.State == WebhookState.Active ? updated : null;
        }
    }

    /// <summary>Keeps the attempt log to its retention period; every node may prune, deleting twice is harmless.</summary>
    private async Task PruneAttemptsAsync(CancellationToken token)
    {
        var now = clock.GetUtcNow();
        if (now - _pruned < TimeSpan.FromHours(1)) return;
        _pruned = now;
        var cutoff = now - options.AttemptRetention;
        await using var session = store.LightweightSession(NationalLedger.Tenant);
        session.DeleteWhere<WebhookAttempt>(a => a.At < cutoff);
        await session.SaveChangesAsync(token);
    }

    /// <summary>Exponential, capped, with jitter: half the delay fixed, half random, so retrying receivers are not hit in step.</summary>
    public TimeSpan Backoff(int failures)
    {
        var full = options.RetryBase.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(full, options.RetryCap.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken token)
    {
        var buffer = new byte[ResponseExcerpt * 4];
        await using var stream = await response.Content.ReadAsStreamAsync(token);
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), token) is var n and > 0) read += n;
        if (read == 0) return null;
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return text.Length > ResponseExcerpt ? text[..ResponseExcerpt] : text;
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
