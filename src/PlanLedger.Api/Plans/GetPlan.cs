using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Plans;

public static class GetPlanEndpoints
{
    /// <summary>A plan as it stands now: kind, title, version label, status, approval and headings.</summary>
    [WolverineGet("/partnerships/{partnershipId}/plans/{plan}", Name = "GetPlan")]
    [Tags("Plans")]
    [ProducesResponseType<PlanRecord>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string plan, IDocumentStore store, HttpContext http)
    {
        await using var session = store.QuerySession(http.Partnership());
        var record = await session.LoadAsync<PlanRecord>(PlanRecord.KeyFor(plan), http.RequestAborted);
        if (record is null) return Problems.NotFound($"Plan '{plan}'");
        http.Response.Write(record.Version);
        return Results.Json(record);
    }

    /// <summary>The partnership's plans.</summary>
    [WolverineGet("/partnerships/{partnershipId}/plans", Name = "ListPlans")]
    [Tags("Plans")]
    [ProducesResponseType<IReadOnlyList<PlanRecord>>(200)]
    public static async Task<IReadOnlyList<PlanRecord>> List(string partnershipId, IDocumentStore store, HttpContext http)
    {
        await using var session = store.QuerySession(http.Partnership());
        return await session.Query<PlanRecord>().OrderBy(p => p.Reference).ToListAsync(http.RequestAborted);
    }
}
