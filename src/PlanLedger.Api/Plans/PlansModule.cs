using JasperFx.Events.Projections;
using Marten;
using PlanLedger.Infrastructure;

namespace PlanLedger.Plans;

/// <summary>Plans and their headings, kept current inline.</summary>
public sealed class PlansModule : ILedgerModule
{
    public void ConfigureStore(StoreOptions store) =>
        store.Projections.Add(new PlanProjection(), ProjectionLifecycle.Inline);
}
