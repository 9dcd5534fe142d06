using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.SelfAssessments;

public static class GetSelfAssessmentEndpoints
{
    /// <summary>The partnership's current self-assessment ratings, one per rated MSG proposal.</summary>
    [WolverineGet("/partnerships/{partnershipId}/self-assessments", Name = "ListSelfAssessments")]
    [Tags("Self-assessments")]
    [ProducesResponseType<IReadOnlyList<SelfAssessment>>(200)]
    public static async Task<IReadOnlyList<SelfAssessment>> List(string partnershipId, IDocumentStore store, HttpContext http)
    {
        await using var session = store.QuerySession(http.Partnership());
        var all = await session.Query<SelfAssessment>().ToListAsync(http.RequestAborted);
        return all.OrderBy(a => Version.Parse(a.Proposal)).ToList();
    }

    /// <summary>The partnership's current rating of one proposal, with its ETag.</summary>
    [WolverineGet("/partnerships/{partnershipId}/self-assessments/{proposal}", Name = "GetSelfAssessment")]
    [Tags("Self-assessments")]
    [AnswersWithETag]
    [ProducesResponseType<SelfAssessment>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string proposal, IDocumentStore store, HttpContext http)
    {
        await using var session = store.QuerySession(http.Partnership());
        var record = await session.LoadAsync<SelfAssessment>(SelfAssessment.KeyFor(proposal), http.RequestAborted);
        if (record is null) return Problems.NotFound($"A rating of proposal '{proposal}'");
        http.Response.Write(record.Version);
        return Results.Json(record);
    }
}
