using System.Net;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Actions;
using PlanLedger.Ledger;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Audit;

/// <summary>One action as a board paper's appendix shows it (the Perth &amp; Kinross November 2020 shape).</summary>
/// <param name="Priority">The heading: inspection priority, MSG proposal or strategic priority.</param>
/// <param name="Action">The action, led by its reference.</param>
/// <param name="MeasureImpact">Measure / impact.</param>
/// <param name="Responsibility">The leads.</param>
/// <param name="UpdatePeriod">The period of the latest progress update, e.g. "November 2020".</param>
/// <param name="Update">The latest progress update's narrative.</param>
/// <param name="NextSteps">The latest progress update's next steps.</param>
/// <param name="Timescale">The timescale as written.</param>
/// <param name="Status">RAG status as the appendix writes it (RED, AMBER, GREEN, BLUE), or WITHDRAWN / SUPERSEDED.</param>
public sealed record BoardReportRow(
    string Heading,
    string Reference,
    string Priority,
    string Action,
    string? MeasureImpact,
    string Responsibility,
    string? UpdatePeriod,
    string? Update,
    string? NextSteps,
    string? Timescale,
    string Status);

/// <summary>A plan's progress report to its board, as of a point in time.</summary>
/// <param name="Date">The date the report describes.</param>
public sealed record BoardReport(
    string Partnership,
    string Plan,
    string Title,
    string? VersionLabel,
    DateOnly Date,
    DateTimeOffset? AsOf,
    DateOnly? EffectiveOn,
    IReadOnlyList<BoardReportRow> Rows)
{
    public static readonly string[] Columns =
        ["Priority", "Action", "Measure / Impact", "Responsibility", "Update", "Next Steps", "Timescale", "Status"];

    public static BoardReport Of(string partnership, PlanView view, DateTimeOffset? asOf, DateOnly? effectiveOn)
    {
        var headings = view.Plan.Headings.ToDictionary(h => h.Reference);
        var rows = view.Actions.Select(a => new BoardReportRow(
            a.Heading, a.Reference,
            headings.TryGetValue(a.Heading, out var h) ? Label(h.Reference, h.Title) : a.Heading,
            Label(a.Reference, a.Description),
            a.Measures,
            string.Join("; ", a.Leads),
            a.LatestUpdate?.Period, a.LatestUpdate?.Narrative, a.LatestUpdate?.NextSteps,
            a.Timescale?.Text,
            a.Closure is ActionClosure.Withdrawn or ActionClosure.Superseded
                ? a.Closure.ToString().ToUpperInvariant()
                : a.Status?.ToString().ToUpperInvariant() ?? "")).ToList();
        return new BoardReport(partnership, view.Plan.Reference, view.Plan.Title, view.Plan.VersionLabel, view.Today, asOf, effectiveOn, rows);
    }

    /// <summary>
    /// The board report of a plan at a point in time: the query every caller shares (this endpoint, committee
    /// papers, screens). Null when the plan did not exist then.
    /// </summary>
    public static async Task<BoardReport?> ReadAsync(IQuerySession session, string partnership, string plan, PointInTime point,
        TimeProvider clock, CancellationToken token) =>
        await TimeTravel.PlanViewAsync(session, plan, point, clock, token) is { } view
            ? Of(partnership, view, point.RecordedBy, point.EffectiveBy)
            : null;

    public IEnumerable<string?[]> Cells() =>
        Rows.Select(r => new[] { r.Priority, r.Action, r.MeasureImpact, r.Responsibility, r.Update, r.NextSteps, r.Timescale, r.Status });

    /// <summary>"1" and "Ensure effective…" read "1. Ensure effective…"; a title that already starts with its reference stays as it is.</summary>
    private static string Label(string reference, string text) =>
        text.StartsWith(reference, StringComparison.OrdinalIgnoreCase) ? text
        : char.IsLetterOrDigit(reference[^1]) ? $"{reference}. {text}"
        : $"{reference} {text}";
}

public static class BoardReportEndpoint
{
    /// <summary>
    /// A plan's board report in the column shape of a board paper's appendix: priority, action, measure / impact,
    /// responsibility, update, next steps, timescale, status. JSON by default; format=csv gives RFC 4180 CSV and
    /// format=html a printable HTML table. As of a recorded time (asOf) and/or a business date (effectiveOn):
    /// what the board was shown then.
    /// </summary>
    /// <param name="format">json (default), csv or html.</param>
    /// <param name="asOf">Only events recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only events whose effective date is on or before this business date (yyyy-MM-dd).</param>
    [WolverineGet("/partnerships/{partnershipId}/plans/{plan}/board-report", Name = "GetBoardReport")]
    [Tags("Audit")]
    [ProducesResponseType<BoardReport>(200, "application/json", "text/csv", "text/html")]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string plan, string? format, DateTimeOffset? asOf, DateOnly? effectiveOn,
        IDocumentStore store, TimeProvider clock, HttpContext http)
    {
        if (Reports.PaperFormat.Read(format, out var formatProblem) is not { } output) return formatProblem!;

        if (PointInTime.Read(asOf, effectiveOn, null, out var problem) is not { } point) return problem!;
        await using var session = store.QuerySession(http.Partnership());
        if (await BoardReport.ReadAsync(session, http.Partnership(), plan, point, clock, http.RequestAborted) is not { } report)
            return point.NotFound($"Plan '{plan}'");
        return output.Send(http, report, $"{report.Partnership}-{report.Plan}-board-report-{report.Date:yyyy-MM-dd}", Csv, Html, ContentSecurityPolicy);
    }

    public static string Csv(BoardReport report) =>
        Infrastructure.Csv.Write(new Infrastructure.CsvTable(BoardReport.Columns, report.Cells()));

    private const string Style = """
        body { font-family: Arial, sans-serif; font-size: 10pt; }
        table { border-collapse: collapse; width: 100%; }
        th, td { border: 1px solid #000; padding: 4px; vertical-align: top; text-align: left; }
        thead { display: table-header-group; }
        tr { page-break-inside: avoid; }
        .RED { background: #e06666; } .AMBER { background: #f6b26b; } .GREEN { background: #93c47d; } .BLUE { background: #6fa8dc; }
        @media print { @page { size: A4 landscape; margin: 1cm; } }
        """;

    /// <summary>The page may use its own style sheet (by its hash) and nothing else: no script, no image, no form.</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static string Html(BoardReport report)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "").ReplaceLineEndings("<br>");
        var about = string.Join(" · ", new[]
        {
            report.Partnership, report.Plan, report.VersionLabel, report.Date.ToString("d MMMM yyyy"),
            report.AsOf is { } a ? $"as recorded by {a:yyyy-MM-dd HH:mm zzz}" : null,
            report.EffectiveOn is { } e ? $"effective by {e:d MMMM yyyy}" : null
        }.OfType<string>().Select(E));
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{{E(report.Title)}}</title>
            <style>{{Style}}</style>
            </head>
            <body>
            <h1>{{E(report.Title)}}</h1>
            <p>{{about}}</p>
            <table>
            <thead><tr>{{string.Concat(BoardReport.Columns.Select(c => "<th>" + E(c) + "</th>"))}}</tr></thead>
            <tbody>

            """);
        foreach (var row in report.Cells())
        {
            html.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
                html.Append(i == row.Length - 1 ? $"<td class=\"{E(row[i])}\">{E(row[i])}</td>" : $"<td>{E(row[i])}</td>");
            html.Append("</tr>\n");
        }
        html.Append("""
            </tbody>
            </table>
            <p>Key: colour code in terms of level of delivery: <b>Red</b> – not progressing; <b>Amber</b> – on track but further work required; <b>Green</b> – will complete as per timescale; <b>Blue</b> – completed.</p>
            </body>
            </html>

            """);
        return html.ToString();
    }
}
