using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Framework;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Security;
using PlanLedger.SelfAssessments;
using Wolverine.Http;

namespace PlanLedger.Audit;

public static class RatingHistoryEndpoint
{
    /// <summary>
    /// How the partnership's self-assessment of one MSG proposal got where it is: the first rating, then each
    /// revision with its reason and direction, with provenance and the record before and after.
    /// </summary>
    /// <param name="page">Page number, from 1.</param>
    /// <param name="pageSize">Entries a page, 1 to 500 (default 100).</param>
    [WolverineGet("/partnerships/{partnershipId}/self-assessments/{proposal}/history", Name = "GetRatingHistory")]
    [Tags("Audit")]
    [ProducesResponseType<HistoryPage>(200)]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string proposal, int? page, int? pageSize, MsgFramework framework,
        IDocumentStore store, HistoryCache cache, HttpContext http)
    {
        if (Paging.Read(page, pageSize, out var problem) is not { } paging) return problem!;
        await using var session = store.QuerySession(http.Partnership());
        var history = await ReadAsync(session, cache, framework, proposal, paging, http.RequestAborted);
        return history is null ? Problems.NotFound($"A rating of proposal '{proposal}'") : Results.Json(history);
    }

    public static Task<HistoryPage?> ReadAsync(IQuerySession session, HistoryCache cache, MsgFramework framework, string proposal, Paging paging, CancellationToken token)
    {
        string Words(Rating r) => framework.RatingScale.ElementAtOrDefault((int)r) ?? r.ToString();
        return History.ReadAsync<SelfAssessment>(session, cache, SelfAssessment.KeyFor(proposal), SelfAssessment.Fold, (e, _, _, _) => e switch
        {
            RatingRecorded r => new Telling($"First rated {Words(r.Rating)}"),
            RatingRevised { Direction: RevisionDirection.Corrected } r => new Telling($"Rating corrected from {Words(r.From)} to {Words(r.To)}", "Corrected"),
            RatingRevised r => new Telling($"Rating revised {r.Direction.ToString().ToLowerInvariant()} from {Words(r.From)} to {Words(r.To)}", r.Direction.ToString()),
            _ => new Telling(e.GetType().Name)
        }, paging, token);
    }
}
