using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using PlanLedger.Actions;
using PlanLedger.Audit;
using PlanLedger.Infrastructure;
using PlanLedger.National;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Returns;

/// <summary>
/// The appendix as a return template: one row per live action, the columns a partnership keeps in its spreadsheet.
/// Reference, Heading and Action say which action a row is and must come back unchanged; Status, Update, Next Steps
/// and Timescale are what a return may change.
/// </summary>
public static class ReturnTemplate
{
    public static readonly string[] Columns = ["Reference", "Heading", "Action", "Status", "Update", "Next Steps", "Timescale"];
    public static readonly string[] Editable = ["Status", "Update", "Next Steps", "Timescale"];

    /// <summary>An example upload, for the contract: one row edited.</summary>
    public static CsvTable Example => new(Columns, [["1.1", "KF1", "Review the workforce plan", "GREEN", "Workforce plan published", "Monitor recruitment", "January 2020 IJB"]]);

    public static CsvTable Of(PlanView view) => new(Columns, view.Actions
        .Where(a => a.Closure is not (Ledger.ActionClosure.Withdrawn or Ledger.ActionClosure.Superseded))
        .Select(a => (IReadOnlyList<object?>)
        [
            a.Reference, a.Heading, a.Description, a.Status?.ToString().ToUpperInvariant(),
            a.LatestUpdate?.Narrative, a.LatestUpdate?.NextSteps, a.Timescale?.Text
        ]));
}

public static class ReturnTemplateEndpoint
{
    /// <summary>
    /// A plan's return template as CSV (or format=xlsx, a workbook with the same columns): Reference, Heading, Action
    /// (which action a row is: send them back unchanged), Status, Update, Next Steps, Timescale (what a return changes).
    /// Edit it and upload it to POST …/returns/csv (dryRun=true first).
    /// </summary>
    /// <param name="format">csv (default) or xlsx.</param>
    [WolverineGet("/partnerships/{partnershipId}/plans/{plan}/return-template", Name = "GetReturnTemplate")]
    [Tags("Returns")]
    [ProducesResponseType<string>(200, "text/csv", Xlsx.ContentType)]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string plan, string? format, IDocumentStore store, TimeProvider clock, HttpContext http)
    {
        var kind = format?.ToLowerInvariant() ?? "csv";
        if (kind is not ("csv" or "xlsx")) return QueryProblem.For("format", "must be csv or xlsx.");
        await using var session = store.QuerySession(http.Partnership());
        if (await TimeTravel.PlanViewAsync(session, plan, PointInTime.Now, clock, http.RequestAborted) is not { } view)
            return Infrastructure.Problems.NotFound($"Plan '{plan}'");
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = $"{http.Partnership()}-{plan}-return.{kind}"
        }.ToString();
        return kind == "csv"
            ? Results.Text(Csv.Write(ReturnTemplate.Of(view)), Csv.ContentType)
            : Results.Bytes(Xlsx.Write(ReturnTemplate.Of(view)), Xlsx.ContentType);
    }
}
