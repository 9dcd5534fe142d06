using System.Diagnostics;
using Npgsql;

namespace PlanLedger.Benchmarks;

/// <summary>PostgreSQL's own load generator, where installed, for the raw insert limit beside this harness's.</summary>
public static class PgBench
{
    public static string? Find() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pgbench")).FirstOrDefault(File.Exists)
            : null;

    /// <summary>Single-row insert commits per second into the harness's raw table at <paramref name="clients"/> connections.</summary>
    public static async Task<double?> InsertCommitsAsync(string pgbench, string db, int clients, TimeSpan duration, string eventJson)
    {
        var connection = new NpgsqlConnectionStringBuilder(db);
        var script = Path.GetTempFileName();
        // pgbench reads ":name" as a variable; a space after each JSON colon keeps the same document without any.
        var literal = System.Text.Json.Nodes.JsonNode.Parse(eventJson)!.ToJsonString().Replace("\":", "\": ").Replace("'", "''");
        await File.WriteAllTextAsync(script,
            $"insert into bench_raw (stream, type, data) values ('action/pgbench/' || :client_id, 'action_status_changed', '{literal}'::jsonb);\n");
        try
        {
            var info = new ProcessStartInfo(pgbench,
            [
                "-n", "-M", "prepared", "-c", clients.ToString(), "-j", Math.Min(clients, Environment.ProcessorCount).ToString(),
                "-T", ((int)duration.TotalSeconds).ToString(), "-f", script,
                "-h", connection.Host!, "-p", connection.Port.ToString(), "-U", connection.Username!, connection.Database!
            ]) { RedirectStandardOutput = true, RedirectStandardError = true };
            if (connection.Password is { } password) info.Environment["PGPASSWORD"] = password;
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) Console.Error.WriteLine($"pgbench failed: {errors}");
            var tps = System.Text.RegularExpressions.Regex.Match(output, @"tps = ([0-9.]+) \(without initial connection time\)");
            return tps.Success ? double.Parse(tps.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        }
        finally
        {
            File.Delete(script);
        }
    }
}
