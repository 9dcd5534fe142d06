using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using PlanLedger.Infrastructure;
using PlanLedger.Security;

namespace PlanLedger.Benchmarks;

/// <summary>
/// deploy/bench.sh --cluster: writes and reads through HAProxy with one node and with three (Ledger:Daemon=Distributed),
/// the oldest xmin any session held meanwhile, and the time from a node's kill -9 to its projection shards running
/// on another node. Figures to results/cluster.{json,md}.
/// </summary>
public static class ClusterBench
{
    private const int Nodes = 3, Workers = 32;
    private static readonly JsonSerializerOptions Json = BenchClients.Json;

    public static async Task<int> RunAsync(string apiDll, string server, string resultsDir, TimeSpan phase)
    {
        var report = Report.Started($"{Workers} closed-loop HttpClient workers through HAProxy (roundrobin) on loopback; {phase.TotalSeconds} s per phase");
        var db = await Database.FreshAsync(server, "planledger_cluster_bench");
        var signingKey = DevelopmentTokens.NewSigningKey();
        var ports = Enumerable.Range(0, Nodes + 1).Select(_ => ApiProcess.FreePort()).ToArray();
        // Dynamic: the pre-generated code bench.sh writes is generated for the default (Solo) host.
        var settings = new Dictionary<string, string> { ["Ledger__Daemon"] = LedgerCluster.Distributed, ["Ledger__TypeLoadMode"] = "Dynamic" };
        var nodes = new ApiProcess?[Nodes];
        await using var balancer = await HaProxy.StartAsync(ports[0], ports[1..]);
        try
        {
            nodes[0] = await ApiProcess.StartAsync(apiDll, db, signingKey, ports[1], settings: settings);
            var clients = new BenchClients(balancer.Url, signingKey);
            HttpClient Client(string role, params string[] partnerships) => clients.For(role, partnerships);
            await balancer.ServesAsync(1, Client(Roles.Admin));
            var writer = Client(Roles.PartnerWriter, "bench");
            await Post(Client(Roles.Admin), "/partnerships", new { code = "bench", name = "Benchmark partnership" });
            await Post(writer, "/partnerships/bench/plans", new { reference = "plan", kind = "MsgImprovementActionPlan", title = "Benchmark plan" });
            await Post(writer, "/partnerships/bench/plans/plan/headings", new { reference = "H", kind = "StrategicPriority", title = "Heading" });
            for (var a = 0; a < Workers; a++)
                await Post(writer, "/partnerships/bench/plans/plan/actions", new { reference = $"A{a}", heading = "H", description = $"Action {a}", status = "Amber", timescale = new { text = "31 March 2021" } });

            string[] statuses = ["Red", "Amber", "Green"];
            async Task PhasesAsync(int count)
            {
                var label = count == 1 ? "1 node" : $"{count} nodes";
                // Warm-up of both calls on every node: a node compiles each endpoint's code on its first call.
                await Measure.Concurrently(Workers, TimeSpan.FromSeconds(5), (w, i) => Change(w, i));
                await Measure.Concurrently(Workers, TimeSpan.FromSeconds(5), (w, i) => Read(w, i));
                report.Context[$"load average before {label}"] = File.ReadAllText("/proc/loadavg").Trim();
                await using (var xmin = XminWatch.Start(db))
                {
                    var (writes, ws) = await Measure.Concurrently(Workers, phase, (w, i) => Change(w, i));
                    report.Add("writes", $"status changes through HAProxy, {label}", writes, "req/s", note: $"p50 {ws.Percentile(50):F1} ms, p99 {ws.Percentile(99):F1} ms, {ws.Failures} failed");
                    var (reads, rs) = await Measure.Concurrently(Workers, phase, Read);
                    report.Add("reads", $"action reads through HAProxy, {label}", reads, "req/s", note: $"p50 {rs.Percentile(50):F1} ms, p99 {rs.Percentile(99):F1} ms, {rs.Failures} failed");
                    var (age, sessions) = await xmin.StopAsync();
                    report.Add("xmin", $"oldest xmin age seen, {label}", age, "transactions", "< 10000 (no session pins it)", age < 10_000, sessions);
                }
            }
            async Task<bool> Read(int w, int i) =>
                (await writer.GetAsync($"/partnerships/bench/plans/plan/actions/A{(w + i) % Workers}")).IsSuccessStatusCode;

            // A request in flight on a node that dies fails (HAProxy retries only refused connections): counted, not thrown.
            async Task<bool> Change(int w, int i)
            {
                try
                {
                    var r = await writer.PostAsJsonAsync($"/partnerships/bench/plans/plan/actions/A{w}/status",
                        new { status = statuses[i % 3], reason = "Benchmark" }, Json);
                    return r.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }

            Console.WriteLine("Cluster: 1 node behind HAProxy");
            await PhasesAsync(1);
            Console.WriteLine("Cluster: 3 nodes behind HAProxy");
            var more = await Task.WhenAll(Enumerable.Range(1, Nodes - 1).Select(i => ApiProcess.StartAsync(apiDll, db, signingKey, ports[i + 1], settings: settings)));
            for (var i = 1; i < Nodes; i++) nodes[i] = more[i - 1];
            await balancer.ServesAsync(Nodes, Client(Roles.Admin));
            await ShardsRunAsync(nodes.Select(n => n!).ToList(), TimeSpan.FromSeconds(60));
            await PhasesAsync(Nodes);

            Console.WriteLine("Cluster: kill -9 of the node running the most shards, under write load");
            var agents = await Task.WhenAll(nodes.Select(n => AgentsAsync(n!)));
            var victim = Enumerable.Range(0, Nodes).MaxBy(i => agents[i].Count(IsShard));
            var load = Measure.Concurrently(8, TimeSpan.FromSeconds(20), (w, i) => Change(w, i));
            await Task.Delay(TimeSpan.FromSeconds(2)); // the load is running when the node dies
            var clock = Stopwatch.StartNew();
            await nodes[victim]!.DisposeAsync(); // Process.Kill: SIGKILL
            var survivors = nodes.Where((_, i) => i != victim).Select(n => n!).ToList();
            await ShardsRunAsync(survivors, TimeSpan.FromSeconds(120));
            var failover = clock.Elapsed.TotalSeconds;
            var (_, during) = await load;
            report.Add("failover", "kill -9 to the dead node's shards running again", failover, "s", "< 30 s", failover < 30,
                $"{agents[victim].Count(IsShard)} shard(s) moved; HAProxy health check every 1 s, node stale after 8 s");
            report.Add("failover", "writes failed while the node died (those in flight on it)", during.Failures, "requests",
                note: $"{during.Count} succeeded in the same 20 s at 8 workers");
            var lag = await Database.WaitForAsyncProjectionsAsync(db, TimeSpan.FromSeconds(120));
            report.Add("failover", "national projections caught up after the failover", lag?.TotalSeconds ?? double.NaN, "s");
        }
        finally
        {
            foreach (var node in nodes) if (node is not null) await node.DisposeAsync();
        }
        await report.WriteAsync(resultsDir, "cluster");
        return 0;
    }

    private static Task Post(HttpClient c, string path, object body) => BenchClients.Post(c, path, body);

    private static bool IsShard(string agent) => agent.StartsWith("event-subscriptions://", StringComparison.Ordinal);

    private static async Task<IReadOnlyList<string>> AgentsAsync(ApiProcess node)
    {
        using var client = new HttpClient { BaseAddress = new Uri(node.Url), Timeout = TimeSpan.FromSeconds(5) };
        var description = JsonNode.Parse(await client.GetStringAsync("/health/ready"))!["checks"]!["cluster-node"]!["description"]!.GetValue<string>();
        return description[(description.IndexOf("runs:", StringComparison.Ordinal) + 5)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static async Task ShardsRunAsync(IReadOnlyList<ApiProcess> nodes, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            try
            {
                var shards = (await Task.WhenAll(nodes.Select(AgentsAsync))).SelectMany(a => a).Where(IsShard).ToList();
                if (shards.Count == 3 && shards.Distinct().Count() == 3) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The projection shards did not each run on one node");
    }

    /// <summary>HAProxy in the foreground, as deploy/cluster.sh configures it, naming the node that answered in a header.</summary>
    private sealed class HaProxy(Process process, string url, string directory) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<HaProxy> StartAsync(int port, int[] nodes)
        {
            var directory = Directory.CreateTempSubdirectory("planledger-haproxy").FullName;
            var config = Path.Combine(directory, "haproxy.cfg");
            // The configuration deploy/cluster.sh runs, so the benchmark measures what operators deploy.
            var generator = Process.Start(new ProcessStartInfo("bash", ["deploy/cluster.sh", "haproxy-config", port.ToString(), .. nodes.Select(n => n.ToString())])
                { RedirectStandardOutput = true, UseShellExecute = false })!;
            await File.WriteAllTextAsync(config, await generator.StandardOutput.ReadToEndAsync());
            await generator.WaitForExitAsync();
            if (generator.ExitCode != 0) throw new InvalidOperationException("deploy/cluster.sh haproxy-config failed");
            var process = Process.Start(new ProcessStartInfo("haproxy", ["-db", "-f", config]) { UseShellExecute = false })
                          ?? throw new InvalidOperationException("haproxy did not start (deploy/cluster.sh installs it)");
            return new HaProxy(process, $"http://127.0.0.1:{port}", directory);
        }

        /// <summary>Waits until HAProxy has marked <paramref name="count"/> nodes up: that many distinct nodes answer through it.</summary>
        public async Task ServesAsync(int count, HttpClient client)
        {
            var seen = new HashSet<string>();
            var clock = Stopwatch.StartNew();
            while (seen.Count < count)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"HAProxy serves only {string.Join(", ", seen)}");
                try
                {
                    var r = await client.GetAsync("/health/ready");
                    if (r.IsSuccessStatusCode && r.Headers.TryGetValues("X-PlanLedger-Node", out var node)) seen.Add(node.Single());
                    else await Task.Delay(100);
                }
                catch (HttpRequestException) { await Task.Delay(100); }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Samples the oldest xmin of any session of the database every 250 ms while a phase runs.</summary>
    private sealed class XminWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task<(long, string)> _watching = null!;

        public static XminWatch Start(string db)
        {
            var watch = new XminWatch();
            watch._watching = watch.WatchAsync(db);
            return watch;
        }

        private async Task<(long, string)> WatchAsync(string db)
        {
            await using var connection = new NpgsqlConnection(db);
            await connection.OpenAsync();
            long oldest = 0;
            var pinned = new HashSet<string>();
            while (!_stop.IsCancellationRequested)
            {
                await using (var command = new NpgsqlCommand(
                    "select pid, coalesce(application_name, ''), state, age(backend_xmin) from pg_stat_activity where datname = current_database() and backend_xmin is not null and pid <> pg_backend_pid()", connection))
                await using (var reader = await command.ExecuteReaderAsync())
                    while (await reader.ReadAsync())
                    {
                        var age = Convert.ToInt64(reader.GetValue(3));
                        oldest = Math.Max(oldest, age);
                        if (age > 1000) pinned.Add($"pid {reader.GetInt32(0)} '{reader.GetString(1)}' {reader.GetString(2)} age {age}");
                    }
                try { await Task.Delay(250, _stop.Token); } catch (OperationCanceledException) { }
            }
            return (oldest, pinned.Count == 0 ? "no session older than 1,000 transactions" : string.Join("; ", pinned.Take(5)));
        }

        public async Task<(long Oldest, string Sessions)> StopAsync()
        {
            await _stop.CancelAsync();
            return await _watching;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try { await _watching; } catch (Exception) { }
        }
    }
}
