using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;
using PlanLedger.Security;

namespace PlanLedger.Tests.Cluster;

/// <summary>
/// Three API processes (the built PlanLedger.Api.dll, as deployed) sharing one database of their own with the
/// daemon in Distributed mode: Wolverine's node agents assign each projection shard to one of them. Started once
/// per test class; a node a test killed is started again by the next test that asks for all three.
/// </summary>
public sealed class ClusterNodes : IAsyncLifetime
{
    public const int Count = 3;
    private static readonly string Database = LedgerHost.TestDatabase + "_cluster";
    public string SigningKey { get; } = DevelopmentTokens.NewSigningKey();
    public string ConnectionString { get; private set; } = "";
    private readonly ApiProcess?[] _nodes = new ApiProcess?[Count];

    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Ledger__Daemon"] = "Distributed",
        ["Ledger__RateLimit__PermitsPerSecond"] = "100000"
    };

    public IReadOnlyList<ApiProcess> Live => _nodes.Where(n => n is { HasExited: false }).Select(n => n!).ToList();

    public ApiProcess this[int i] => _nodes[i] ?? throw new InvalidOperationException($"Node {i} is not running");

    public async Task InitializeAsync()
    {
        var server = Environment.GetEnvironmentVariable("PLANLEDGER_DB")
                     ?? throw new InvalidOperationException("No PLANLEDGER_DB: run the tests with deploy/test.sh");
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString))
        {
            await connection.OpenAsync();
            await using (var drop = new NpgsqlCommand($"drop database if exists {Database} with (force)", connection)) await drop.ExecuteNonQueryAsync();
            await using (var create = new NpgsqlCommand($"create database {Database}", connection)) await create.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = Database }.ConnectionString;
        // The first node applies the schema alone, so three do not race to create it.
        _nodes[0] = await ApiProcess.StartAsync(ConnectionString, SigningKey, Settings);
        await AllRunningAsync();
    }

    /// <summary>Starts any node that is not running (a test may have killed one), and waits until every shard runs somewhere.</summary>
    public async Task AllRunningAsync()
    {
        var starting = Enumerable.Range(0, Count).Where(i => _nodes[i] is null or { HasExited: true }).ToList();
        foreach (var i in starting) _nodes[i]?.Dispose();
        var started = await Task.WhenAll(starting.Select(_ => ApiProcess.StartAsync(ConnectionString, SigningKey, Settings)));
        for (var k = 0; k < starting.Count; k++) _nodes[starting[k]] = started[k];
        await ShardsRunAsync(Live, TimeSpan.FromSeconds(60));
    }

    public HttpClient Client(int node, string role, params string[] partnerships) => this[node].Client(SigningKey, role, partnerships);

    /// <summary>What each node says it runs now (/health/ready, check cluster-node): its agent URIs.</summary>
    public static async Task<IReadOnlyList<string>> AgentsOfAsync(ApiProcess node)
    {
        using var client = new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(5) };
        var health = JsonNode.Parse(await client.GetStringAsync("/health/ready"))!;
        var description = health["checks"]!["cluster-node"]!["description"]!.GetValue<string>();
        return description[(description.IndexOf("runs:", StringComparison.Ordinal) + 5)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    public static bool IsShard(string agent) => agent.StartsWith("event-subscriptions://", StringComparison.Ordinal);

    /// <summary>Polls the nodes until every projection shard runs on exactly one of them; answers the time it took.</summary>
    public static async Task<TimeSpan> ShardsRunAsync(IReadOnlyList<ApiProcess> nodes, TimeSpan deadline)
    {
        var expected = PlanLedger.Tests.National.NationalScenarios.Projections.Length;
        var clock = Stopwatch.StartNew();
        IReadOnlyList<string> last = [];
        while (clock.Elapsed < deadline)
        {
            try
            {
                last = (await Task.WhenAll(nodes.Select(AgentsOfAsync))).SelectMany(a => a).Where(IsShard).ToList();
                if (last.Count == expected && last.Distinct().Count() == expected) return clock.Elapsed;
            }
            catch (HttpRequestException)
            {
                // a node between states; ask again
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Shards not each running once within {deadline.TotalSeconds} s; running: {string.Join(", ", last)}");
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) node?.Dispose();
        await Task.CompletedTask;
    }
}
