using PlanLedger.Infrastructure;
using Marten;
using PlanLedger.Audit;
using PlanLedger.Framework;
using PlanLedger.Partnerships;
using PlanLedger.Plans;

namespace PlanLedger.Web.Pages.Partnerships;

/// <summary>A partnership at a glance: the API's overview (GET /partnerships/{id}/overview?asOf&amp;effectiveOn).</summary>
public sealed class OverviewModel(IDocumentStore store, MsgFramework framework, TimeProvider clock) : LedgerPage
{
    public string Name { get; private set; } = "";
    public IReadOnlyList<PlanSummary> Plans { get; private set; } = [];
    public SelfAssessmentProfile Profile { get; private set; } = null!;

    public async Task OnGetAsync()
    {
        var token = HttpContext.RequestAborted;
        var overview = await OverviewEndpoint.ReadAsync(store, Partnership, framework, clock, Point, token);
        Profile = overview.SelfAssessment;
        Plans = overview.Plans;
        await using var global = store.QuerySession(NationalLedger.Tenant);
        Name = (await global.LoadAsync<PlanLedger.Partnerships.Partnership>(PlanLedger.Partnerships.Partnership.KeyFor(Partnership), token))?.Name ?? Partnership;
    }
}
