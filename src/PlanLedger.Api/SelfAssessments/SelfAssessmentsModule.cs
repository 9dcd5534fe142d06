using JasperFx.Events.Projections;
using Marten;
using PlanLedger.Framework;
using PlanLedger.Infrastructure;

namespace PlanLedger.SelfAssessments;

/// <summary>MSG self-assessment ratings and revisions against the national framework.</summary>
public sealed class SelfAssessmentsModule : ILedgerModule
{
    public void ConfigureStore(StoreOptions store) =>
        store.Projections.Add(new SelfAssessmentProjection(), ProjectionLifecycle.Inline);

    public void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(MsgFramework.Current);
}
