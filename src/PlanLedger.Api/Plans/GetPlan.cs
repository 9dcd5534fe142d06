using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Audit;
using PlanLedger.Infrastructure;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Plans;

public static class GetPlanEndpoints
{
    /// <summary>
    /// A plan as it stands now: kind, title, version label, status, approval and headings; or, given asOf,
    /// effectiveOn or version, as it stood then (no ETag).
    /// </summary>
    /// <param name="asOf">Only events recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only events whose effective date is on or before this business date (yyyy-MM-dd).</param>
    /// <param name="version">Only the first N events of the plan's stream.</param>
    [WolverineGet("/partnerships/{partnershipId}/plans/{plan}", Name = "GetPlan")]
    [Tags("Plans")]
    [AnswersWithETag]
    [ProducesResponseType<PlanRecord>(200)]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string plan, DateTimeOffset? asOf, DateOnly? effectiveOn, int? version,
        IDocumentStore store, HttpContext http)
    {
        if (PointInTime.Read(asOf, effectiveOn, version, out var problem) is not { } point) return problem!;
        await using var session = store.QuerySession(http.Partnership());
        var record = await TimeTravel.PlanAsync(session, plan, point, http.RequestAborted);
        if (record is null) return point.NotFound($"Plan '{plan}'");
        if (point.IsNow) http.Response.Write(record.Version);
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
