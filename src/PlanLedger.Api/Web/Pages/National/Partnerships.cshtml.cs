using PlanLedger.Infrastructure;
using Marten;
using Registry = PlanLedger.Partnerships.Partnership;

namespace PlanLedger.Web.Pages.National;

/// <summary>The partnerships registry (GET /partnerships?asOf&amp;effectiveOn), national leadership only as in the API.</summary>
public sealed class PartnershipsModel(IDocumentStore store) : LedgerPage
{
    public IReadOnlyList<Registry> All { get; private set; } = [];

    public async Task OnGetAsync()
    {
        await using var session = store.QuerySession(NationalLedger.Tenant);
        All = await Registry.RegistryAsync(session, Point, HttpContext.RequestAborted);
    }
}
