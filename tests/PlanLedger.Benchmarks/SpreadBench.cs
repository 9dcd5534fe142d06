using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using PlanLedger.Infrastructure;
using PlanLedger.National;
using PlanLedger.Security;

namespace PlanLedger.Benchmarks;

/// <summary>
/// deploy/bench.sh --spread: the API on one database, then on a pool of two (<c>Ledger:Databases</c>), each given the same
/// partnerships and load in one run: status changes spread over the partnerships, a national view read just after the
/// ledger moved (merged from every database at read time), the same view while the ledger stands still (its cached
/// answer), and the national feed read whole. The pool's databases share the benchmark's PostgreSQL, so the figures say
/// what spreading costs the API, not what a second server would add. Figures to results/spread.{json,md}.
/// </summary>
public static class SpreadBench
{
    private const int Partnerships = 8, ActionsEach = 4, Workers = 32, FreshReads = 40;
    private static readonly JsonSerializerOptions Json = BenchClients.Json;

    public static async Task<int> RunAsync(string apiDll, string server, string resultsDir, TimeSpan phase)
    {
        var report = Report.Started($"{Workers} closed-loop HttpClient workers on loopback; {phase.TotalSeconds} s per phase; {Partnerships} partnerships");
        var signingKey = DevelopmentTokens.NewSigningKey();
        var dynamic = new Dictionary<string, string> { ["Ledger__TypeLoadMode"] = "Dynamic" };
        var one = await Database.FreshAsync(server, "planledger_spread_one");
        var registry = await Database.FreshAsync(server, "planledger_spread_registry");
        var pool = new Dictionary<string, string>(dynamic)
        {
            ["Ledger__Databases__east"] = await Database.FreshAsync(server, "planledger_spread_east"),
            ["Ledger__Databases__west"] = await Database.FreshAsync(server, "planledger_spread_west")
        };

        foreach (var (label, database, settings) in new[] { ("one database", one, dynamic), ("two databases", registry, pool) })
        {
            Console.WriteLine($"Spread: {label}");
            await using var api = await ApiProcess.StartAsync(apiDll, database, signingKey, ApiProcess.FreePort(), settings: settings);
            var clients = new BenchClients(api.Url, signingKey);
            HttpClient Client(string role, params string[] partnerships) => clients.For(role, partnerships);
            var codes = Enumerable.Range(0, Partnerships).Select(p => $"bench-{p}").ToArray();
            var writer = Client(Roles.PartnerWriter, codes);
            var national = Client(Roles.National, Claims.AllPartnerships);
            foreach (var code in codes)
            {
                await Post(Client(Roles.Admin), "/partnerships", new { code, name = $"Partnership {code}" });
                await Post(writer, $"/partnerships/{code}/plans", new { reference = "plan", kind = "MsgImprovementActionPlan", title = "Plan" });
                await Post(writer, $"/partnerships/{code}/plans/plan/headings", new { reference = "1.1", kind = "MsgProposal", title = "Proposal 1.1", proposal = "1.1" });
                for (var a = 0; a < ActionsEach; a++)
                    await Post(writer, $"/partnerships/{code}/plans/plan/actions", new { reference = $"A{a}", heading = "1.1", description = $"Action {a}", status = "Amber", timescale = new { text = "31 March 2021" } });
                await Post(writer, $"/partnerships/{code}/self-assessments/1.1", new { rating = "PartlyEstablished" });
            }

            string[] statuses = ["Red", "Amber", "Green"];
            async Task<bool> Change(int w, int i) =>
                (await writer.PostAsJsonAsync($"/partnerships/{codes[w % Partnerships]}/plans/plan/actions/A{w / Partnerships % ActionsEach}/status",
                    new { status = statuses[i % 3], reason = "Benchmark" }, Json)).IsSuccessStatusCode;
            async Task<bool> Delivery(int w, int i) => (await national.GetAsync("/national/delivery")).IsSuccessStatusCode;

            await Measure.Concurrently(Workers, TimeSpan.FromSeconds(3), Change);
            var (writes, ws) = await Measure.Concurrently(Workers, phase, Change);
            report.Add("writes", $"status changes over {Partnerships} partnerships, {label}", writes, "req/s",
                note: $"p50 {ws.Percentile(50):F1} ms, p99 {ws.Percentile(99):F1} ms, {ws.Failures} failed");

            // One change, then the first read once the view has caught up: it recomputes, from every database over a pool.
            var fresh = new Samples();
            for (var i = 0; i < FreshReads; i++)
            {
                await Change(i % Workers, i);
                await CaughtUpAsync(national);
                var t = Stopwatch.GetTimestamp();
                if ((await national.GetAsync("/national/delivery")).IsSuccessStatusCode) fresh.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            report.Add("national", $"delivery view, first read after the ledger moved, p50, {label}", fresh.Percentile(50), "ms", note: $"p99 {fresh.Percentile(99):F1} ms, {FreshReads} reads");

            await Measure.Concurrently(Workers, TimeSpan.FromSeconds(3), Delivery);
            var (reads, rs) = await Measure.Concurrently(Workers, phase, Delivery);
            report.Add("national", $"delivery view while the ledger stands still, {label}", reads, "req/s", note: $"p50 {rs.Percentile(50):F1} ms, p99 {rs.Percentile(99):F1} ms (each read checks every database's positions)");

            var clock = Stopwatch.StartNew();
            var (events, after) = (0, "0");
            while (true)
            {
                using var page = await national.GetAsync($"/national/changes?limit=1000&after={Uri.EscapeDataString(after)}");
                var count = JsonNode.Parse(await page.Content.ReadAsStringAsync())!.AsArray().Count;
                events += count;
                after = page.Headers.GetValues("PlanLedger-Next-Position").Single();
                if (count < 1000) break;
            }
            report.Add("feed", $"national feed read whole, pages of 1,000, {label}", events / clock.Elapsed.TotalSeconds, "events/s", note: $"{events} events");
        }
        await report.WriteAsync(resultsDir, "spread");
        return 0;
    }

    private static async Task CaughtUpAsync(HttpClient national)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            // The slippage list reads the same projections as the delivery view, without filling the delivery view's cache.
            using var r = await national.GetAsync("/national/slippage");
            if (long.Parse(r.Headers.GetValues(ViewPosition.ProjectionHeader).Single()) >= long.Parse(r.Headers.GetValues(ViewPosition.LedgerHeader).Single())) return;
            await Task.Delay(10);
        }
        throw new TimeoutException("The national views did not catch up within 60 s");
    }

    private static Task Post(HttpClient c, string path, object body) => BenchClients.Post(c, path, body);
}
