using Marten;
using PlanLedger.Audit;
using PlanLedger.Framework;
using PlanLedger.Partnerships;
using PlanLedger.Plans;

namespace PlanLedger.Web.Pages.Partnerships;

/// <summary>
/// A partnership at a glance: the API's overview (GET /partnerships/{id}/overview) now; as at a point, each plan's
/// summary as the summary endpoint folds it (GET …/plans/{plan}/summary?asOf&amp;effectiveOn) and the ratings then in force
/// (GET …/self-assessments?asOf&amp;effectiveOn).
/// </summary>
public sealed class OverviewModel(IDocumentStore store, MsgFramework framework, TimeProvider clock) : LedgerPage
{
    public string Name { get; private set; } = "";
    public IReadOnlyList<PlanSummary> Plans { get; private set; } = [];
    public SelfAssessmentProfile Profile { get; private set; } = null!;

    public async Task OnGetAsync()
    {
        var token = HttpContext.RequestAborted;
        var overview = await OverviewEndpoint.ReadAsync(store, Partnership, framework, clock, token);
        Profile = overview.SelfAssessment;
        Plans = overview.Plans;
        await using (var global = store.QuerySession())
            Name = (await global.LoadAsync<PlanLedger.Partnerships.Partnership>(PlanLedger.Partnerships.Partnership.KeyFor(Partnership), token))?.Name ?? Partnership;
        if (Point.IsNow) return;

        await using var session = store.QuerySession(Partnership);
        Profile = SelfAssessmentProfile.Of(framework, await PlanLedger.SelfAssessments.SelfAssessment.AllAsync(session, Point, token));
        var plans = new List<PlanSummary>();
        foreach (var plan in overview.Plans)
            if (await TimeTravel.PlanViewAsync(session, plan.Plan, Point, clock, token) is { } view)
                plans.Add(PlanSummary.Of(view));
        Plans = plans;
    }
}
