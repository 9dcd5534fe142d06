using PlanLedger.Security;
using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Audit;

public sealed class TenantIsolationTests(LedgerHost host) : LedgerTest(host)
{
    public static TheoryData<string> Reads => new()
    {
        "/partnerships/orkney/plans/msg-plan/actions",
        "/partnerships/orkney/plans/msg-plan/actions?asOf=2030-01-01T00:00:00Z",
        "/partnerships/orkney/plans/msg-plan/summary",
        "/partnerships/orkney/plans/msg-plan/board-report?format=csv",
        "/partnerships/orkney/plans/msg-plan/actions/1.1/history",
        "/partnerships/orkney/plans/msg-plan/actions/1.1?version=1",
        "/partnerships/orkney/self-assessments/2.3/history",
        "/partnerships/orkney/overview"
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task a_credential_for_one_partnership_gets_404_on_another_partnerships_audit_reads(string path)
    {
        var orkney = await Host.PlanWithActionAsync("orkney");
        await orkney.Post("/partnerships/orkney/self-assessments/2.3", new { rating = "Established" });
        await Host.OnboardAsync("angus");

        var angus = Host.ClientFor(Roles.Auditor, "angus");
        var problem = await (await angus.GetAsync(path)).Problem(404);
        problem.ToJsonString().ShouldNotContain("Review the workforce plan");
        (await Host.ClientFor(Roles.Auditor, "orkney").GetAsync(path)).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task the_same_plan_and_action_references_in_two_partnerships_stay_separate_now_and_as_of()
    {
        var orkney = await Host.PlanWithActionAsync("orkney");
        var angus = await Host.PlanWithActionAsync("angus");
        await angus.Post("/partnerships/angus/plans/msg-plan/actions/1.1/status", new { status = "Red", reason = "Angus only" });
        await angus.Post("/partnerships/angus/plans/msg-plan/actions", new { reference = "9.9", heading = "KF1", description = "An Angus action" });
        var reader = Host.ClientFor(Roles.PartnerReader, "orkney");

        var now = await reader.GetJson("/partnerships/orkney/plans/msg-plan/actions");
        now.AsArray().Select(a => a!["reference"].Text()).ShouldBe(["1.1"]);
        now[0]!["status"].Text().ShouldBe("Amber");

        var asOf = await reader.GetJson("/partnerships/orkney/plans/msg-plan/actions?asOf=2099-01-01T00:00:00Z");
        asOf.AsArray().Select(a => a!["reference"].Text()).ShouldBe(["1.1"]);
        asOf[0]!["status"].Text().ShouldBe("Amber");

        var history = await reader.GetJson("/partnerships/orkney/plans/msg-plan/actions/1.1/history");
        history["totalEntries"].Int().ShouldBe(1);
        (await reader.GetJson("/partnerships/orkney/plans/msg-plan/summary"))["counts"]!["actions"].Int().ShouldBe(1);
        (await reader.GetJson("/partnerships/orkney/plans/msg-plan/actions/1.1?version=2"))["status"].Text().ShouldBe("Amber");
    }
}
