using System.Threading.Channels;
using Marten;
using Marten.Services.BatchQuerying;
using Marten.Storage;

namespace PlanLedger.Infrastructure;

/// <summary>The one stream a write changes, named before it runs so that concurrent writes can share a transaction.</summary>
/// <param name="Prefetch">Loads the stream for writing inside a batched query, so a batch reads all its streams in one round trip.</param>
public sealed record WriteTarget(string Stream, Func<IBatchedQuery, Task<object>> Prefetch)
{
    public static WriteTarget Of<TState>(string stream) where TState : class =>
        new(stream, async batch => await batch.Events.FetchForWriting<TState>(stream));
}

/// <summary>A write waiting for its batch: what <see cref="GroupCommit"/> needs to record it beside others and answer it alone.</summary>
internal interface IPendingWrite
{
    string Ledger { get; }
    WriteTarget Target { get; }
    string? IdempotencyKey { get; }

    /// <summary>Answers a retry from the answer stored under its key.</summary>
    void Replay(IdempotentAnswer earlier);

    /// <summary>Decides and stages the write in the batch's session, given its stream as read for writing; a refusal is answered at once, having staged nothing.</summary>
    Task Decide(IDocumentSession session, object stream, CancellationToken token);

    /// <summary>After the batch's events are saved (positions assigned): the answer to store under its key, if it has one.</summary>
    IdempotentAnswer? Prepare();

    /// <summary>After commit: sends the prepared answer.</summary>
    void Answer();

    /// <summary>The batch could not be recorded as one: the write runs again alone (nothing of it was committed).</summary>
    void RunAlone();

    void Fail(Exception error);
    bool Answered { get; }
}

/// <summary>
/// Group commit for single-stream writes. Concurrent writes are queued by stream to a fixed number of flushers; a
/// flusher takes whatever is waiting when it is free (it never waits for a batch to fill, so a lone write goes at once),
/// reads the batch's streams in one round trip, decides each write in arrival order, saves them in one transaction and
/// answers each only after the commit. A batch never holds two writes to one stream or two uses of one Idempotency-Key
/// (the later waits for the next batch, where it sees the earlier's result), so every write is decided exactly as it
/// would be alone; a refusal stages nothing and is answered at once. If the batch fails as a whole (another node's
/// append, a key used concurrently elsewhere), nothing was committed and each write runs again alone.
/// </summary>
public sealed class GroupCommit : IAsyncDisposable
{
    private readonly IDocumentStore _store;
    private readonly ILogger<GroupCommit> _logger;
    private readonly Channel<IPendingWrite>[] _queues;
    private readonly Task[] _flushers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly int _maxBatch;
    private volatile TaskCompletionSource? _paused;
    private int _queued;

    public GroupCommit(IDocumentStore store, IConfiguration configuration, ILogger<GroupCommit> logger)
    {
        _store = store;
        _logger = logger;
        Enabled = configuration.GetValue("Ledger:GroupCommit:Enabled", true);
        _maxBatch = Math.Max(1, configuration.GetValue("Ledger:GroupCommit:MaxBatch", 32));
        var flushers = Math.Max(1, configuration.GetValue("Ledger:GroupCommit:Flushers", 4));
        _queues = Enumerable.Range(0, flushers)
            .Select(_ => Channel.CreateUnbounded<IPendingWrite>(new UnboundedChannelOptions { SingleReader = true }))
            .ToArray();
        _flushers = Enabled ? _queues.Select(q => Task.Run(() => Flush(q.Reader))).ToArray() : [];
    }

    public bool Enabled { get; }

    private int _largestBatch;

    /// <summary>The largest batch recorded in one transaction since the last call.</summary>
    internal int TakeLargestBatch() => Interlocked.Exchange(ref _largestBatch, 0);

    /// <summary>Writes queued and not yet taken into a batch.</summary>
    internal int Queued => Volatile.Read(ref _queued);

    internal void Enqueue(IPendingWrite write)
    {
        var queue = _queues[FlusherOf(write.Ledger, write.Target.Stream)];
        Interlocked.Increment(ref _queued);
        if (!queue.Writer.TryWrite(write))
        {
            Interlocked.Decrement(ref _queued);
            write.RunAlone();
        }
    }

    /// <summary>Each stream has one flusher, so its writes are decided in arrival order and never race each other.</summary>
    internal int FlusherOf(string ledger, string stream) =>
        (int)((uint)StringComparer.Ordinal.GetHashCode(ledger + "\n" + stream) % (uint)_queues.Length);

    /// <summary>Holds every flusher before its next batch, so a test can queue writes and see them recorded as one batch.</summary>
    internal void Pause() => _paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void Resume() => Interlocked.Exchange(ref _paused, null)?.TrySetResult();

    private async Task Flush(ChannelReader<IPendingWrite> queue)
    {
        var waiting = new List<IPendingWrite>();
        try
        {
            while (waiting.Count > 0 || await queue.WaitToReadAsync(_stopping.Token))
            {
                if (_paused is { } paused) await paused.Task.WaitAsync(_stopping.Token);
                var (batch, later) = Form(waiting, queue);
                waiting = later;
                await Record(batch);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
        finally
        {
            while (queue.TryRead(out var left)) waiting.Add(left);
            foreach (var write in waiting) write.RunAlone();
        }
    }

    /// <summary>Takes the writes that waited from the last round first (their order is arrival order), then whatever is queued.</summary>
    private (List<IPendingWrite> Batch, List<IPendingWrite> Later) Form(List<IPendingWrite> waiting, ChannelReader<IPendingWrite> queue)
    {
        var batch = new List<IPendingWrite>();
        var later = new List<IPendingWrite>();
        var streams = new HashSet<(string, string)>();
        var keys = new HashSet<(string, string)>();
        var blocked = new HashSet<(string, string)>();

        void Offer(IPendingWrite write)
        {
            var stream = (write.Ledger, write.Target.Stream);
            var key = write.IdempotencyKey is { } k ? (write.Ledger, k) : default;
            // A write behind a deferred one on its stream defers too, so each stream keeps arrival order.
            var fits = batch.Count < _maxBatch && !blocked.Contains(stream) && !streams.Contains(stream)
                       && (write.IdempotencyKey is null || !keys.Contains(key));
            if (!fits)
            {
                blocked.Add(stream);
                later.Add(write);
                return;
            }
            streams.Add(stream);
            if (write.IdempotencyKey is not null) keys.Add(key);
            batch.Add(write);
        }

        foreach (var write in waiting) Offer(write);
        while (batch.Count < _maxBatch && queue.TryRead(out var next))
        {
            Interlocked.Decrement(ref _queued);
            Offer(next);
        }
        return (batch, later);
    }

    private async Task Record(List<IPendingWrite> batch)
    {
        if (batch.Count == 0) return;
        for (var largest = _largestBatch; batch.Count > largest; largest = _largestBatch)
            Interlocked.CompareExchange(ref _largestBatch, batch.Count, largest);
        LedgerTelemetry.WriteBatchSize.Record(batch.Count);
        if (!_store.IsSpread())
        {
            await RecordOn(_store.Storage.Database, batch);
            return;
        }
        // One transaction is one database's: over a pool, each database's writes are recorded together.
        var byDatabase = new Dictionary<string, (IMartenDatabase Database, List<IPendingWrite> Writes)>();
        foreach (var write in batch)
        {
            IMartenDatabase database;
            try { database = await _store.DatabaseOfAsync(write.Ledger); }
            catch (Exception) { write.RunAlone(); continue; }
            if (!byDatabase.TryGetValue(database.Name(), out var group)) byDatabase[database.Name()] = group = (database, []);
            group.Writes.Add(write);
        }
        foreach (var (database, writes) in byDatabase.Values) await RecordOn(database, writes);
    }

    private async Task RecordOn(IMartenDatabase database, List<IPendingWrite> batch)
    {
        var token = _stopping.Token;
        var decided = new List<IPendingWrite>(batch.Count);
        var committing = false;
        try
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(token);
            await using var transaction = await connection.BeginTransactionAsync(token);
            var sessions = new List<IDocumentSession>();
            try
            {
                // One lock order for every batch: streams sorted within each ledger, ledgers sorted.
                foreach (var ledger in batch.GroupBy(w => w.Ledger).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    var options = Marten.Services.SessionOptions.ForTransaction(transaction);
                    options.TenantId = ledger.Key;
                    var session = _store.LightweightSession(options);
                    sessions.Add(session);
                    var writes = ledger.OrderBy(w => w.Target.Stream, StringComparer.Ordinal).ToList();
                    decided.AddRange(await Decide(session, writes, token));
                }
                foreach (var session in sessions) await session.SaveChangesAsync(token);

                for (var i = 0; i < sessions.Count; i++)
                {
                    var answers = decided.Where(w => w.Ledger == sessions[i].TenantId).Select(w => w.Prepare()).OfType<IdempotentAnswer>().ToList();
                    if (answers.Count == 0) continue;
                    sessions[i].Insert(answers.ToArray());
                    await sessions[i].SaveChangesAsync(token);
                }
                committing = true;
                await transaction.CommitAsync(token);
            }
            finally
            {
                foreach (var session in sessions) await session.DisposeAsync();
            }
            foreach (var write in decided) write.Answer();
        }
        catch (Exception e) when (!committing)
        {
            // Nothing was committed: each write runs again alone and gets exactly the answer it would have had.
            _logger.LogInformation("A batch of {Count} writes was not recorded together ({Reason}); each runs alone", batch.Count, e.GetBaseException().Message);
            foreach (var write in batch.Where(w => !w.Answered)) write.RunAlone();
        }
        catch (Exception e)
        {
            // The commit's outcome is unknown: running again could record a write twice, so each is answered with the failure.
            foreach (var write in batch.Where(w => !w.Answered)) write.Fail(e);
        }
    }

    /// <summary>Replays keyed retries, reads the remaining writes' streams in one batched query, and decides each.</summary>
    private static async Task<List<IPendingWrite>> Decide(IDocumentSession session, List<IPendingWrite> writes, CancellationToken token)
    {
        var keys = writes.Where(w => w.IdempotencyKey is not null).Select(w => w.IdempotencyKey!).ToArray();
        if (keys.Length > 0)
        {
            var earlier = (await session.LoadManyAsync<IdempotentAnswer>(token, keys)).ToDictionary(a => a.Id);
            foreach (var write in writes.Where(w => w.IdempotencyKey is { } k && earlier.ContainsKey(k)))
                write.Replay(earlier[write.IdempotencyKey!]);
            writes = writes.Where(w => !w.Answered).ToList();
        }

        var query = session.CreateBatchQuery();
        var streams = writes.Select(w => (w, stream: w.Target.Prefetch(query))).ToList();
        await query.Execute(token);

        var decided = new List<IPendingWrite>(writes.Count);
        foreach (var (write, stream) in streams)
        {
            await write.Decide(session, await stream, token);
            if (!write.Answered) decided.Add(write);
        }
        return decided;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues) queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll(_flushers).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _stopping.Dispose();
    }
}
