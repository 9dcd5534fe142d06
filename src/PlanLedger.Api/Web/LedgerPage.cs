using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using PlanLedger.Infrastructure;
using PlanLedger.Audit;
using PlanLedger.Ledger;
using PlanLedger.Partnerships;
using PlanLedger.Security;

namespace PlanLedger.Web;

/// <summary>
/// Every screen: the as-at point in its URL (effectiveOn, the business date; asOf, the recorded time), links that
/// keep it, and the signed-in caller.
/// </summary>
public abstract class LedgerPage : PageModel
{
    /// <summary>Only events effective on or before this business date.</summary>
    [BindProperty(SupportsGet = true, Name = "effectiveOn")]
    public DateOnly? EffectiveOn { get; set; }

    /// <summary>Only events recorded at or before this time.</summary>
    [BindProperty(SupportsGet = true, Name = "asOf")]
    public DateTimeOffset? AsOf { get; set; }

    /// <summary>The partnership in the route, checked against the caller by <see cref="PageChecks"/>.</summary>
    public string Partnership => RouteData.Values["partnership"] as string ?? "";

    public PointInTime Point => new(AsOf, EffectiveOn);

    public Caller Caller => HttpContext.Caller();

    public string? EffectiveOnText => EffectiveOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string? AsOfText => AsOf is { } t ? TimeText(t) : null;

    /// <summary>The value a datetime-local input shows (UTC).</summary>
    public string? AsOfInput => AsOf?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

    public static string TimeText(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>The as-at query values, to keep on every link.</summary>
    public Dictionary<string, string?> At(object? values = null) =>
        Values(values, new Dictionary<string, string?> { ["effectiveOn"] = EffectiveOnText, ["asOf"] = AsOfText });

    private static Dictionary<string, string?> Values(object? values, Dictionary<string, string?> all)
    {
        if (values is not null)
            foreach (var p in values.GetType().GetProperties())
                all[p.Name] = p.GetValue(values) switch
                {
                    null => null,
                    DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    DateTimeOffset t => TimeText(t),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var v => v.ToString()
                };
        return all;
    }

    /// <summary>An API address with the as-at query values the API takes.</summary>
    public string Api(string path, object? values = null) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(path, At(values).Where(kv => kv.Value is not null));

    public static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>What a page shows when it cannot show what was asked: 400 for a bad URL, 404 for what is not there (or not this caller's).</summary>
    public IActionResult Failure(int status, string title, string detail)
    {
        var view = new ViewDataDictionary<Failure>(ViewData, new Failure(status, title, detail)) { ["Title"] = title };
        return new PartialViewResult { ViewName = "_Failure", ViewData = view, StatusCode = status };
    }
}

public sealed record Failure(int Status, string Title, string Detail);

/// <summary>
/// Runs before every page handler: the route's partnership must be one the caller may see and that exists
/// (the API's own check: otherwise 404, as if it did not exist), and the URL's values must parse (else 400).
/// </summary>
public sealed class PageChecks : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerInstance is LedgerPage page)
        {
            var http = context.HttpContext;
            if (context.RouteData.Values.TryGetValue("partnership", out var value) && value is string partnership)
            {
                var directory = http.RequestServices.GetRequiredService<PartnershipDirectory>();
                if (!await PartnershipAccess.MaySeeAsync(http, partnership, directory))
                {
                    context.Result = page.Failure(404, "Page not found", $"Partnership '{partnership}' was not found.");
                    return;
                }
                http.SetPartnership(partnership);
            }
            if (!context.ModelState.IsValid)
            {
                var fields = string.Join(", ", context.ModelState.Where(e => e.Value?.Errors.Count > 0).Select(e => e.Key));
                context.Result = page.Failure(400, "This address is not valid", $"These values could not be read: {fields}. Dates are written YYYY-MM-DD.");
                return;
            }
        }
        await next();
    }
}

/// <summary>How the screens show a level of the MSG scale and a RAG status: always in words, with colour as well.</summary>
public static class Show
{
    public static string Words(Rating? rating) => rating switch
    {
        Rating.NotYetEstablished => "Not yet established",
        Rating.PartlyEstablished => "Partly established",
        Rating.Established => "Established",
        Rating.Exemplary => "Exemplary",
        _ => "Not rated"
    };

    public static string Short(Rating? rating) => rating switch
    {
        Rating.NotYetEstablished => "NYE",
        Rating.PartlyEstablished => "PE",
        Rating.Established => "E",
        Rating.Exemplary => "EX",
        _ => "–"
    };

    public static string Css(Rating? rating) => rating switch
    {
        Rating.NotYetEstablished => "pl-level pl-level--0",
        Rating.PartlyEstablished => "pl-level pl-level--1",
        Rating.Established => "pl-level pl-level--2",
        Rating.Exemplary => "pl-level pl-level--3",
        _ => "pl-level pl-level--none"
    };

    public static string Arrow(string? movement) => movement switch { "Up" => "↑", "Down" => "↓", _ => "" };

    /// <summary>The colour of a RAG status; a tag adds "ds_tag".</summary>
    public static string Rag(DeliveryStatus? status) => status switch
    {
        DeliveryStatus.Red => "pl-rag pl-rag--red",
        DeliveryStatus.Amber => "pl-rag pl-rag--amber",
        DeliveryStatus.Green => "pl-rag pl-rag--green",
        DeliveryStatus.Blue => "pl-rag pl-rag--blue",
        _ => "pl-rag pl-rag--none"
    };

    public static string Status(DeliveryStatus? status) => status?.ToString() ?? "No status";

    public static string Date(DateOnly? date) => date?.ToString("d MMM yyyy", CultureInfo.InvariantCulture) ?? "";

    /// <summary>A value from a history's before/after, as a person reads it.</summary>
    public static string Json(System.Text.Json.JsonElement value)
    {
        var text = value.ValueKind switch
        {
            System.Text.Json.JsonValueKind.String => value.GetString() ?? "",
            System.Text.Json.JsonValueKind.Null => "–",
            System.Text.Json.JsonValueKind.Array => value.GetArrayLength() == 0 ? "none" : string.Join("; ", value.EnumerateArray().Select(Json)),
            // A timescale reads as its text, an update as its period, a lead by name and role.
            System.Text.Json.JsonValueKind.Object => new[] { "text", "period", "name", "role", "description" }
                .Select(p => value.TryGetProperty(p, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null)
                .OfType<string>().Take(2).DefaultIfEmpty(value.GetRawText()).Aggregate((a, b) => $"{a}, {b}"),
            _ => value.GetRawText()
        };
        return text.Length > 200 ? text[..200] + "…" : text;
    }

    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
