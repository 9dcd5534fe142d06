using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Actions;

public static class GetActionEndpoint
{
    /// <summary>An action as it stands now, with its ETag (the stream version) for If-Match.</summary>
    [WolverineGet("/partnerships/{partnershipId}/plans/{plan}/actions/{action}", Name = "GetAction")]
    [Tags("Actions")]
    [ProducesResponseType<ActionRecord>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string plan, string action, IDocumentStore store, HttpContext http)
    {
        await using var session = store.QuerySession(http.Partnership());
        var record = await session.LoadAsync<ActionRecord>(ActionRecord.KeyFor(plan, action), http.RequestAborted);
        if (record is null) return Problems.NotFound($"Action '{action}' of plan '{plan}'");
        http.Response.Write(record.Version);
        return Results.Json(record);
    }
}
