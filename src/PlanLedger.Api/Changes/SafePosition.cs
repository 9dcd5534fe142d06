using Marten;
using Npgsql;
using PlanLedger.Infrastructure;

namespace PlanLedger.Changes;

/// <summary>
/// The ledger position up to which every event has either committed or will never exist: a reader that
/// serves no further never skips an event that commits late.
/// <para>
/// Sequence numbers are taken before commit, so a transaction can commit seq 7 while seq 6 is still in
/// flight; a reader that served 7 and moved its cursor past it would never see 6. Marten's async daemon
/// solves the same problem for projections: its high-water mark (row <c>HighWaterMark</c> of
/// <c>mt_event_progression</c>) advances only over committed sequence numbers, and skips a gap only once
/// it has been stale past the threshold and PostgreSQL shows no live transaction that could still fill it.
/// We take that mark, and extend it over the contiguous run of committed events just above it (every
/// number present, read in one snapshot, so nothing in it can still arrive), which lets readers see a
/// commit at once rather than at the daemon's next poll. Gaps are only ever skipped by the daemon's rule.
/// </para>
/// </summary>
public sealed class SafePosition(IDocumentStore store, LedgerDatabase database, IConfiguration configuration, ILogger<SafePosition> logger)
    : BackgroundService
{
    /// <summary>Marten's name for its store-wide high-water mark in mt_event_progression.</summary>
    public const string DaemonMark = "HighWaterMark";
    /// <summary>The channel Marten notifies on every append (StoreOptions.Events.UseListenNotifyForEventAppends).</summary>
    public const string AppendChannel = "mt_events_appended";
    /// <summary>Whether Marten notifies on every append (off by default: see ChangeFeedModule).</summary>
    public const string NotifySetting = "Ledger:Feed:Notify";
    // How far above the daemon's mark one reading looks for a contiguous run; a daemon further behind is caught up with by later readings.
    private const int Window = 10_000;

    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(configuration.GetValue("Ledger:Feed:PollMilliseconds", 1000));
    // While a reader waits or a webhook subscription is active, without notifications, how often the position is read.
    private readonly TimeSpan _eagerPoll = TimeSpan.FromMilliseconds(configuration.GetValue("Ledger:Feed:WaitingPollMilliseconds", 50));
    // Under a write load every append notifies; one reading per interval serves them all (and wakes every waiter once).
    private readonly TimeSpan _coalesce = TimeSpan.FromMilliseconds(configuration.GetValue("Ledger:Feed:CoalesceMilliseconds", 20));
    private readonly SemaphoreSlim _appended = new(0, 1);
    private TaskCompletionSource _moved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // By database: over a pool each database has its own event sequence, and so its own safe position.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _current = new();
    private int _waiting;

    /// <summary>Reads the safe position of the database holding a ledger now.</summary>
    public async Task<long> ReadAsync(string ledger, CancellationToken token) => await ReadAsync(await store.DatabaseOfAsync(ledger), token);

    /// <summary>Reads every database's safe position now, by database.</summary>
    public async Task<FeedCursor> ReadAllAsync(CancellationToken token)
    {
        var positions = new Dictionary<string, long>();
        foreach (var on in await store.DatabasesAsync()) positions[on.Name()] = await ReadAsync(on, token);
        return new FeedCursor(positions);
    }

    /// <summary>Reads one database's safe position now.</summary>
    public async Task<long> ReadAsync(Marten.Storage.IMartenDatabase on, CancellationToken token)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = on.CreateConnection();
        await connection.OpenAsync(token);
        // One statement, so the mark and the run above it come from one snapshot.
        await using var command = new NpgsqlCommand($"""
            with hw as (
              select coalesce((select last_seq_id from {schema}.mt_event_progression where name = '{DaemonMark}'), 0) as mark),
            above as (
              select e.seq_id, row_number() over (order by e.seq_id) as n
                from (select seq_id from {schema}.mt_events where seq_id > (select mark from hw) order by seq_id limit {Window}) e)
            select (select mark from hw) + (select count(*) from above where seq_id = (select mark from hw) + n)
            """, connection);
        var position = (long)(await command.ExecuteScalarAsync(token))!;
        var previous = _current.GetValueOrDefault(on.Name(), -1);
        _current[on.Name()] = position;
        if (previous != position) Interlocked.Exchange(ref _moved, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return position;
    }

    /// <summary>How many readers are waiting for the position to move (long polls, streams).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Set by the webhook dispatcher while any subscription is active: it wants every append, as a waiting reader does.</summary>
    public bool Subscribed { get; set; }

    // Reading on every append costs PostgreSQL a query per append under load; with nobody to tell, the poll interval does.
    private bool Eager => Waiting > 0 || Subscribed;

    /// <summary>Completes when the position next moves. Take it before reading, so a move during the read is not missed.</summary>
    public Task NextMove => Volatile.Read(ref _moved).Task;

    /// <summary>Waits for <paramref name="move"/> (a <see cref="NextMove"/>) for up to <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(Task move, TimeSpan timeout, CancellationToken token)
    {
        if (timeout <= TimeSpan.Zero) return;
        Interlocked.Increment(ref _waiting);
        Signal();
        try
        {
            await move.WaitAsync(timeout, token);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    // Without notifications a listener would hold a connection open for nothing.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        configuration.GetValue(NotifySetting, false)
            ? Task.WhenAll(DatabaseConnections().Select(c => ListenAsync(c, stoppingToken)).Append(RefreshAsync(stoppingToken)))
            : RefreshAsync(stoppingToken);

    private IEnumerable<string> DatabaseConnections() =>
        database.Spread ? database.Pool.Select(p => p.ConnectionString) : [database.ConnectionString];

    /// <summary>Re-reads the position on every append notification, and every poll interval for the daemon's gap skips.</summary>
    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _appended.WaitAsync(Eager ? _eagerPoll : _poll, stoppingToken);
                if (database.SchemaReady) await ReadAllAsync(stoppingToken);
                await Task.Delay(_coalesce, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Safe ledger position not read");
                await Task.Delay(_poll, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ListenAsync(string ledgerConnection, CancellationToken stoppingToken)
    {
        // An unpooled connection of its own: a LISTEN must not go back into the pool.
        var connectionString = new NpgsqlConnectionStringBuilder(ledgerConnection) { Pooling = false, KeepAlive = 30 }.ConnectionString;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => { if (Eager) Signal(); };
                await using (var listen = new NpgsqlCommand($"listen {AppendChannel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
                Signal();
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Ledger append notifications not received; polling until they are");
                await Task.Delay(_poll, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Signal()
    {
        try { _appended.Release(); }
        catch (SemaphoreFullException) { } // a refresh is already due
    }
}
