using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Audit;
using PlanLedger.Infrastructure;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Actions;

public static class GetActionEndpoint
{
    /// <summary>
    /// An action as it stands now, with its ETag (the stream version) for If-Match; or, given asOf, effectiveOn
    /// or version, as it stood then (folded from its events; no ETag, since it is not the version to change).
    /// </summary>
    /// <param name="asOf">Only events recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only events whose effective date is on or before this business date (yyyy-MM-dd).</param>
    /// <param name="version">Only the first N events of the action's stream.</param>
    [WolverineGet("/partnerships/{partnershipId}/plans/{plan}/actions/{action}", Name = "GetAction")]
    [Tags("Actions")]
    [AnswersWithETag]
    [ProducesResponseType<ActionRecord>(200)]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string plan, string action, DateTimeOffset? asOf, DateOnly? effectiveOn, int? version,
        IDocumentStore store, HttpContext http)
    {
        if (PointInTime.Read(asOf, effectiveOn, version, out var problem) is not { } point) return problem!;
        await using var session = store.QuerySession(http.Partnership());
        var record = await TimeTravel.ActionAsync(session, plan, action, point, http.RequestAborted);
        if (record is null) return point.NotFound($"Action '{action}' of plan '{plan}'");
        if (point.IsNow) http.Response.Write(record.Version);
        return Results.Json(record);
    }
}
