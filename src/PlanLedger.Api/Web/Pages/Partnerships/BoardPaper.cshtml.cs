using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Audit;

namespace PlanLedger.Web.Pages.Partnerships;

/// <summary>The plan as its board paper's appendix: the board report the API serves (GET …/plans/{plan}/board-report), printable.</summary>
public sealed class BoardPaperModel(IDocumentStore store, TimeProvider clock) : LedgerPage
{
    public string PlanReference => RouteData.Values["plan"] as string ?? "";
    public BoardReport? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var view = await PlanModel.LoadAsync(store, clock, this, PlanReference);
        if (view is null) return await PlanModel.NotFoundUnlessEverAsync(store, this, PlanReference);
        Report = BoardReport.Of(Partnership, view, AsOf, EffectiveOn);
        return Page();
    }
}
