using PlanLedger.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using PlanLedger.Audit;
using PlanLedger.Framework;
using PlanLedger.National;

namespace PlanLedger.Web.Pages.National;

/// <summary>The slippage list with its filters: the national slippage view (GET /national/slippage).</summary>
public sealed class SlippageModel(IDocumentStore store, MsgFramework framework) : LedgerPage
{
    [BindProperty(SupportsGet = true, Name = "minDays")] public int? MinDays { get; set; }
    [BindProperty(SupportsGet = true, Name = "partnership")] public string? PartnershipFilter { get; set; }
    [BindProperty(SupportsGet = true, Name = "proposal")] public string? Proposal { get; set; }
    [BindProperty(SupportsGet = true, Name = "keyFeature")] public int? KeyFeature { get; set; }
    [BindProperty(SupportsGet = true, Name = "leadRole")] public string? LeadRole { get; set; }

    public MsgFramework Framework => framework;
    public SlippageView View { get; private set; } = null!;
    public ViewPosition Position { get; private set; } = null!;
    public IReadOnlyList<PlanLedger.Partnerships.Partnership> Partnerships { get; private set; } = [];

    public async Task OnGetAsync()
    {
        // "page" is Razor Pages' own route value; read the list's page from the query string.
        var page = int.TryParse(Request.Query["page"], out var n) && n >= 1 ? n : 1;
        var filter = new SlippageFilter(Math.Max(0, MinDays ?? 0), Blank(PartnershipFilter), Blank(Proposal), KeyFeature, Blank(LeadRole));
        (Position, View) = await SlippageEndpoint.ReadAsync(store, framework, Point, filter, new Paging(page, Paging.DefaultSize), HttpContext.RequestAborted);
        await using var session = store.QuerySession(NationalLedger.Tenant);
        Partnerships = await AcrossPartnerships.PartnershipsAsync(session, HttpContext.RequestAborted);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>This list (or the API's) with the same filters.</summary>
    public string Link(object extra, string? path = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["minDays"] = MinDays?.ToString(), ["partnership"] = Blank(PartnershipFilter), ["proposal"] = Blank(Proposal),
            ["keyFeature"] = KeyFeature?.ToString(), ["leadRole"] = Blank(LeadRole),
            ["effectiveOn"] = EffectiveOnText, ["asOf"] = AsOfText
        };
        foreach (var p in extra.GetType().GetProperties()) values[p.Name] = p.GetValue(extra)?.ToString();
        return QueryHelpers.AddQueryString(path ?? Request.Path, values.Where(kv => !string.IsNullOrEmpty(kv.Value)));
    }
}
