using System.Net.Http.Headers;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using PlanLedger.Partnerships;
using PlanLedger.Security;
using Testcontainers.PostgreSql;

namespace PlanLedger.Tests;

[CollectionDefinition(Name)]
public sealed class LedgerCollection : ICollectionFixture<LedgerHost>
{
    public const string Name = "ledger";
}

/// <summary>
/// One API host for the whole suite, against a real PostgreSQL: a Testcontainers one where a Docker
/// engine answers, otherwise the cluster deploy/db.sh runs (PLANLEDGER_DB), in a database of its own.
/// </summary>
public sealed class LedgerHost : IAsyncLifetime
{
    /// <summary>Its own database on the shared cluster; PLANLEDGER_TEST_DB lets two checkouts test side by side.</summary>
    public static readonly string TestDatabase = Environment.GetEnvironmentVariable("PLANLEDGER_TEST_DB") ?? "planledger_tests";
    public string SigningKey { get; } = DevelopmentTokens.NewSigningKey();
    public TestClock Clock { get; } = new();
    public string ConnectionString { get; private set; } = "";
    private PostgreSqlContainer? _container;
    private WebApplicationFactory<Program> _factory = null!;

    public HttpClient Client { get; private set; } = null!;
    public IServiceProvider Services => _factory.Services;
    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    public async Task InitializeAsync()
    {
        ConnectionString = await DatabaseAsync();
        _factory = Factory(ConnectionString, "Solo");
        Client = _factory.CreateClient();
        // Readiness waits for the schema, so the first test does not race its creation.
        for (var i = 0; i < 240; i++)
        {
            var ready = await Client.GetAsync("/health/ready");
            if (ready.IsSuccessStatusCode) return;
            await Task.Delay(250);
        }
        throw new InvalidOperationException("The API never became ready");
    }

    public WebApplicationFactory<Program> Factory(string connectionString, string daemon, int permitsPerSecond = 100_000,
        IReadOnlyDictionary<string, string>? settings = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("PLANLEDGER_DB", connectionString);
            b.UseSetting("Auth:SigningKey", SigningKey);
            b.UseSetting("Ledger:Daemon", daemon);
            b.UseSetting("Ledger:LagSampleSeconds", "1");
            b.UseSetting("Ledger:RateLimit:PermitsPerSecond", permitsPerSecond.ToString());
            // Webhook retries in milliseconds, so delivery tests wait on deliveries, not on backoff.
            b.UseSetting("Webhooks:RetryBase", "00:00:00.050");
            b.UseSetting("Webhooks:RetryCap", "00:00:00.200");
            b.UseSetting("Webhooks:PauseAfterFailures", "5");
            b.UseSetting("Webhooks:Poll", "00:00:00.200");
            b.UseSetting("Webhooks:Timeout", "00:00:03");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) b.UseSetting(key, value);
            b.ConfigureLogging(l => l.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning));
            b.ConfigureServices(s =>
            {
                s.RemoveAll<TimeProvider>();
                s.AddSingleton<TimeProvider>(Clock);
            });
        });

    /// <summary>A second host (daemon off unless asked) whose every log event from <paramref name="minimum"/> up lands in <paramref name="logs"/>.</summary>
    public WebApplicationFactory<Program> FactoryLoggingTo(CapturingLogs logs, LogLevel minimum = LogLevel.Warning, string? connectionString = null, string daemon = "Disabled") =>
        Factory(connectionString ?? ConnectionString, daemon).WithWebHostBuilder(b =>
            b.ConfigureLogging(l => l.SetMinimumLevel(minimum).AddProvider(logs).AddFilter<CapturingLogs>(null, minimum)));

    public string Token(string role, params string[] partnerships) =>
        DevelopmentTokens.Mint(SigningKey, $"{role}-test-client", [role], partnerships, sourceSystem: $"{role}-test-system");

    public HttpClient ClientFor(string role, params string[] partnerships)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(role, partnerships));
        return client;
    }

    public async Task ResetAsync()
    {
        // Pauses the async daemon around the wipe: it keeps its positions in memory, and the wipe restarts the sequence at 1.
        // The wipe's truncates can deadlock with a feed reader's safe-position query (pg.log shows it most runs; usually the
        // reader is the one PostgreSQL cancels): a wipe that loses is simply run again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Services.ResetAllMartenDataAsync();
                break;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 3)
            {
            }
        }
        Services.GetRequiredService<PartnershipDirectory>().Forget();
        Services.GetRequiredService<PlanLedger.Audit.HistoryCache>().Clear();
        Clock.Reset();
    }

    public async Task<long> EventCountAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from planledger.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<long> LastPositionAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select coalesce(max(seq_id), 0) from planledger.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<string> DatabaseAsync()
    {
        try
        {
            _container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _container.StartAsync(timeout.Token);
            return _container.GetConnectionString();
        }
        catch (Exception)
        {
            _container = null; // No Docker engine here: use the cluster our own script runs.
        }

        var server = Environment.GetEnvironmentVariable("PLANLEDGER_DB")
                     ?? throw new InvalidOperationException("No Docker engine and no PLANLEDGER_DB: run the tests with deploy/test.sh");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand($"select 1 from pg_database where datname = '{TestDatabase}'", connection);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"create database {TestDatabase}", connection);
                await create.ExecuteNonQueryAsync();
            }
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = TestDatabase }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        if (_container is not null) await _container.DisposeAsync();
    }
}

/// <summary>The server clock, which tests may move forward to give recorded times they can name.</summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset? _now;
    public override DateTimeOffset GetUtcNow() => _now ?? DateTimeOffset.UtcNow;
    public void Set(DateTimeOffset now) => _now = now;
    public void Advance(TimeSpan by) => _now = GetUtcNow() + by;
    public void Reset() => _now = null;
}

/// <summary>A test of the running API: clean data before each test.</summary>
[Collection(LedgerCollection.Name)]
public abstract class LedgerTest(LedgerHost host) : IAsyncLifetime
{
    protected LedgerHost Host { get; } = host;
    public virtual Task InitializeAsync() => Host.ResetAsync();
    public virtual Task DisposeAsync() => Task.CompletedTask;
}
