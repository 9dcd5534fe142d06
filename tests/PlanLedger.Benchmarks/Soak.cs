using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PlanLedger.Infrastructure;

namespace PlanLedger.Benchmarks;

/// <summary>
/// Whether the ledger rots under sustained writes: minutes of status changes and progress updates at 32 clients while
/// every session's xmin age is sampled, then the hot tables' dead tuples and PostgreSQL CPU per request, first minute
/// against last. A session pinning xmin shows as an age that only grows, dead tuples that autovacuum cannot remove,
/// and a last minute dearer than the first.
/// </summary>
public static class Soak
{
    private static readonly string[] HotTables = ["mt_events", "mt_streams", "mt_doc_actionrecord", "mt_doc_idempotentanswer"];

    public static async Task RunAsync(ApiProcess api, HttpClient writer, string db, Report report, TimeSpan length, JsonSerializerOptions json)
    {
        Console.WriteLine($"Soak: {length.TotalMinutes:F0} min of writes at 32 clients");
        string[] statuses = ["Red", "Amber", "Green"];
        const string plan = "/partnerships/bench-http/plans/soak";
        async Task Post(string path, object body) =>
            (await writer.PostAsJsonAsync(path, body, json)).EnsureSuccessStatusCode();
        await Post("/partnerships/bench-http/plans", new { reference = "soak", kind = "MsgImprovementActionPlan", title = "Soak plan" });
        await Post($"{plan}/headings", new { reference = "H", kind = "StrategicPriority", title = "Heading" });
        for (var a = 0; a < 32; a++)
            await Post($"{plan}/actions", new { reference = $"S{a}", heading = "H", description = $"Soak action {a}", status = "Amber" });
        await using var monitor = new NpgsqlConnection(db);
        await monitor.OpenAsync();
        var vacuumsBefore = await AutovacuumsAsync(monitor);

        var minutes = new List<(double Requests, double PostgresSeconds)>();
        var oldestXmin = 0L;
        var clock = Stopwatch.StartNew();
        var requests = 0L;
        var failures = 0L;
        using var stop = new CancellationTokenSource(length);
        var load = Task.WhenAll(Enumerable.Range(0, 32).Select(async w =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var action = $"{plan}/actions/S{w}";
                var response = i % 4 == 3
                    ? await writer.PostAsJsonAsync($"{action}/progress-updates", new { period = $"Soak {i}", narrative = $"Soak update {i}" }, json)
                    : await writer.PostAsJsonAsync($"{action}/status", new { status = statuses[i % 3], reason = "soak" }, json);
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref requests);
                else Interlocked.Increment(ref failures);
            }
        }));

        var minuteStart = (Requests: 0L, Cpu: CpuUse.Now(api.ProcessId));
        var nextMinute = TimeSpan.FromMinutes(1);
        while (!load.IsCompleted)
        {
            await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(5)));
            oldestXmin = Math.Max(oldestXmin, await OldestXminAgeAsync(monitor));
            if (clock.Elapsed >= nextMinute || load.IsCompleted)
            {
                var now = (Requests: Interlocked.Read(ref requests), Cpu: CpuUse.Now(api.ProcessId));
                minutes.Add((now.Requests - minuteStart.Requests, now.Cpu.Since(minuteStart.Cpu).PostgresSeconds));
                minuteStart = now;
                nextMinute += TimeSpan.FromMinutes(1);
            }
        }
        await load;

        var full = minutes.Where(m => m.Requests > 0).ToList();
        double PerRequest((double Requests, double PostgresSeconds) m) => m.PostgresSeconds * 1000 / m.Requests;
        report.Add("soak", "writes sustained", requests / clock.Elapsed.TotalSeconds, "requests/s",
            note: $"{requests} writes in {clock.Elapsed.TotalMinutes:F1} min at 32 clients, {failures} failed");
        report.Add("soak", "PostgreSQL CPU per write, first minute", PerRequest(full[0]), "ms");
        report.Add("soak", "PostgreSQL CPU per write, last minute", PerRequest(full[^1]), "ms",
            "<= first minute (+10% noise)", PerRequest(full[^1]) <= PerRequest(full[0]) * 1.1,
            $"each minute: {string.Join(" / ", full.Select(m => PerRequest(m).ToString("F2")))} ms");
        report.Add("soak", "oldest xmin age of any session, sampled every 5 s", oldestXmin, "transactions",
            "< 100000 (Ledger:XminAgeWarning)", oldestXmin < 100_000);
        report.Add("soak", "oldest xmin age of any session, after the soak", await OldestXminAgeAsync(monitor), "transactions");

        // Autovacuum runs on its own schedule: give it a minute (polling, not a fixed wait) to reach the hot tables.
        var settle = Stopwatch.StartNew();
        var vacuumed = 0L;
        while (settle.Elapsed < TimeSpan.FromMinutes(1) && (vacuumed = await AutovacuumsAsync(monitor) - vacuumsBefore) == 0)
            await Task.Delay(TimeSpan.FromSeconds(2));
        report.Add("soak", "autovacuum runs on the hot tables during and after the soak", vacuumed, "runs", "> 0", vacuumed > 0);
        foreach (var (table, live, dead, bytes) in await TablesAsync(monitor))
            report.Add("soak", $"{table}: dead tuples after the soak", dead, "tuples", note: $"{live} live, {bytes / 1024.0 / 1024:F1} MB with indexes");
    }

    private static async Task<long> OldestXminAgeAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "select coalesce(max(age(backend_xmin)), 0) from pg_stat_activity where pid <> pg_backend_pid() and backend_xmin is not null", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task<long> AutovacuumsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "select coalesce(sum(autovacuum_count), 0) from pg_stat_user_tables where schemaname = $1 and relname = any($2)", connection);
        command.Parameters.AddWithValue(LedgerStore.Schema);
        command.Parameters.AddWithValue(HotTables);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task<List<(string, long, long, long)>> TablesAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "select relname, n_live_tup, n_dead_tup, pg_total_relation_size(relid) from pg_stat_user_tables where schemaname = $1 and relname = any($2) order by relname", connection);
        command.Parameters.AddWithValue(LedgerStore.Schema);
        command.Parameters.AddWithValue(HotTables);
        var tables = new List<(string, long, long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) tables.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        return tables;
    }
}
