using JasperFx.Events.Projections;
using Marten;
using PlanLedger.Infrastructure;

namespace PlanLedger.Actions;

/// <summary>Actions, their changes and returns; current state kept inline so a write's answer is what a read returns.</summary>
public sealed class ActionsModule : ILedgerModule
{
    public void ConfigureStore(StoreOptions store)
    {
        store.Projections.Add(new ActionProjection(), ProjectionLifecycle.Inline);
        store.Schema.For<ActionRecord>().Duplicate(a => a.Plan);
        ActionAppends.Register(store);
    }
}
