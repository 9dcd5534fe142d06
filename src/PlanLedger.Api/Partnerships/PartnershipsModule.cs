using JasperFx.Events.Projections;
using Marten;
using PlanLedger.Infrastructure;
using PlanLedger.Security;

namespace PlanLedger.Partnerships;

/// <summary>Partnerships (tenants): onboarding, the registry, and the directory every request is checked against.</summary>
public sealed class PartnershipsModule : ILedgerModule
{
    public void ConfigureStore(StoreOptions store)
    {
        // The registry is the national ledger's own document (a tenant like any other), so a pool of databases keeps it
        // in that ledger's database; a global projection would write it under Marten's default tenant, which a pool has not.
        store.Projections.Add(new PartnershipProjection(), ProjectionLifecycle.Inline);
    }

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<PartnershipDirectory>();
        services.AddSingleton<IPartnershipRegistry>(sp => sp.GetRequiredService<PartnershipDirectory>());
    }
}
