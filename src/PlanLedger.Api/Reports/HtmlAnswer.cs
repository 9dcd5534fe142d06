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
