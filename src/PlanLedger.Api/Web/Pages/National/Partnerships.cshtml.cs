using Marten;
using PlanLedger.National;

namespace PlanLedger.Web.Pages.National;

/// <summary>The partnerships registry (GET /partnerships), national leadership only as in the API.</summary>
public sealed class PartnershipsModel(IDocumentStore store) : LedgerPage
{
    public override bool HasAsAt => false;
    public IReadOnlyList<PlanLedger.Partnerships.Partnership> All { get; private set; } = [];

    public async Task OnGetAsync()
    {
        await using var session = store.QuerySession();
        All = await AcrossPartnerships.PartnershipsAsync(session, HttpContext.RequestAborted);
    }
}
