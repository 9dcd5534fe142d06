using Marten;
using PlanLedger.Audit;
using PlanLedger.Framework;
using PlanLedger.SelfAssessments;

namespace PlanLedger.Web.Pages.Partnerships;

/// <summary>
/// The partnership's self-assessment, proposal by proposal: the ratings GET /partnerships/{id}/self-assessments answers
/// for the same asOf/effectiveOn, laid out as the overview's profile.
/// </summary>
public sealed class SelfAssessmentsModel(IDocumentStore store, MsgFramework framework) : LedgerPage
{
    public MsgFramework Framework => framework;
    public SelfAssessmentProfile Profile { get; private set; } = null!;

    public async Task OnGetAsync()
    {
        await using var session = store.QuerySession(Partnership);
        Profile = SelfAssessmentProfile.Of(framework, await SelfAssessment.AllAsync(session, Point, HttpContext.RequestAborted));
    }
}
