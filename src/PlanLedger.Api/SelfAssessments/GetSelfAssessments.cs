using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.SelfAssessments;

public static class GetSelfAssessmentEndpoints
{
    /// <summary>
    /// The partnership's self-assessment ratings, one per rated MSG proposal, in proposal order: now, or in force
    /// at a point in time: <c>asOf</c> (what had been recorded by then) and/or <c>effectiveOn</c> (what had taken
    /// effect by that business date, including revisions posted later and backdated). <c>format=csv</c> gives them as CSV.
    /// </summary>
    /// <param name="asOf">Only changes recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only changes effective on or before this business date (yyyy-MM-dd).</param>
    /// <param name="format">json (default) or csv.</param>
    [WolverineGet("/partnerships/{partnershipId}/self-assessments", Name = "ListSelfAssessments")]
    [Tags("Self-assessments")]
    [ProducesResponseType<IReadOnlyList<SelfAssessment>>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> List(string partnershipId, DateTimeOffset? asOf, DateOnly? effectiveOn, string? format, IDocumentStore store, HttpContext http)
    {
        var check = new QueryCheck();
        var output = check.Output(format, null, SelfAssessment.Tables);
        if (check.Problem is { } problem) return problem;
        await using var session = store.QuerySession(http.Partnership());
        var all = await SelfAssessment.AllAsync(session, new PointInTime(asOf, effectiveOn), http.RequestAborted);
        return output.Send(http, $"{http.Partnership()}-self-assessments", all, _ => SelfAssessment.Table(all));
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
