using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JasperFx.Events;
using Marten;
using Npgsql;
using PlanLedger.Actions;
using PlanLedger.Benchmarks;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using PlanLedger.Security;
using PlanLedger.SelfAssessments;

// PlanLedger's benchmark: every figure side by side in one run, so ratios hold on a noisy machine.
// Usage: PlanLedger.Benchmarks <api.dll> <results-dir> [--quick] [--writes-only] [--memory-only] [--soak-only] [--web-only]
var apiDll = Path.GetFullPath(args[0]);
var resultsDir = Path.GetFullPath(args[1]);
var quick = args.Contains("--quick");
// Only the sustained mixed load and the API's memory under it (results/memory.{json,md}).
var memoryOnly = args.Contains("--memory-only");
var server = Environment.GetEnvironmentVariable("PLANLEDGER_DB") ?? throw new InvalidOperationException("PLANLEDGER_DB is not set (deploy/bench.sh sets it)");
var phase = TimeSpan.FromSeconds(quick ? 3 : 10);
// Every measured phase first runs unmeasured, so connection pools, prepared statements and the JIT are warm.
var warmUp = TimeSpan.FromSeconds(quick ? 1 : 3);
var soakLength = TimeSpan.FromMinutes(quick ? 1 : 10);
var soakOnly = args.Contains("--soak-only");
int partnerships = quick ? 4 : 32, actionsPerPartnership = quick ? 500 : 6250, eventsPerAction = 10;
// --cluster: one and three nodes behind HAProxy, and a node's death (ClusterBench.cs).
if (args.Contains("--cluster")) return await ClusterBench.RunAsync(apiDll, server, resultsDir, phase);
// --spread: one database, then partnerships spread over two (SpreadBench.cs).
if (args.Contains("--spread")) return await SpreadBench.RunAsync(apiDll, server, resultsDir, phase);

CpuUse.PostgresPort = new NpgsqlConnectionStringBuilder(server).Port;
var report = new Report();
report.Context["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}";
report.Context["when"] = DateTimeOffset.UtcNow.ToString("u");
report.Context["load generator"] = "this harness: HttpClient workers on loopback, closed loop (each worker waits for its answer)";
report.Context["phase length"] = $"{phase.TotalSeconds} s per measured phase, after {warmUp.TotalSeconds} s unmeasured";

// A database of its own, fresh each run; --rebuild-only times a rebuild of the last run's database.
var rebuildOnly = args.Contains("--rebuild-only");
// --web-only: the web screens alone (phase 6b) on the last run's database, to results/web.{json,md}.
var webOnly = args.Contains("--web-only");
var db = rebuildOnly || webOnly ? Database.Existing(server, "planledger_bench") : await Database.FreshAsync(server, "planledger_bench");
var json = LedgerHttp.Configure(new JsonSerializerOptions());
var signingKey = DevelopmentTokens.NewSigningKey();
var store = new DocumentStore(LedgerStore.Options(db, PlanLedger.Modules.All));
await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
var provenance = new Provenance(new DateOnly(2020, 11, 30), DateTimeOffset.UtcNow, "bench", "bench", null);
var statusEvent = new ActionStatusChanged(DeliveryStatus.Amber, DeliveryStatus.Green, "Progressing as planned", provenance);

if (rebuildOnly)
{
    await RebuildAsync();
    return 0;
}
if (webOnly)
{
    await WebScreensAsync();
    await report.WriteAsync(resultsDir, "web");
    return 0;
}

if (args.Contains("--probe"))
{
    for (var i = 0; i < 30; i++)
    {
        var t = Stopwatch.StartNew();
        await using var session = store.LightweightSession("bench-probe");
        session.Events.Append("action/probe/1", statusEvent);
        await session.SaveChangesAsync();
        Console.WriteLine($"append {i}: {t.Elapsed.TotalMilliseconds:F1} ms");
    }
    return 0;
}

// Started first, on the fresh database, so its cold start is not measured behind other phases' I/O.
var apiPort = FreePort();
// --feed: the receiver is on loopback, which production settings refuse as a webhook target.
await using var api = await ApiProcess.StartAsync(apiDll, db, signingKey, apiPort,
    settings: args.Contains("--feed") ? new Dictionary<string, string> { ["Webhooks__AllowPrivateTargets"] = "true" } : null);
if (args.Contains("--feed"))
{
    Console.WriteLine("Change feed and webhooks");
    await FeedBench.RunAsync(api, db, signingKey, report, phase, json);
    await report.WriteAsync(Path.Combine(resultsDir, "feed"));
    return 0;
}
report.Add("footprint", "cold start to ready", api.ColdStart.TotalMilliseconds, "ms", "< 3000 ms", api.ColdStart.TotalMilliseconds < 3000);

// Runs a measured phase and reports where its CPU went: API, PostgreSQL and this load generator.
async Task<(double PerSecond, Samples Samples)> Profiled(string what, string unit, int workers, Func<int, int, Task<bool>> call, int unitsPerCall = 1,
    ApiProcess? server = null)
{
    await Measure.Concurrently(workers, warmUp, call);
    var before = CpuUse.Now((server ?? api).ProcessId);
    var clock = Stopwatch.StartNew();
    var result = await Measure.Concurrently(workers, phase, call);
    var used = CpuUse.Now((server ?? api).ProcessId).Since(before);
    var units = result.PerSecond * clock.Elapsed.TotalSeconds * unitsPerCall;
    report.Add("cpu", what, used.Total * 1000 / units, $"ms CPU/{unit}",
        note: $"{used.PerUnit(units, unit)}; {used.Total / clock.Elapsed.TotalSeconds:F2} of {Environment.ProcessorCount} cores busy");
    return result;
}

double limit = 0;
if (!memoryOnly)
{
    Console.WriteLine("1. The limit: raw PostgreSQL single-row insert commits");
    var eventJson = JsonSerializer.Serialize(statusEvent, json);
    await using (var setup = new NpgsqlConnection(db))
    {
        await setup.OpenAsync();
        await new NpgsqlCommand("create table if not exists bench_raw (seq bigserial primary key, stream text not null, type text not null, data jsonb not null, recorded timestamptz not null default now())", setup).ExecuteNonQueryAsync();
    }
    var rawRates = new Dictionary<int, double>();
    foreach (var workers in new[] { 8, 32 })
    {
        var connections = await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            var c = new NpgsqlConnection(db); await c.OpenAsync(); return c;
        }));
        var (rate, _) = await Profiled($"raw insert commits, {workers} connections", "commit", workers, async (w, i) =>
        {
            await using var insert = new NpgsqlCommand("insert into bench_raw (stream, type, data) values ($1, 'action_status_changed', $2::jsonb)", connections[w]);
            insert.Parameters.AddWithValue($"action/bench/{w}");
            insert.Parameters.AddWithValue(eventJson);
            await insert.ExecuteNonQueryAsync();
            return true;
        });
        foreach (var c in connections) await c.DisposeAsync();
        rawRates[workers] = rate;
        report.Add("limit", $"raw insert commits, {workers} connections", rate, "commits/s");
    }
    limit = rawRates[32];
    if (PgBench.Find() is { } pgbench)
        foreach (var clients in new[] { 8, 32 })
            if (await PgBench.InsertCommitsAsync(pgbench, db, clients, phase, eventJson) is { } tps)
                report.Add("limit", $"pgbench: the same insert, {clients} connections", tps, "commits/s",
                    note: $"PostgreSQL's own load generator (prepared, -j {Math.Min(clients, Environment.ProcessorCount)}); the harness's figure above is the limit the targets use");

    Console.WriteLine("2. Marten alone: in-process appends of the status-change event");
    {
        var (rate, samples) = await Profiled("Marten appends, 32 workers", "event", 32, async (w, i) =>
        {
            await using var session = store.LightweightSession("bench-marten");
            session.Events.Append($"action/marten/{w}", statusEvent);
            await session.SaveChangesAsync();
            return true;
        });
        report.Add("marten", "appends, 32 workers", rate, "events/s", note: $"p99 {samples.Percentile(99):F1} ms");
        report.Add("marten", "appends as share of the limit", rate / limit * 100, "%");
    }
}

Console.WriteLine("3. HTTP writes through the API");
var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
HttpClient Client(string role, params string[] partnership)
{
    var c = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(api.Url), Timeout = TimeSpan.FromSeconds(30) };
    c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
        DevelopmentTokens.Mint(signingKey, $"bench-{role}", [role], partnership, lifetime: TimeSpan.FromHours(4)));
    return c;
}
async Task Post(HttpClient c, string path, object body)
{
    var r = await c.PostAsJsonAsync(path, body, json);
    if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
}
var admin = Client(Roles.Admin);
var firstCall = Stopwatch.StartNew();
await Post(admin, "/partnerships", new { code = "bench-http", name = "Benchmark partnership" });
report.Add("footprint", "first request after start (includes its code generation)", firstCall.Elapsed.TotalMilliseconds, "ms");
var writer = Client(Roles.PartnerWriter, "bench-http");
await Post(writer, "/partnerships/bench-http/plans", new { reference = "plan", kind = "MsgImprovementActionPlan", title = "Benchmark plan" });
await Post(writer, "/partnerships/bench-http/plans/plan/headings", new { reference = "H", kind = "StrategicPriority", title = "Heading" });
for (var a = 0; a < 32 + 8 * 50; a++)
    await Post(writer, "/partnerships/bench-http/plans/plan/actions", new { reference = $"A{a}", heading = "H", description = $"Action {a}", status = "Amber", timescale = new { text = "31 March 2021" } });

string[] statuses = ["Red", "Amber", "Green"];
if (soakOnly)
{
    await Soak.RunAsync(api, writer, db, report, soakLength, json);
    await report.WriteAsync(Path.Combine(resultsDir, "soak"));
    return 0;
}
if (memoryOnly)
{
    await SustainedMixedLoadAsync();
    await api.DisposeAsync();
    await report.WriteAsync(resultsDir, "memory");
    return 0;
}
if (args.Contains("--profile-writes") || args.Contains("--profile-returns"))
{
    // Holds a write load long enough to attach a profiler (dotnet-trace collect -p <pid>, or perf with DOTNET_PerfMapEnabled=1).
    var returns = args.Contains("--profile-returns");
    Console.WriteLine($"API process {api.ProcessId}: {(returns ? "returns of 50 at 8" : "status changes at 32")} clients for 40 s");
    var (profiled, _) = returns
        ? await Measure.Concurrently(8, TimeSpan.FromSeconds(40), async (w, i) => (await writer.PostAsJsonAsync("/partnerships/bench-http/plans/plan/returns",
            new { period = $"Return {i}", items = Enumerable.Range(0, 50).Select(k => new { action = $"A{32 + w * 50 + k}", status = new { status = statuses[(i + 1) % 3] } }) }, json)).IsSuccessStatusCode)
        : await Measure.Concurrently(32, TimeSpan.FromSeconds(40), async (w, i) =>
            (await writer.PostAsJsonAsync($"/partnerships/bench-http/plans/plan/actions/A{w}/status", new { status = statuses[i % 3] }, json)).IsSuccessStatusCode);
    Console.WriteLine($"{profiled:F0} {(returns ? "returns" : "requests")}/s");
    return 0;
}
double httpAt32 = 0;
foreach (var clients in new[] { 1, 8, 32 })
{
    var (rate, samples) = await Profiled($"HTTP status changes, {clients} clients", "request", clients, async (w, i) =>
    {
        var r = await writer.PostAsJsonAsync($"/partnerships/bench-http/plans/plan/actions/A{w}/status",
            new { status = statuses[i % 3], reason = "benchmark" }, json);
        return r.IsSuccessStatusCode;
    });
    if (clients == 32) httpAt32 = rate;
    report.Add("http writes", $"status changes, {clients} clients", rate, "requests/s",
        clients == 32 ? $">= 25% of limit ({limit * 0.25:F0})" : null, clients == 32 ? rate >= limit * 0.25 : null,
        $"p50 {samples.Percentile(50):F1} ms, p95 {samples.Percentile(95):F1} ms, p99 {samples.Percentile(99):F1} ms, {samples.Failures} failed");
}
report.Add("http writes", "status changes at 32 clients as share of the limit", httpAt32 / limit * 100, "%", ">= 25%", httpAt32 >= limit * 0.25);
{
    // The group-commit lever, same run: a second API process on the same database with it off.
    await using var alone = await ApiProcess.StartAsync(apiDll, db, signingKey, FreePort(), daemon: "Disabled",
        settings: new Dictionary<string, string> { ["Ledger__GroupCommit__Enabled"] = "false" });
    var aloneWriter = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(alone.Url), DefaultRequestHeaders = { Authorization = writer.DefaultRequestHeaders.Authorization } };
    var (rate, samples) = await Profiled("HTTP status changes, 32 clients, group commit off", "request", 32, async (w, i) =>
        (await aloneWriter.PostAsJsonAsync($"/partnerships/bench-http/plans/plan/actions/A{w}/status", new { status = statuses[i % 3], reason = "benchmark" }, json)).IsSuccessStatusCode,
        server: alone);
    report.Add("http writes", "status changes, 32 clients, each write its own transaction (Ledger:GroupCommit:Enabled=false)", rate, "requests/s",
        note: $"p50 {samples.Percentile(50):F1} ms, p99 {samples.Percentile(99):F1} ms, {samples.Failures} failed; its async daemon off, as the shipped API's is busy too");
}
{
    var (rate, samples) = await Profiled("HTTP progress updates, 32 clients", "request", 32, async (w, i) =>
    {
        var r = await writer.PostAsJsonAsync($"/partnerships/bench-http/plans/plan/actions/A{w}/progress-updates",
            new { period = $"Period {i}", narrative = $"Update {i} from the partner system", nextSteps = "Keep going", status = statuses[i % 3] }, json);
        return r.IsSuccessStatusCode;
    });
    report.Add("http writes", "progress updates, 32 clients", rate, "requests/s", note: $"p50 {samples.Percentile(50):F1} ms, p99 {samples.Percentile(99):F1} ms, {samples.Failures} failed");
}

Console.WriteLine("4. Returns of 50 changes");
{
    var (rate, samples) = await Profiled("returns of 50, 8 clients", "event", 8, async (w, i) =>
    {
        var items = Enumerable.Range(0, 50).Select(k => new { action = $"A{32 + w * 50 + k}", status = new { status = statuses[(i + 1) % 3] } }).ToArray();
        var r = await writer.PostAsJsonAsync("/partnerships/bench-http/plans/plan/returns", new { period = $"Return {i}", items }, json);
        return r.IsSuccessStatusCode;
    }, unitsPerCall: 50);
    report.Add("returns", "events ingested through returns of 50, 8 clients", rate * 50, "events/s", $">= 100% of limit ({limit:F0})", rate * 50 >= limit,
        $"{rate:F1} returns/s, p99 {samples.Percentile(99):F1} ms, {samples.Failures} failed");
}

if (args.Contains("--writes-only"))
{
    // The write figures alone, to compare two builds of the write path back to back on one machine.
    await report.WriteAsync(Path.Combine(resultsDir, "writes-only"));
    return 0;
}

Console.WriteLine("5. Reads");
// Reads are measured once the daemon has projected the writes above, not while it competes for the two cores.
if (await Database.WaitForAsyncProjectionsAsync(db, TimeSpan.FromMinutes(5)) is { } settled)
    report.Add("projections", "national views caught up with the HTTP writes after", settled.TotalMilliseconds, "ms");
var reader = Client(Roles.PartnerReader, "bench-http");
{
    var samples = await Measure.Sequentially(quick ? 200 : 2000, async i => (await reader.GetAsync($"/partnerships/bench-http/plans/plan/actions/A{i % 32}")).IsSuccessStatusCode);
    report.Add("reads", "current state of an action, p50", samples.Percentile(50), "ms");
    report.Add("reads", "current state of an action, p99", samples.Percentile(99), "ms", "< 10 ms", samples.Percentile(99) < 10);
}
{
    // 1,000 events on one action: 999 progress updates after it was added.
    for (var i = 0; i < 999; i++)
        await Post(writer, "/partnerships/bench-http/plans/plan/actions/A0/progress-updates", new { period = $"H{i}", narrative = $"History {i}" });
    var path = "/partnerships/bench-http/plans/plan/actions/A0/history?page=1&pageSize=500";
    var first = Stopwatch.StartNew();
    var probe = await reader.GetAsync(path);
    if (probe.IsSuccessStatusCode)
    {
        report.Add("reads", "1,000-event history, first read of a new version (folds and tells the stream)", first.Elapsed.TotalMilliseconds, "ms");
        var samples = await Measure.Sequentially(quick ? 50 : 300, async _ =>
        {
            var first = await reader.GetAsync(path);
            var second = await reader.GetAsync(path.Replace("page=1", "page=2"));
            return first.IsSuccessStatusCode && second.IsSuccessStatusCode;
        });
        report.Add("reads", "1,000-event history (two pages of 500), p50", samples.Percentile(50), "ms");
        report.Add("reads", "1,000-event history (two pages of 500), p99", samples.Percentile(99), "ms", "< 20 ms", samples.Percentile(99) < 20);
    }
    else report.Add("reads", "1,000-event history", double.NaN, "ms", "< 20 ms", false, $"history endpoint answered {(int)probe.StatusCode}");
}

Console.WriteLine($"6. National scale: {partnerships} partnerships, {partnerships * actionsPerPartnership} actions");
var national = Client(Roles.National);
var loadClock = Stopwatch.StartNew();
long bulkEvents = 0;
var proposals = PlanLedger.Framework.MsgFramework.Current.LocallyRated.Select(p => p.Number).ToArray();
for (var p = 0; p < partnerships; p++)
{
    var code = $"bench-p{p:00}";
    await Post(admin, "/partnerships", new { code, name = $"Benchmark partnership {p}" });
    var streams = new List<StreamAction>();
    var planEvents = new List<object> { new PlanRegistered("msg-plan", PlanKind.MsgImprovementActionPlan, "MSG plan", null, null, null, provenance) };
    planEvents.AddRange(proposals.Select(n => new HeadingAdded(n, HeadingKind.MsgProposal, $"Proposal {n}", n, provenance)));
    streams.Add(StreamAction.Start(store.Events, PlanRecord.KeyFor("msg-plan"), planEvents.ToArray()));
    foreach (var (n, k) in proposals.Select((n, k) => (n, k)))
    {
        var first = (Rating)((p + k) % 3);
        var ratingEvents = new List<object> { new RatingRecorded(n, first, "Evidence", null, "Chief Officer", "msg-plan", provenance with { EffectiveOn = new DateOnly(2019, 5, 15) }) };
        if ((p + k) % 4 == 0) ratingEvents.Add(new RatingRevised(n, first, first + 1, RevisionDirection.Up, "Re-evaluated", null, provenance with { EffectiveOn = new DateOnly(2019, 12, 11) }));
        streams.Add(StreamAction.Start(store.Events, SelfAssessment.KeyFor(n), ratingEvents.ToArray()));
    }
    for (var a = 0; a < actionsPerPartnership; a++)
    {
        var heading = proposals[a % proposals.Length];
        var original = new Timescale("31 March 2020", TimescaleKind.Date, new DateOnly(2020, 3, 31), null, null);
        var slipped = new Timescale("31 March 2021", TimescaleKind.Date, new DateOnly(2021, 3, 31), null, null);
        var events = new List<object>
        {
            new ActionAdded("msg-plan", $"A{a}", new ActionDetails(heading, $"Action {a}", null, null, [], []), [new Lead(null, "Head of Health", null)], original, DeliveryStatus.Amber, [], provenance)
        };
        for (var e = 1; e < eventsPerAction; e++)
        {
            events.Add((e % 3) switch
            {
                0 => new ProgressUpdateRecorded($"Q{e}", "Update", null, null, provenance),
                1 => new ActionStatusChanged(DeliveryStatus.Amber, DeliveryStatus.Green, null, provenance),
                _ => e == 2 && a % 5 == 0
                    ? new TimescaleSlipped(original, slipped, 365, "delayed due to COVID 19", provenance)
                    : new ActionStatusChanged(DeliveryStatus.Green, DeliveryStatus.Amber, null, provenance)
            });
        }
        streams.Add(StreamAction.Start(store.Events, ActionRecord.KeyFor("msg-plan", $"A{a}"), events.ToArray()));
        bulkEvents += events.Count;
    }
    await store.BulkInsertEventsAsync(code, streams, batchSize: 5000);
    bulkEvents += planEvents.Count + streams.Skip(1).Take(proposals.Length).Sum(s => s.Events.Count);
}
report.Add("national", "events loaded through Marten's bulk COPY", bulkEvents, "events", note: $"{bulkEvents / loadClock.Elapsed.TotalSeconds:F0} events/s");

var loadTime = loadClock.Elapsed;
var catchUp = await Database.WaitForAsyncProjectionsAsync(db, TimeSpan.FromMinutes(quick ? 3 : 20));
if (catchUp is { } caught)
    // The daemon projects while the load runs, so the rate counts from the start of the load.
    report.Add("projections", "async catch-up (national views)", bulkEvents / (loadTime + caught).TotalSeconds, "events/s",
        note: $"caught up {caught.TotalSeconds:F1} s after a {loadTime.TotalSeconds:F1} s load of {bulkEvents} events");
else
    report.Add("projections", "async catch-up (national views)", double.NaN, "events/s", note: "no async projection caught up in time (or none registered)");

foreach (var (name, path) in new[] { ("ratings matrix", "/national/msg-ratings"), ("delivery overview", "/national/delivery") })
{
    var first = Stopwatch.StartNew();
    var probe = await national.GetAsync(path);
    report.Add("national", $"{name}, first read after the ledger moved", first.Elapsed.TotalMilliseconds, "ms");
    if (!probe.IsSuccessStatusCode)
    {
        report.Add("national", $"{name}", double.NaN, "ms", "p99 < 50 ms", false, $"{path} answered {(int)probe.StatusCode}");
        continue;
    }
    var samples = await Measure.Sequentially(quick ? 50 : 300, async _ => (await national.GetAsync(path)).IsSuccessStatusCode);
    report.Add("national", $"{name}, p50", samples.Percentile(50), "ms");
    report.Add("national", $"{name}, p99", samples.Percentile(99), "ms", "< 50 ms", samples.Percentile(99) < 50);
}

await SustainedMixedLoadAsync();
await WebScreensAsync();

// Last of the phases on the API, on streams of its own, so its half a million events change no other figure.
Console.WriteLine("6c. Soak");
await Soak.RunAsync(api, writer, db, report, soakLength, json);

report.Add("footprint", "API peak memory (VmHWM) after the run", api.PeakMemoryMb(), "MB", "< 400 MB", api.PeakMemoryMb() < 400);
await api.DisposeAsync();

Console.WriteLine("7. Full rebuild");
await RebuildAsync();

await report.WriteAsync(resultsDir);
return 0;

// 8. Memory under a sustained mixed load: 16 clients writing and reading (current state, histories that
// keep growing, lists, summaries, board reports, national delivery) for 3 rounds, the API's resident
// memory sampled twice a second throughout and 10 s after.
async Task SustainedMixedLoadAsync()
{
    var rounds = 3;
    var length = TimeSpan.FromSeconds(quick ? 5 : 60);
    Console.WriteLine($"8. Sustained mixed load: 16 clients, {rounds} x {length.TotalSeconds} s");
    var mixedReader = Client(Roles.PartnerReader, "bench-http");
    var mixedNational = Client(Roles.National);
    const string plan = "/partnerships/bench-http/plans/plan";
    var before = api.ResidentMemoryMb();
    var peak = before;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            peak = Math.Max(peak, api.ResidentMemoryMb());
            try { await Task.Delay(500, sampling.Token); } catch (OperationCanceledException) { }
        }
    });
    report.Add("memory", "API resident memory (VmRSS) before the mixed load", before, "MB");
    var afterRounds = new List<double>();
    for (var round = 1; round <= rounds; round++)
    {
        var (rate, samples) = await Measure.Concurrently(16, length, async (w, i) =>
        {
            var action = $"{plan}/actions/A{w % 32}";
            var response = (i % 8) switch
            {
                0 => await writer.PostAsJsonAsync($"{action}/status", new { status = statuses[i % 3], reason = "mixed load" }, json),
                1 => await writer.PostAsJsonAsync($"{action}/progress-updates", new { period = $"Mixed {round}.{i}", narrative = $"Update {i} from the partner system, with some narrative text to hold" }, json),
                2 => await mixedReader.GetAsync(action),
                3 => await mixedReader.GetAsync($"{action}/history?page=1&pageSize=100"),
                4 => await mixedReader.GetAsync($"{plan}/actions"),
                5 => await mixedReader.GetAsync($"{plan}/summary"),
                6 => await mixedReader.GetAsync($"{plan}/board-report?format=csv"),
                _ => await mixedNational.GetAsync("/national/delivery")
            };
            // A lost race for the same action is an answer (409), not a failure of the run.
            return response.IsSuccessStatusCode || (int)response.StatusCode == 409;
        });
        afterRounds.Add(api.ResidentMemoryMb());
        report.Add("memory", $"mixed load round {round}: requests/s, 16 clients", rate, "requests/s",
            note: $"p99 {samples.Percentile(99):F1} ms, {samples.Failures} failed; VmRSS after the round {afterRounds[^1]:F0} MB");
    }
    await Task.Delay(TimeSpan.FromSeconds(10));
    sampling.Cancel();
    await sampler;
    var settled = api.ResidentMemoryMb();
    report.Add("memory", "API resident memory (VmRSS), peak during the mixed load", peak, "MB", "< 400 MB", peak < 400,
        $"after each round: {string.Join(" / ", afterRounds.Select(m => m.ToString("F0")))} MB");
    report.Add("memory", "API resident memory (VmRSS) 10 s after the mixed load", settled, "MB", "< 400 MB", settled < 400);
}

static int FreePort() => ApiProcess.FreePort();

// 6b. The web screens at national scale.
async Task WebScreensAsync()
{
    Console.WriteLine("6b. Web screens at national scale");
    // Pages need a web session, and the development sign-in exists only in Development and Testing: a second API
    // process runs as Testing on the same database (its daemon off) and signs in as national leadership. Times are
    // measured at this client over loopback, so they include Kestrel and the socket as well as the render.
    // A free port: another run's web process may hold any fixed one, and then this would time that one.
    await using (var web = await ApiProcess.StartAsync(apiDll, db, signingKey, FreePort(), daemon: "Disabled", environment: "Testing"))
    {
        var session = await WebSessionAsync(web.Url);
        var screens = new[]
        {
            ("MSG ratings heatmap", "/web/national"),
            ("plan page (432 actions)", "/web/partnerships/bench-http/plans/plan"),
            ("1,000-event action story", "/web/partnerships/bench-http/plans/plan/actions/A0")
        };
        foreach (var (name, path) in screens)
        {
            var first = Stopwatch.StartNew();
            var probe = await session.GetAsync(path);
            report.Add("web", $"{name}, first render", first.Elapsed.TotalMilliseconds, "ms");
            if (!probe.IsSuccessStatusCode)
            {
                report.Add("web", name, double.NaN, "ms", "p99 < 100 ms", false, $"{path} answered {(int)probe.StatusCode}");
                continue;
            }
            // The API's own CPU per page holds on a machine shared with other work, where the latencies do not.
            var cpu = CpuUse.Now(web.ProcessId).ApiSeconds;
            var count = quick ? 30 : 300;
            var samples = await Measure.Sequentially(count, async _ =>
            {
                using var page = await session.GetAsync(path);
                await page.Content.LoadIntoBufferAsync();
                return page.IsSuccessStatusCode;
            });
            report.Add("web", $"{name}, API CPU per page", (CpuUse.Now(web.ProcessId).ApiSeconds - cpu) * 1000 / count, "ms",
                note: $"{(await probe.Content.ReadAsByteArrayAsync()).Length / 1024} KB of HTML");
            report.Add("web", $"{name}, p50", samples.Percentile(50), "ms");
            report.Add("web", $"{name}, p99", samples.Percentile(99), "ms", "< 100 ms", samples.Percentile(99) < 100);
        }
    }
}

// A cookie session through the development sign-in page, as a person's browser would get one.
static async Task<HttpClient> WebSessionAsync(string url)
{
    var web = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    var form = await web.GetStringAsync("/web/sign-in");
    var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
    var signIn = await web.PostAsync("/web/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["role"] = Roles.National, ["partnership"] = Claims.AllPartnerships, ["__RequestVerificationToken"] = token
    }));
    if (!signIn.IsSuccessStatusCode) throw new InvalidOperationException($"Web sign-in answered {(int)signIn.StatusCode}");
    return web;
}

async Task RebuildAsync()
{
    var total = await Database.EventCountAsync(db);
    using var daemon = await store.BuildProjectionDaemonAsync();
    var clock = Stopwatch.StartNew();
    await daemon.RebuildProjectionAsync<ActionProjection>(TimeSpan.FromMinutes(30), CancellationToken.None);
    report.Add("projections", "full rebuild of action current state", total / clock.Elapsed.TotalSeconds, "events/s", ">= 20000", total / clock.Elapsed.TotalSeconds >= 20_000,
        $"{total} events in {clock.Elapsed.TotalSeconds:F1} s");
}
