using JasperFx;
using JasperFx.MultiTenancy;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Storage;
using Weasel.Core;

namespace PlanLedger.Infrastructure;

/// <summary>
/// Where the ledger lives, and whether its schema is in place yet: one database, or (<c>Ledger:Databases:{id}</c>) a pool of
/// databases over which the partnerships are spread, with the pool's registry and the national ledger in the first of them.
/// </summary>
public sealed class LedgerDatabase(string connectionString, IReadOnlyList<(string Id, string ConnectionString)>? pool = null)
{
    /// <summary>The database that holds the registry of the pool when there is one, else the ledger itself.</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>The databases partnerships are spread over, in configuration order; empty when the ledger is one database.</summary>
    public IReadOnlyList<(string Id, string ConnectionString)> Pool { get; } = pool ?? [];

    public bool Spread => Pool.Count > 0;

    /// <summary>Every database the ledger uses, by name: the pool's registry ("registry") and each pool database, or the one ("ledger").</summary>
    public IEnumerable<(string Name, string ConnectionString)> All =>
        Spread ? Pool.Prepend(("registry", ConnectionString)) : [("ledger", ConnectionString)];

    /// <summary>
    /// <see cref="All"/> with pooling off, for health probes: a pooled connection left over from before a PostgreSQL
    /// restart fails its first command, so a probe would report a database that answers as unreachable.
    /// </summary>
    public IEnumerable<(string Name, string ConnectionString)> Probes =>
        All.Select(d => (d.Name, new Npgsql.NpgsqlConnectionStringBuilder(d.ConnectionString) { Pooling = false }.ConnectionString));

    public volatile bool SchemaReady;

    public static LedgerDatabase From(IConfiguration configuration, string connectionString) =>
        new(connectionString, configuration.GetSection("Ledger:Databases").GetChildren()
            .Where(d => !string.IsNullOrWhiteSpace(d.Value)).Select(d => (d.Key, d.Value!)).OrderBy(d => d.Key, StringComparer.Ordinal).ToList());
}

/// <summary>The ledger that is no partnership's: onboarding, the registry, webhook subscriptions. A tenant like any other.</summary>
public static class NationalLedger
{
    public const string Tenant = "national";
}

public static class LedgerStore
{
    public const string Schema = "planledger";

    public static WebApplicationBuilder AddLedgerStore(this WebApplicationBuilder builder, IReadOnlyList<ILedgerModule> modules)
    {
        var connectionString = builder.Configuration["PLANLEDGER_DB"]
            ?? builder.Configuration.GetConnectionString("PlanLedger")
            ?? throw new InvalidOperationException(
                "No database: set PLANLEDGER_DB (deploy/db.sh prints one) or ConnectionStrings:PlanLedger.");
        var database = LedgerDatabase.From(builder.Configuration, connectionString);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(TimeProvider.System);

        // Solo by default: HotCold leadership with the lock library we can restore holds an advisory-lock transaction open
        // for as long as a node leads, which pins PostgreSQL's xmin. Several nodes use Distributed (LedgerCluster, docs/cluster.md).
        builder.Services.AddMarten(_ => Options(database, modules, builder.Configuration.GetValue("Ledger:AutoPrepare", true)))
            .UseLightweightSessions()
            .AddLedgerDaemon(builder.Configuration);

        builder.Services.AddHostedService<SchemaWarmup>();
        foreach (var module in modules) module.AddServices(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>The ledger's Marten configuration for one database; the benchmark builds its store from the same.</summary>
    public static StoreOptions Options(string connectionString, IReadOnlyList<ILedgerModule> modules, bool autoPrepare = true) =>
        Options(new LedgerDatabase(connectionString), modules, autoPrepare);

    /// <summary>The ledger's Marten configuration.</summary>
    public static StoreOptions Options(LedgerDatabase database, IReadOnlyList<ILedgerModule> modules, bool autoPrepare = true)
    {
        var opts = new StoreOptions();
        // Marten opens a pooled connection per query outside a transaction; skipping the reset
        // (DISCARD ALL) on each return saves a round trip per query. We set no session state.
        // Auto-prepare: Marten's statements repeat exactly, so a statement used twice on a connection is prepared
        // and PostgreSQL stops planning it on every request (≈0.2 ms per upsert, measured).
        string Tuned(string connectionString) => new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
        {
            NoResetOnClose = true, MaxAutoPrepare = autoPrepare ? 100 : 0, AutoPrepareMinUsages = 2
        }.ConnectionString;
        opts.DatabaseSchemaName = Schema;
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);

        // A tenant is a partnership: its events and documents share tables, keyed by tenant id.
        if (database.Spread)
        {
            // Several databases: Marten's sharded tenancy keeps the pool and which database holds each partnership in
            // the first database, and each partnership conjoined (in list partitions of its own) inside its database.
            opts.MultiTenantedWithShardedDatabases(pool =>
            {
                pool.ConnectionString = Tuned(database.ConnectionString);
                pool.SchemaName = Schema;
                pool.PartitionSchemaName = Schema;
                foreach (var (id, connectionString) in database.Pool) pool.AddDatabase(id, Tuned(connectionString));
                // A new partnership goes to the database holding fewest, so an added database fills first.
                pool.UseSmallestDatabaseAssignment();
            });
        }
        else opts.Connection(Tuned(database.ConnectionString));
        opts.Events.TenancyStyle = TenancyStyle.Conjoined;
        opts.Policies.AllDocumentsAreMultiTenanted();
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        opts.Events.AppendMode = EventAppendMode.Quick;
        // The served DistributedLock.Postgres 1.3.1 cannot take session-level locks on a
        // DbDataSource; transaction-scoped advisory locks let the async daemon lead (stack.md).
        opts.Events.UseAdvisoryLockTransaction = true;
        opts.Projections.UseIdentityMapForAggregates = true;
        // National views are read as of their position (PlanLedger-Projection-Position), so polling for new events once
        // a second under load, not four times, costs them at most a second of freshness and gives each page more
        // changes to the same documents to fold before storing them.
        opts.Projections.FastPollingTime = TimeSpan.FromSeconds(1);

        opts.ConfigureIdempotency();
        foreach (var module in modules) module.ConfigureStore(opts);
        return opts;
    }
}

/// <summary>
/// Applies the schema in the background so the API starts (and answers /health/ready with 503)
/// even while PostgreSQL is down; readiness turns green once this has succeeded. When PostgreSQL answers
/// at start-up, the first attempt runs before any hosted service starts, so the async daemon never
/// creates the same schema at the same time (on a fresh database that race logged a DDL error).
/// </summary>
internal sealed class SchemaWarmup(IDocumentStore store, LedgerDatabase database, ILogger<SchemaWarmup> logger)
    : BackgroundService, IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => TryApplyAsync(TimeSpan.FromSeconds(10), cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!database.SchemaReady && !stoppingToken.IsCancellationRequested)
        {
            if (await TryApplyAsync(Timeout.InfiniteTimeSpan, stoppingToken)) return;
            await Task.Delay(delay, stoppingToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
        }
    }

    private async Task<bool> TryApplyAsync(TimeSpan timeout, CancellationToken token)
    {
        try
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync().WaitAsync(timeout, token);
            // Over a pool, the national ledger (onboarding, the registry, webhooks) lives in the first database.
            if (database.Spread) await store.Advanced.AddTenantToShardAsync(NationalLedger.Tenant, database.Pool[0].Id, token).WaitAsync(timeout, token);
            database.SchemaReady = true;
            logger.LogInformation("Ledger schema {Schema} is in place", LedgerStore.Schema);
            return true;
        }
        catch (Exception e) when (!token.IsCancellationRequested)
        {
            logger.LogWarning("Ledger schema not applied yet ({Reason}); retrying", e.GetBaseException().Message);
            return false;
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
