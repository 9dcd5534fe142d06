using JasperFx.Events.Projections;
using Marten;
using Microsoft.OpenApi;
using PlanLedger.Infrastructure;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PlanLedger.National;

/// <summary>Views across all partnerships, fed by async projections.</summary>
public sealed class NationalModule : ILedgerModule
{
    public void ConfigureStore(StoreOptions store)
    {
        // Async, not inline: a national view reads every partnership's ledger, so keeping it off the write
        // path means a partner's return never waits on, or fails because of, a national aggregate. The
        // price is lag, which every national answer shows in its headers.
        store.Projections.Add(new NationalRatingProjection(), ProjectionLifecycle.Async);
        store.Projections.Add(new NationalActionProjection(), ProjectionLifecycle.Async);
        store.Projections.Add(new NationalPlanProjection(), ProjectionLifecycle.Async);

        // One national table per view, not one slice per tenant: ids carry the partnership instead.
        store.Schema.For<NationalRating>().SingleTenanted().DoNotPartition();
        store.Schema.For<NationalAction>().SingleTenanted().DoNotPartition();
        store.Schema.For<NationalPlan>().SingleTenanted().DoNotPartition();
    }

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<NationalViewCache<DeliveryView>>();
        services.AddSingleton<NationalViewCache<MsgRatingsView>>();
        services.AddHostedService<NationalLagSampler>();
        services.ConfigureSwaggerGen(c => c.OperationFilter<NationalAnswers>());
    }
}

/// <summary>Documents what every national view answers beside its JSON: its projection positions.</summary>
internal sealed class NationalAnswers : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.Tags?.Any(t => t.Name == "National") != true
            || operation.Responses is null || !operation.Responses.TryGetValue("200", out var response) || response is not OpenApiResponse ok) return;
        ok.Headers ??= new Dictionary<string, IOpenApiHeader>();
        ok.Headers[ViewPosition.ProjectionHeader] = new OpenApiHeader
        {
            Description = "The last ledger event sequence this view includes (the daemon projects asynchronously).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }
        };
        ok.Headers[ViewPosition.LedgerHeader] = new OpenApiHeader
        {
            Description = "The last event sequence recorded in any partnership's ledger; the difference is the view's lag.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }
        };
    }
}
