using System.Net;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Audit;
using PlanLedger.Infrastructure;
using PlanLedger.National;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Reports;

/// <summary>
/// A committee paper as presented: the covering report, and the appendix of each plan it covers as the ledger
/// knew it when the report was recorded (<paramref name="RecordedAt"/>) and as things stood on the date it reports
/// (<paramref name="EffectiveOn"/>). Nothing recorded later changes it.
/// </summary>
public sealed record CommitteePaper(
    string Partnership,
    CoveringReport Report,
    DateOnly EffectiveOn,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    IReadOnlyList<Appendix> Appendices)
{
    /// <summary>The paper as recorded; null when the partnership recorded no such report.</summary>
    public static async Task<CommitteePaper?> ReadAsync(IQuerySession session, string partnership, string reference, TimeProvider clock, CancellationToken token)
    {
        var recorded = await session.LoadAsync<CommitteeReportRecord>(CommitteeReportRecord.KeyFor(reference), token);
        if (recorded is null) return null;
        var asPresented = new PointInTime(RecordedBy: recorded.RecordedAt, EffectiveBy: recorded.EffectiveOn);
        var appendices = new List<Appendix>();
        foreach (var plan in recorded.Report.Plans)
        {
            // A plan the report covered existed when it was recorded; its appendix is what stood then.
            if (await Appendix.ReadAsync(session, plan, asPresented, clock, token) is { } appendix) appendices.Add(appendix);
        }
        return new CommitteePaper(partnership, recorded.Report, recorded.EffectiveOn, recorded.RecordedAt, recorded.RecordedBy, appendices);
    }

    /// <summary>The covering report's fields as label and value, in the paper's order.</summary>
    public IEnumerable<(string Label, string? Value)> Covering()
    {
        yield return ("Committee", Report.Committee);
        yield return ("Meeting date", Report.MeetingDate?.ToString("d MMMM yyyy"));
        yield return ("Report number", Report.Number);
        yield return ("Title", Report.Title);
        yield return ("Author(s)", string.Join("; ", Report.Authors.Select(a => string.Join(", ", new[] { a.Name, a.Designation, a.Contact }.OfType<string>()))));
        yield return ("Purpose", Report.Purpose);
        yield return ("Recommendations", Bullets(Report.Recommendations));
        yield return ("Background", Report.Background);
        yield return ("Progress", Report.Progress);
        yield return ("Areas of note", Bullets(Report.AreasOfNote));
        yield return ("Progress (continued)", Report.ProgressContinued);
        yield return ("Next steps", Report.NextSteps);
        yield return ("Conclusion", Report.Conclusion);
        yield return ("Appendix note", Report.AppendixNote);
        yield return ("Plans covered", string.Join("; ", Report.Plans));
        yield return ("Effective on", EffectiveOn.ToString("yyyy-MM-dd"));
        yield return ("Recorded at", RecordedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ"));
    }

    private static string? Bullets(IReadOnlyList<string> items) => items.Count == 0 ? null : string.Join("\n", items.Select(i => "- " + i));
}

public static class CommitteePaperEndpoint
{
    /// <summary>
    /// A recorded committee report reproduced as presented: covering report (committee, meeting, number, authors,
    /// purpose, recommendations, areas of note, next steps, conclusion) and the appendix of every plan it covers, as
    /// the ledger knew them when the report was recorded and as they stood on its effective date; the same answer on
    /// every later day. JSON by default; format=csv gives the covering report as label/value rows then each appendix
    /// table; format=html a printable paper (A4 landscape, page numbers).
    /// </summary>
    /// <param name="format">json (default), csv or html.</param>
    [WolverineGet("/partnerships/{partnershipId}/reports/{report}", Name = "GetCommitteeReport")]
    [Tags("Reports")]
    [ProducesResponseType<CommitteePaper>(200, "application/json", "text/csv", "text/html")]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string report, string? format, IDocumentStore store, TimeProvider clock, HttpContext http)
    {
        if (PaperFormat.Read(format, out var problem) is not { } output) return problem!;
        await using var session = store.QuerySession(http.Partnership());
        if (await CommitteePaper.ReadAsync(session, http.Partnership(), report, clock, http.RequestAborted) is not { } paper)
            return Problems.NotFound($"Report '{report}'");
        return output.Send(http, paper, $"{paper.Partnership}-{paper.Report.Reference}", Csv, Html);
    }

    public static string Csv(CommitteePaper paper)
    {
        var text = new StringBuilder();
        text.Append(Infrastructure.Csv.Write(new CsvTable(["Covering report", ""], paper.Covering().Select(c => (IReadOnlyList<object?>)[c.Label, c.Value]))));
        foreach (var appendix in paper.Appendices)
        {
            text.Append("\r\n").Append(Infrastructure.Csv.Write(new CsvTable([$"Appendix: {appendix.Title}"], [])));
            text.Append(Infrastructure.Csv.Write(new CsvTable(appendix.Columns, appendix.Rows.Select(r => (IReadOnlyList<object?>)r.ToList<object?>()))));
        }
        return text.ToString();
    }

    public static string Html(CommitteePaper paper)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "").ReplaceLineEndings("<br>");
        var r = paper.Report;
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{{E(r.Number is null ? r.Title : $"{r.Number} {r.Title}")}}</title>
            <style>
            body { font-family: Arial, sans-serif; font-size: 10pt; }
            h1 { font-size: 14pt; } h2 { font-size: 12pt; margin-top: 1.2em; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid #000; padding: 4px; vertical-align: top; text-align: left; }
            thead { display: table-header-group; }
            tr { page-break-inside: avoid; }
            .appendix { page-break-before: always; }
            .RED { background: #e06666; } .AMBER { background: #f6b26b; } .GREEN { background: #93c47d; } .BLUE { background: #6fa8dc; }
            @page { size: A4 landscape; margin: 1.5cm 1cm; @bottom-center { content: "Page " counter(page) " of " counter(pages); } }
            @media print { a { color: inherit; text-decoration: none; } }
            </style>
            </head>
            <body>
            <p>{{E(r.Committee)}}<br>{{E(r.MeetingDate?.ToString("d MMMM yyyy"))}}</p>
            <h1>{{E(r.Title)}}</h1>
            <p>{{E(r.Number is null ? "" : $"Report No. {r.Number}")}}</p>

            """);
        Section("Purpose of report", r.Purpose);
        List("Recommendation", r.Recommendations);
        Section("Background", r.Background);
        Section("Progress update", r.Progress);
        List("Areas of particular note", r.AreasOfNote);
        Section("", r.ProgressContinued);
        Section("Next steps", r.NextSteps);
        Section("Conclusion", r.Conclusion);
        if (r.Authors.Count > 0)
        {
            html.Append("<h2>Author(s)</h2>\n<table><thead><tr><th>Name</th><th>Designation</th><th>Contact Details</th></tr></thead><tbody>\n");
            foreach (var a in r.Authors) html.Append($"<tr><td>{E(a.Name)}</td><td>{E(a.Designation)}</td><td>{E(a.Contact)}</td></tr>\n");
            html.Append("</tbody></table>\n");
        }
        html.Append($"<p>As presented: effective {E(paper.EffectiveOn.ToString("d MMMM yyyy"))}; recorded {E(paper.RecordedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'"))} by {E(paper.RecordedBy)}.</p>\n");
        foreach (var appendix in paper.Appendices)
        {
            html.Append($"<section class=\"appendix\">\n<h2>{E(appendix.Title)}</h2>\n<p>{E(string.Join(" · ", new[] { appendix.VersionLabel, appendix.Date.ToString("d MMMM yyyy") }.OfType<string>()))}</p>\n");
            if (r.AppendixNote is not null) html.Append($"<p>{E(r.AppendixNote)}</p>\n");
            html.Append($"<table>\n<thead><tr>{string.Concat(appendix.Columns.Select(c => "<th>" + E(c) + "</th>"))}</tr></thead>\n<tbody>\n");
            var rag = appendix.Layout == AppendixLayout.InspectionImprovementPlan ? appendix.Columns.Count - 1 : -1;
            foreach (var row in appendix.Rows)
                html.Append("<tr>").Append(string.Concat(row.Select((cell, i) => i == rag && cell is not null ? $"<td class=\"{E(cell)}\">{E(cell)}</td>" : $"<td>{E(cell)}</td>"))).Append("</tr>\n");
            html.Append("</tbody>\n</table>\n");
            if (appendix.Key is not null) html.Append($"<p>{E(appendix.Key)}</p>\n");
            html.Append("</section>\n");
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();

        void Section(string title, string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return;
            if (title.Length > 0) html.Append($"<h2>{E(title)}</h2>\n");
            html.Append(string.Concat(text.Split('\n').Select(p => $"<p>{E(p)}</p>\n")));
        }

        void List(string title, IReadOnlyList<string> items)
        {
            if (items.Count > 0) html.Append($"<h2>{E(title)}</h2>\n<ul>{string.Concat(items.Select(i => $"<li>{E(i)}</li>"))}</ul>\n");
        }
    }
}
