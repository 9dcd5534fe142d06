using JasperFx.Events.Daemon;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Marten;
using Wolverine;
using Wolverine.Marten;

namespace PlanLedger.Infrastructure;

/// <summary>
/// Where the async daemon runs. <c>Ledger:Daemon</c> names a Marten mode (Solo, the single-node default; HotCold;
/// Disabled) or <c>Distributed</c>: several API nodes share the projection shards, and Wolverine's node agents assign
/// each shard to exactly one node. Wolverine's leader holds a session-level advisory lock on a connection of its own
/// with no transaction open, so leadership pins no xmin (Marten's HotCold needs a lock transaction with the lock
/// library we can restore). Distribution needs Wolverine's node tables, so that mode runs Wolverine durable (Balanced)
/// on the ledger's database; the others stay MediatorOnly.
/// </summary>
public static class LedgerCluster
{
    public const string Distributed = nameof(Distributed);

    public static bool IsDistributed(IConfiguration configuration) =>
        string.Equals(configuration["Ledger:Daemon"], Distributed, StringComparison.OrdinalIgnoreCase);

    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddLedgerDaemon(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, IConfiguration configuration) =>
        IsDistributed(configuration)
            ? marten.IntegrateWithWolverine(m =>
            {
                m.UseWolverineManagedEventSubscriptionDistribution = true;
                // Over a pool of databases Wolverine keeps its node tables in the pool's registry database.
                m.MainDatabaseConnectionString = configuration["PLANLEDGER_DB"] ?? configuration.GetConnectionString("PlanLedger");
            })
            : marten.AddAsyncDaemon(configuration.GetValue("Ledger:Daemon", DaemonMode.Solo));

    /// <summary>
    /// A dead node's shards move once the others see its heartbeat stale: heartbeats every
    /// <c>Ledger:Cluster:HeartbeatSeconds</c> (default 2), stale after <c>Ledger:Cluster:StaleSeconds</c> (default 8),
    /// so failover takes about the stale time plus two heartbeats.
    /// </summary>
    public static void ConfigureDurability(WolverineOptions opts, IConfiguration configuration)
    {
        if (!IsDistributed(configuration))
        {
            opts.Durability.Mode = DurabilityMode.MediatorOnly;
            return;
        }
        opts.Durability.Mode = DurabilityMode.Balanced;
        var heartbeat = TimeSpan.FromSeconds(configuration.GetValue("Ledger:Cluster:HeartbeatSeconds", 2.0));
        opts.Durability.HealthCheckPollingTime = heartbeat;
        opts.Durability.FirstHealthCheckExecution = TimeSpan.FromMilliseconds(200);
        opts.Durability.CheckAssignmentPeriod = heartbeat;
        opts.Durability.StaleNodeTimeout = TimeSpan.FromSeconds(configuration.GetValue("Ledger:Cluster:StaleSeconds", 8.0));
    }
}

/// <summary>Which Wolverine node this process is and which agents (projection shards, the leader's) it runs now: /health/ready's <c>cluster-node</c>.</summary>
internal sealed class ClusterNode(Wolverine.Runtime.IWolverineRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var agents = runtime.Agents.AllRunningAgentUris().Select(u => u.ToString()).Order();
        return Task.FromResult(HealthCheckResult.Healthy(
            $"Node {runtime.Options.UniqueNodeId} runs: {string.Join(" ", agents)}"));
    }
}
