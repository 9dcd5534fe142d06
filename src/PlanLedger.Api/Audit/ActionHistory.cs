using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Actions;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Audit;

public static class ActionHistoryEndpoint
{
    /// <summary>
    /// An action's audit trail: every event in stream order, in the domain's words, with when it took effect,
    /// when and by whom and through which system it was recorded, why, and every field before and after.
    /// JSON is paged, oldest first; <c>format=csv</c> gives the whole history (every page), one row per entry.
    /// </summary>
    /// <param name="page">JSON page number, from 1.</param>
    /// <param name="pageSize">Entries a JSON page, 1 to 500 (default 100).</param>
    /// <param name="format">json (default) or csv.</param>
    [WolverineGet("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/history", Name = "GetActionHistory")]
    [Tags("Audit")]
    [ProducesResponseType<HistoryPage>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string plan, string action, int? page, int? pageSize, string? format, IDocumentStore store,
        HistoryCache cache, HttpContext http)
    {
        var check = new QueryCheck();
        var output = check.Output(format, null, HistoryPage.Tables);
        var paging = check.Paging(page, pageSize, output);
        if (check.Problem is { } problem) return problem;
        await using var session = store.QuerySession(http.Partnership());
        var history = await ReadAsync(session, cache, plan, action, paging, http.RequestAborted);
        return history is null ? Problems.NotFound($"Action '{action}' of plan '{plan}'") : output.Send(http, "action-history", history, _ => history.Table());
    }

    public static Task<HistoryPage?> ReadAsync(IQuerySession session, HistoryCache cache, string plan, string action, Paging paging, CancellationToken token) =>
        History.ReadAsync<ActionRecord>(session, cache, ActionRecord.KeyFor(plan, action), ActionRecord.Fold, Tell, paging, token);

    public static Telling Tell(object e, ActionRecord? before, ActionRecord? after, IReadOnlyList<FieldChange> changes) => new(e switch
    {
        ActionAdded a => $"Action {a.Reference} added under heading {a.Details.Heading}"
                         + (a.Status is { } s ? $", status {s}" : "")
                         + (a.Timescale is { } t ? $", timescale \"{t.Text}\"" : ""),
        ActionDetailsAmended => $"Details amended: {string.Join(", ", changes.Select(c => c.Field))}",
        ActionLeadsChanged a => $"Leads changed from {Leads(a.From)} to {Leads(a.To)}",
        ActionStatusChanged { From: null } a => $"Status set to {a.To}",
        ActionStatusChanged a => $"Status changed from {a.From} to {a.To}",
        ProgressUpdateRecorded a => $"Progress update recorded for {a.Period}" + (a.Status is { } s ? $" (status {s})" : ""),
        TimescaleSet { From: null } a => $"Timescale set to \"{a.To.Text}\"",
        TimescaleSet a => $"Timescale changed from \"{a.From.Text}\" to \"{a.To.Text}\"",
        TimescaleSlipped a => $"Timescale slipped {Days(a.DaysSlipped)} later, from \"{a.From.Text}\" to \"{a.To.Text}\"",
        TimescaleBroughtForward a => $"Timescale brought forward {Days(a.DaysEarlier)}, from \"{a.From.Text}\" to \"{a.To.Text}\"",
        ActionDelayed a => "Delayed" + (a.NewTimescale is { } t ? $", new timescale \"{t}\"" : ", no new date given"),
        MilestoneAdded a => $"Milestone {a.Number} added: {a.Description}"
                            + ((a.DueText ?? a.Due?.ToString("d MMMM yyyy")) is { } due ? $" (due {due})" : "")
                            + (a.Done ? ", already done" : ""),
        MilestoneCompleted a => $"Milestone {a.Number} completed"
                                + (before?.Milestones.FirstOrDefault(m => m.Number == a.Number) is { } m ? $": {m.Description}" : ""),
        ActionCrossReferenced a => $"Cross-referenced to {string.Join(", ", a.References)}",
        ActionCompleted a => "Action completed (Blue)" + (a.From is { } from && from != DeliveryStatus.Blue ? $", from {from}" : ""),
        ActionWithdrawn => "Action withdrawn",
        ActionSuperseded a => $"Action superseded by {a.SupersededBy}",
        _ => e.GetType().Name
    });

    private static string Leads(IReadOnlyList<Lead> leads) => leads.Count == 0 ? "none" : string.Join("; ", leads);

    private static string Days(int days) => days == 1 ? "1 day" : $"{days} days";
}
