using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace PlanLedger.Infrastructure;

/// <summary>
/// Warns when a session holds PostgreSQL's transaction horizon back: while any session's xmin stays old, no dead row
/// version anywhere can be pruned, tables bloat and every read and write slows. /health/ready turns Degraded (still 200)
/// past Ledger:XminAgeWarning transactions (default 100,000), and the age is the gauge planledger.db.xmin_age.
/// </summary>
internal sealed class TransactionHorizon(LedgerDatabase database, IConfiguration configuration) : IHealthCheck
{
    private static readonly Meter Meter = new(LedgerTelemetry.SourceName + ".Database");
    private static long _lastAge;
    private static readonly ObservableGauge<long> Gauge = Meter.CreateObservableGauge("planledger.db.xmin_age", () => _lastAge, "{transaction}",
        "Age in transactions of the oldest xmin held by any session of the ledger's databases, as last checked by /health/ready");

    public const string Query = """
        select coalesce(max(age(backend_xmin)), 0), coalesce((array_agg(pid order by age(backend_xmin) desc))[1], 0)
        from pg_stat_activity where datname = current_database() and backend_xmin is not null and pid <> pg_backend_pid()
        """;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var warning = configuration.GetValue("Ledger:XminAgeWarning", 100_000L);
        var (oldest, pid, where) = (0L, 0, "");
        foreach (var (name, connectionString) in database.Probes)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand(Query, connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                var age = Convert.ToInt64(reader.GetValue(0));
                if (age >= oldest) (oldest, pid, where) = (age, reader.GetInt32(1), name);
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                return HealthCheckResult.Healthy("Not checked: PostgreSQL is unreachable (see the postgresql check)");
            }
        }
        _lastAge = oldest;
        var of = database.Spread ? $" of database '{where}'" : "";
        return oldest > warning
            ? HealthCheckResult.Degraded($"Session {pid}{of} holds the transaction horizon {oldest} transactions back (warning above {warning}): dead rows cannot be pruned")
            : HealthCheckResult.Healthy($"Oldest xmin is {oldest} transactions old");
    }
}
