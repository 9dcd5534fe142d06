using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Actions;
using PlanLedger.Audit;
using PlanLedger.Ledger;
using PlanLedger.Plans;

namespace PlanLedger.Web.Pages.Partnerships;

/// <summary>A plan with its summary and actions: the same fold and filter as GET …/plans/{plan}/summary and …/actions.</summary>
public sealed class PlanModel(IDocumentStore store, TimeProvider clock) : LedgerPage
{
    [BindProperty(SupportsGet = true, Name = "status")] public DeliveryStatus? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "lead")] public string? Lead { get; set; }
    [BindProperty(SupportsGet = true, Name = "overdue")] public bool? Overdue { get; set; }
    [BindProperty(SupportsGet = true, Name = "slipped")] public bool? Slipped { get; set; }

    public string PlanReference => RouteData.Values["plan"] as string ?? "";
    public PlanView? View { get; private set; }
    public PlanSummary? Summary { get; private set; }
    public IReadOnlyList<ActionRecord> Actions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        View = await LoadAsync(store, clock, this, PlanReference);
        if (View is null) return await NotFoundUnlessEverAsync(store, this, PlanReference);
        Summary = PlanSummary.Of(View);
        Actions = new ActionFilter { Status = Status, Lead = Lead, Overdue = Overdue, Slipped = Slipped }.Apply(View).ToList();
        return Page();
    }

    public static async Task<PlanView?> LoadAsync(IDocumentStore store, TimeProvider clock, LedgerPage page, string plan)
    {
        await using var session = store.QuerySession(page.Partnership);
        return await TimeTravel.PlanViewAsync(session, plan, page.Point, clock, page.HttpContext.RequestAborted);
    }

    /// <summary>A plan that exists now but not at the point asked is shown as "did not exist then"; one that never existed is 404.</summary>
    public static async Task<IActionResult> NotFoundUnlessEverAsync(IDocumentStore store, LedgerPage page, string plan)
    {
        await using var session = store.QuerySession(page.Partnership);
        return !page.Point.IsNow && await session.LoadAsync<PlanRecord>(PlanRecord.KeyFor(plan), page.HttpContext.RequestAborted) is not null
            ? page.Page()
            : page.Failure(404, "Page not found", $"Plan '{plan}' was not found.");
    }
}
