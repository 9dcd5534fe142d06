using Marten;
using PlanLedger.Audit;
using PlanLedger.Framework;

namespace PlanLedger.Web.Pages.Partnerships;

/// <summary>The self-assessment profile of the partnership overview (GET /partnerships/{id}/overview), proposal by proposal.</summary>
public sealed class SelfAssessmentsModel(IDocumentStore store, MsgFramework framework, TimeProvider clock) : LedgerPage
{
    public override bool HasAsAt => false;
    public MsgFramework Framework => framework;
    public SelfAssessmentProfile Profile { get; private set; } = null!;

    public async Task OnGetAsync() =>
        Profile = (await OverviewEndpoint.ReadAsync(store, Partnership, framework, clock, HttpContext.RequestAborted)).SelfAssessment;
}
