using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;
using PlanLedger.Security;
using PlanLedger.Seeder;
using PlanLedger.Tests.National;
using PlanLedger.Tests.Seeds;
using PlanLedger.Tests.Skeleton;

namespace PlanLedger.Tests.Cluster;

/// <summary>
/// PostgreSQL clusters of their own, each started by deploy/db.sh in a data directory of its own (as an operator would
/// start another server), stopped and removed at the end.
/// </summary>
public sealed class LedgerClusters : IAsyncLifetime
{
    private readonly List<string> _directories = [];

    /// <summary>Starts a cluster and answers a connection string to a new, empty database in it.</summary>
    public async Task<string> StartAsync(string database)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"planledger-{database}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        _directories.Add(directory);
        var server = (await DbScriptAsync(directory, "start")).Trim().Split('\n')[^1];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand($"create database {database}", connection)) await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = database, MaxPoolSize = 30 }.ConnectionString;
    }

    private static async Task<string> DbScriptAsync(string directory, string command)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(ContractTests.RepositoryRoot(), "deploy", "db.sh"), command])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false
        };
        info.Environment.Remove("PLANLEDGER_DB"); // db.sh would use that server instead of starting one
        info.Environment["PLANLEDGER_DATA_DIR"] = directory;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"deploy/db.sh {command} failed: {await errors}");
        return await output;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var directory in _directories)
        {
            await DbScriptAsync(directory, "stop");
            try { Directory.Delete(directory, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* owned by the postgres user when run as root */ }
        }
    }
}

/// <summary>
/// Partnerships spread over two PostgreSQL clusters answer every national figure exactly as one database does with the
/// same history, on both time axes; a third cluster added later takes a new partnership without touching the others.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class SpreadTests(LedgerClusters clusters) : IClassFixture<LedgerClusters>
{
    private readonly string _signingKey = DevelopmentTokens.NewSigningKey();
    private static readonly string[] Synthetic = ["fife", "highland"];

    [Fact]
    public async Task every_national_figure_over_two_clusters_equals_one_database_and_a_third_cluster_takes_a_new_partnership()
    {
        var east = await clusters.StartAsync("planledger_east");
        var west = await clusters.StartAsync("planledger_west");
        var pool = new Dictionary<string, string> { ["Ledger__Databases__east"] = east, ["Ledger__Databases__west"] = west };
        var single = await SingleDatabaseAsync();
        using var one = await StartAsync(single);
        // The pool is served by two nodes sharing the projection shards (Wolverine-managed distribution).
        var nodes = await StartNodesAsync(east, pool);
        await ShardsPerDatabaseOnOneNodeAsync(nodes, databases: 2);
        var spreadApi = nodes[0];
        try
        {
            // The same history through both: the seeds, two synthetic partnerships, then later changes (through the other node).
            foreach (var api in new[] { one, nodes[0] }) await SeedLoader.LoadAsync(new HttpClient { BaseAddress = api.Address }, SeedsDirectory.Find(), TokenFor);
            foreach (var api in new[] { one, nodes[1] }) await FirstRoundAsync(api);
            var between = DateTimeOffset.UtcNow;
            foreach (var api in new[] { one, nodes[0] }) await SecondRoundAsync(api);

            // The registry says where each partnership lives, and both clusters hold some.
            var registry = (await Reader(spreadApi).GetJson("/partnerships")).AsArray();
            var placed = registry.ToDictionary(p => p!["code"]!.GetValue<string>(), p => p!["database"]!.GetValue<string>());
            placed.Count.ShouldBe(6);
            placed.Values.Distinct().Order().ShouldBe(["east", "west"]);
            (await EventsOfAsync(west, "national")).ShouldBe(0); // the national ledger is the first database's

            // Every national view equals the single database's: now, as recorded at a time, as effective on a date, and both.
            await SameNationalFiguresAsync(one, spreadApi, between);

            // Partnership endpoints answer as with one database, wherever the partnership lives.
            foreach (var partnership in placed.Keys)
            {
                foreach (var path in new[] { "/overview", "/self-assessments", "/plans" })
                    await SameAnswerAsync(one, spreadApi, $"/partnerships/{partnership}{path}");
                foreach (var plan in (await Reader(one).GetJson($"/partnerships/{partnership}/plans")).AsArray().Select(p => p!["reference"]!.GetValue<string>()))
                    await SameAnswerAsync(one, spreadApi, $"/partnerships/{partnership}/plans/{Uri.EscapeDataString(plan)}/board-report?effectiveOn=2020-06-30");
            }
            // A national webhook's position is one sequence, so over a pool it is refused, saying why.
            var hook = await Reader(spreadApi).Send(HttpMethod.Post, "/national/webhooks", new { url = "https://receiver.example/hook" });
            (await hook.Problem(409))["detail"]!.GetValue<string>().ShouldContain("several databases");

            // The national feed holds every event of both clusters once, each partnership's in its own ledger order.
            var fed = await NationalFeedAsync(spreadApi);
            ((long)fed.Count).ShouldBe(await EventsOfAsync(east) + await EventsOfAsync(west));
            fed.Select(e => e["id"]!.GetValue<string>()).Distinct().Count().ShouldBe(fed.Count);
            var reference = await NationalFeedAsync(one);
            foreach (var partnership in placed.Keys)
                Shape(fed, partnership).ShouldBe(Shape(reference, partnership), partnership);

            // A third cluster: the API restarts knowing it, and the next partnership onboarded is placed there.
            var north = await clusters.StartAsync("planledger_north");
            foreach (var node in nodes) node.Dispose();
            nodes = await StartNodesAsync(east, new Dictionary<string, string>(pool) { ["Ledger__Databases__north"] = north });
            await ShardsPerDatabaseOnOneNodeAsync(nodes, databases: 3);
            spreadApi = nodes[1];
            var (eastBefore, westBefore) = (await EventsOfAsync(east), await EventsOfAsync(west));
            foreach (var api in new[] { one, spreadApi }) await ThirdRoundAsync(api);
            var shetland = (await Reader(spreadApi).GetJson("/partnerships")).AsArray().Single(p => p!["code"]!.GetValue<string>() == "shetland")!;
            shetland["database"]!.GetValue<string>().ShouldBe("north");
            (await EventsOfAsync(west)).ShouldBe(westBefore);
            (await EventsOfAsync(east)).ShouldBe(eastBefore + 1); // only its onboarding, in the national ledger
            (await EventsOfAsync(north, "shetland")).ShouldBeGreaterThan(0);
            await SameNationalFiguresAsync(one, spreadApi, between);
            // Not vacuous: the slips of partnerships in all three clusters are among the figures compared.
            var slippage = await Reader(spreadApi).GetStringAsync("/national/slippage");
            foreach (var code in Synthetic.Append("shetland")) slippage.ShouldContain($"\"{code}\"");
        }
        finally
        {
            foreach (var node in nodes) node.Dispose();
        }
    }

    /// <summary>Two nodes on the pool; the first applies the schema alone, so two do not race to create it.</summary>
    private async Task<ApiProcess[]> StartNodesAsync(string registry, IReadOnlyDictionary<string, string> pool)
    {
        var settings = new Dictionary<string, string>(pool) { ["Ledger__Daemon"] = "Distributed" };
        var first = await StartAsync(registry, settings);
        return [first, await StartAsync(registry, settings)];
    }

    /// <summary>
    /// Waits until every database's projection shards run, each exactly once, and checks that Marten groups one database's
    /// shards on one node (so a node holds connections only to the databases whose shards it runs).
    /// </summary>
    private static async Task ShardsPerDatabaseOnOneNodeAsync(IReadOnlyList<ApiProcess> nodes, int databases)
    {
        var expected = NationalScenarios.Projections.Length * databases;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var running = new List<(int Node, string Agent)>();
            for (var n = 0; n < nodes.Count; n++)
                running.AddRange((await ClusterNodes.AgentsOfAsync(nodes[n])).Where(ClusterNodes.IsShard).Select(a => (n, a)));
            if (running.Count == expected && running.Select(r => r.Agent).Distinct().Count() == expected)
            {
                // event-subscriptions://marten/main/{database}/{projection}/all
                foreach (var database in running.GroupBy(r => new Uri(r.Agent).Segments[2]))
                    database.Select(r => r.Node).Distinct().Count().ShouldBe(1, $"the shards of {database.Key}");
                return;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
                throw new TimeoutException($"Shards not each running once: {string.Join(", ", running.Select(r => $"{r.Node}:{r.Agent}"))}");
            await Task.Delay(100);
        }
    }

    private async Task FirstRoundAsync(ApiProcess api)
    {
        foreach (var code in Synthetic) await Admin(api).Post("/partnerships", new { code, name = $"{code} partnership", effectiveOn = "2019-04-01" });
        foreach (var code in Synthetic)
        {
            var writer = Writer(api, code);
            await writer.Plan(code, "msg-plan", "1.1", "2.3");
            await writer.Action(code, "msg-plan", "1(i)", "1.1", "Amber", "31 March 2020");
            await writer.Action(code, "msg-plan", "2(i)", "2.3", "Red", "30 June 2020");
            await writer.Rate(code, "1.1", "PartlyEstablished", "2019-05-15");
            await writer.Rate(code, "2.3", "NotYetEstablished", "2019-05-15");
        }
    }

    private async Task SecondRoundAsync(ApiProcess api)
    {
        foreach (var code in Synthetic)
        {
            var writer = Writer(api, code);
            await writer.Slip(code, "msg-plan", "1(i)", "30 September 2020", "Delayed due to COVID 19", "2020-04-30");
            // As a return: its one-statement append must exist in every database of the pool.
            await writer.Post($"/partnerships/{code}/plans/msg-plan/returns",
                new { period = "July 2020", effectiveOn = "2020-07-31", items = new[] { new { action = "2(i)", status = new { status = "Green" } } } });
            await writer.Complete(code, "msg-plan", "2(i)", "2020-09-30");
            await writer.Revise(code, "1.1", "Established", "Assessed again", "2020-06-01");
        }
        await Writer(api, "orkney").Revise("orkney", "1.1", "PartlyEstablished", "Reviewed by the IJB", "2020-11-30");
    }

    private async Task ThirdRoundAsync(ApiProcess api)
    {
        await Admin(api).Post("/partnerships", new { code = "shetland", name = "Shetland partnership", effectiveOn = "2019-04-01" });
        var writer = Writer(api, "shetland");
        await writer.Plan("shetland", "msg-plan", "1.1");
        await writer.Action("shetland", "msg-plan", "1(i)", "1.1", "Amber", "31 March 2020");
        await writer.Slip("shetland", "msg-plan", "1(i)", "31 March 2021", "Delayed due to COVID 19", "2020-03-31");
        await writer.Rate("shetland", "1.1", "Established", "2019-05-15");
    }

    private async Task SameNationalFiguresAsync(ApiProcess one, ApiProcess spread, DateTimeOffset between)
    {
        var recorded = Uri.EscapeDataString(between.ToString("O"));
        string[] points = ["", $"?asOf={recorded}", "?effectiveOn=2020-06-30", $"?asOf={recorded}&effectiveOn=2020-06-30"];
        foreach (var view in NationalScenarios.Views)
        {
            await CaughtUpAsync(one, view);
            await CaughtUpAsync(spread, view);
            foreach (var point in points) await SameAnswerAsync(one, spread, view + point);
        }
    }

    private async Task SameAnswerAsync(ApiProcess one, ApiProcess spread, string path)
    {
        var (expected, actual) = (Figures(await Reader(one).GetStringAsync(path)), Figures(await Reader(spread).GetStringAsync(path)));
        var at = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i], Math.Min(expected.Length, actual.Length));
        actual.ShouldBe(expected, $"{path} differs at {at}: one database has …{Around(expected, at)}… the pool …{Around(actual, at)}…");
    }

    /// <summary>A view's answer without what two runs of one history never share: ledger positions and recording clocks.</summary>
    private static string Figures(string json)
    {
        static void Strip(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                o.Remove("sequence");
                o.Remove("recordedAt");
                foreach (var (_, child) in o) Strip(child);
            }
            else if (node is JsonArray a) foreach (var child in a) Strip(child);
        }
        var root = JsonNode.Parse(json);
        Strip(root);
        return root!.ToJsonString();
    }

    private static string Around(string text, int at) => text.Substring(Math.Max(0, at - 150), Math.Min(text.Length, at + 150) - Math.Max(0, at - 150));

    /// <summary>Polls a view until its projection position reaches the ledger's (every database's, summed over a pool).</summary>
    private async Task CaughtUpAsync(ApiProcess api, string view)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await Reader(api).GetAsync(view);
            var projection = long.Parse(response.Headers.GetValues(PlanLedger.National.ViewPosition.ProjectionHeader).Single());
            var ledger = long.Parse(response.Headers.GetValues(PlanLedger.National.ViewPosition.LedgerHeader).Single());
            if (projection >= ledger) return;
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"{view} stayed at {projection} of {ledger}");
            await Task.Delay(50);
        }
    }

    private async Task<List<JsonNode>> NationalFeedAsync(ApiProcess api)
    {
        var events = new List<JsonNode>();
        var after = "0";
        while (true)
        {
            using var response = await Reader(api).GetAsync($"/national/changes?limit=100&after={Uri.EscapeDataString(after)}");
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
            events.AddRange(page.Select(e => e!));
            after = response.Headers.GetValues(PlanLedger.Changes.GetChanges.PositionHeader).Single();
            if (page.Count < 100) return events;
        }
    }

    /// <summary>What a partnership's events say, in feed order, leaving out what differs between two runs (ids, clocks, positions).</summary>
    private static List<string> Shape(List<JsonNode> feed, string partnership) => feed
        .Where(e => e["partnership"]!.GetValue<string>() == partnership)
        .Select(e => $"{e["type"]} {e["subject"]} {e["streamversion"]} {e["effectiveon"]}")
        .ToList();

    private static async Task<long> EventsOfAsync(string connectionString, string? tenant = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from planledger.mt_events" + (tenant is null ? "" : " where tenant_id = @tenant"), connection);
        if (tenant is not null) command.Parameters.AddWithValue("tenant", tenant);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> SingleDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable("PLANLEDGER_DB") ?? throw new InvalidOperationException("Run the tests with deploy/test.sh");
        var name = LedgerHost.TestDatabase + "_single";
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"drop database if exists {name} with (force)", connection)) await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"create database {name}", connection)) await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private Task<ApiProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string> { ["Ledger__Daemon"] = "Solo", ["Ledger__RateLimit__PermitsPerSecond"] = "100000" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) all[key] = value;
        return ApiProcess.StartAsync(connectionString, _signingKey, all);
    }

    private string TokenFor(string role, string? partnership) =>
        DevelopmentTokens.Mint(_signingKey, partnership is null ? "seed-admin" : SeedLoader.ClientFor(partnership), [role], partnership is null ? [] : [partnership]);

    private HttpClient Admin(ApiProcess api) => api.Client(_signingKey, Roles.Admin);
    private HttpClient Writer(ApiProcess api, string partnership) => api.Client(_signingKey, Roles.PartnerWriter, partnership);
    private readonly Dictionary<ApiProcess, HttpClient> _readers = [];
    private HttpClient Reader(ApiProcess api) =>
        _readers.TryGetValue(api, out var reader) ? reader : _readers[api] = api.Client(_signingKey, Roles.National, Claims.AllPartnerships);
}
