using JasperFx.Events.Projections;
using Marten;
using PlanLedger.Infrastructure;
using PlanLedger.Security;

namespace PlanLedger.Partnerships;

/// <summary>Partnerships (tenants): onboarding, the registry, and the directory every request is checked against.</summary>
public sealed class PartnershipsModule : ILedgerModule
{
    public void ConfigureStore(StoreOptions store) =>
        store.Projections.AddGlobalProjection(new PartnershipProjection(), ProjectionLifecycle.Inline);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<PartnershipDirectory>();
        services.AddSingleton<IPartnershipRegistry>(sp => sp.GetRequiredService<PartnershipDirectory>());
    }
}
