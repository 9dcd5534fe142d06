using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Actions;
using PlanLedger.Audit;
using PlanLedger.Ledger;

namespace PlanLedger.Web.Pages.Partnerships;

/// <summary>
/// An action's story: the action as it stood at a point (GET …/actions/{action}?asOf&amp;effectiveOn&amp;version) and its
/// audit trail (GET …/actions/{action}/history), with the status transitions and slips drawn as a timeline.
/// </summary>
public sealed class ActionStoryModel(IDocumentStore store, HistoryCache cache) : LedgerPage
{
    public const int PageSize = Paging.DefaultSize;

    [BindProperty(SupportsGet = true, Name = "version")] public int? Version { get; set; }
    /// <summary>"page" is Razor Pages' own route value, so the history page is read from the query string directly.</summary>
    public int? PageNumberAsked => int.TryParse(Request.Query["page"], out var n) ? n : Request.Query.ContainsKey("page") ? 0 : null;

    public string PlanReference => RouteData.Values["plan"] as string ?? "";
    public string ActionReference => RouteData.Values["action"] as string ?? "";
    public int PageNumber => PageNumberAsked ?? 1;
    public ActionRecord? Record { get; private set; }
    public HistoryPage History { get; private set; } = null!;
    public IReadOnlyList<HistoryEntry> Entries { get; private set; } = [];
    public IReadOnlyList<(DeliveryStatus? Status, HistoryEntry Entry)> Timeline { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Version is < 1 || PageNumberAsked is < 1) return Failure(400, "This address is not valid", "version and page must be 1 or more.");
        var token = HttpContext.RequestAborted;
        await using var session = store.QuerySession(Partnership);
        // The whole told history (cached per stream version): the timeline needs every entry, the table shows a page.
        var history = await ActionHistoryEndpoint.ReadAsync(session, cache, PlanReference, ActionReference, new Paging(1, int.MaxValue), token);
        if (history is null) return Failure(404, "Page not found", $"Action '{ActionReference}' of plan '{PlanReference}' was not found.");
        History = history with { PageSize = PageSize, Page = PageNumber, TotalPages = new Paging(PageNumber, PageSize).PagesFor(history.TotalEntries) };
        Entries = new Paging(PageNumber, PageSize).PageOf(history.Entries);
        Record = await TimeTravel.ActionAsync(session, PlanReference, ActionReference, new PointInTime(AsOf, EffectiveOn, Version), token);
        Timeline = history.Entries
            .Select(e => (Entry: e, Status: e.Changes.FirstOrDefault(c => c.Field == "status")?.After))
            .Where(x => x.Status is not null || x.Entry.EventType == nameof(TimescaleSlipped))
            .Select(x => (x.Status is { } s && Enum.TryParse<DeliveryStatus>(s.GetString(), out var status) ? (DeliveryStatus?)status : null, x.Entry))
            .ToList();
        return Page();
    }

    private string? _self;

    /// <summary>The action as it stood just after an entry: the first N events of its stream (one link shape for hundreds of entries, no route generation each).</summary>
    public string AsItStood(HistoryEntry entry) =>
        (_self ??= $"/web/partnerships/{Escape(Partnership)}/plans/{Escape(PlanReference)}/actions/{Escape(ActionReference)}?version=")
        + entry.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
