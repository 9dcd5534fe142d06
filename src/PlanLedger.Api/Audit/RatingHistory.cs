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
    /// JSON is paged, oldest first; <c>format=csv</c> gives the whole history (every page), one row per entry.
    /// </summary>
    /// <param name="page">JSON page number, from 1.</param>
    /// <param name="pageSize">Entries a JSON page, 1 to 500 (default 100).</param>
    /// <param name="format">json (default) or csv.</param>
    [WolverineGet("/partnerships/{partnershipId}/self-assessments/{proposal}/history", Name = "GetRatingHistory")]
    [Tags("Audit")]
    [ProducesResponseType<HistoryPage>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string proposal, int? page, int? pageSize, string? format, MsgFramework framework,
        IDocumentStore store, HistoryCache cache, HttpContext http)
    {
        var check = new QueryCheck();
        var output = check.Output(format, null, HistoryPage.Tables);
        var paging = check.Paging(page, pageSize, output);
        if (check.Problem is { } problem) return problem;
        await using var session = store.QuerySession(http.Partnership());
        var history = await ReadAsync(session, cache, framework, proposal, paging, http.RequestAborted);
        return history is null ? Problems.NotFound($"A rating of proposal '{proposal}'") : output.Send(http, $"rating-{proposal}-history", history, _ => history.Table());
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
