using System.Diagnostics;
using Npgsql;
using PlanLedger.Infrastructure;

namespace PlanLedger.Benchmarks;

public static class Database
{
    public static string Existing(string server, string name) =>
        new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 100 }.ConnectionString;

    public static async Task<string> FreshAsync(string server, string name)
    {
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"drop database if exists {name} with (force)", connection).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"create database {name}", connection).ExecuteNonQueryAsync();
        }
        return Existing(server, name);
    }

    public static async Task<long> EventCountAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        return (long)(await new NpgsqlCommand($"select count(*) from {LedgerStore.Schema}.mt_events", connection).ExecuteScalarAsync())!;
    }

    /// <summary>Waits until every async projection's progress reaches the last event; null if none does in time.</summary>
    public static async Task<TimeSpan?> WaitForAsyncProjectionsAsync(string db, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        while (clock.Elapsed < timeout)
        {
            var max = (long)(await new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {LedgerStore.Schema}.mt_events", connection).ExecuteScalarAsync())!;
            var behind = new List<(string, long)>();
            await using (var reader = await new NpgsqlCommand($"select name, last_seq_id from {LedgerStore.Schema}.mt_event_progression where name like '%:%'", connection).ExecuteReaderAsync())
                while (await reader.ReadAsync()) behind.Add((reader.GetString(0), reader.GetInt64(1)));
            if (behind.Count > 0 && behind.All(b => b.Item2 >= max)) return clock.Elapsed;
            await Task.Delay(200);
        }
        return null;
    }
}
