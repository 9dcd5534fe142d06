using PlanLedger.Infrastructure;

namespace PlanLedger.Audit;

/// <summary>The audit trail: histories (cached per stream version), time travel, board reports.</summary>
public sealed class AuditModule : ILedgerModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<HistoryCache>();
}
