using Marten;

namespace PlanLedger.Infrastructure;

/// <summary>
/// A feature of the ledger (partnerships, plans, actions, …): what it adds to the event store and to the host.
/// Program.cs lists the modules; the infrastructure knows none of them by name.
/// </summary>
public interface ILedgerModule
{
    /// <summary>Its projections and document settings.</summary>
    void ConfigureStore(StoreOptions store) { }

    /// <summary>Its services: caches, background work, reference data.</summary>
    void AddServices(IServiceCollection services, IConfiguration configuration) { }
}
