using Microsoft.Net.Http.Headers;
using PlanLedger.Infrastructure;

namespace PlanLedger.Reports;

/// <summary>
/// Every printable HTML answer: never sniffed as anything else, and under a policy that loads nothing and runs
/// nothing (the page's own inline stylesheet is all it may use), so escaped partner text can never become active.
/// </summary>
public static class HtmlAnswer
{
    public const string Policy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IResult Of(HttpContext http, string html, string policy = Policy)
    {
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = policy;
        return Results.Text(html, "text/html; charset=utf-8");
    }
}

/// <summary>A paper answered as JSON (the default), CSV (an attachment) or printable HTML (inline).</summary>
public sealed record PaperFormat(string Kind)
{
    /// <summary>The format asked for, or the one 400 naming <c>format</c>.</summary>
    public static PaperFormat? Read(string? format, out IResult? problem)
    {
        var kind = format?.ToLowerInvariant() ?? "json";
        problem = kind is "json" or "csv" or "html" ? null : QueryProblem.For("format", "must be json, csv or html.");
        return problem is null ? new PaperFormat(kind) : null;
    }

    public IResult Send<T>(HttpContext http, T paper, string fileName, Func<T, string> csv, Func<T, string> html, string policy = HtmlAnswer.Policy)
    {
        if (Kind == "json") return Results.Json(paper);
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue(Kind == "csv" ? "attachment" : "inline")
        {
            FileNameStar = $"{fileName}.{Kind}"
        }.ToString();
        return Kind == "csv" ? Results.Text(csv(paper), Csv.ContentType) : HtmlAnswer.Of(http, html(paper), policy);
    }
}
