using System.Text.Json.Nodes;
using PlanLedger.Security;
using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Audit;

public sealed class CurrentStateTests(LedgerHost host) : LedgerTest(host)
{
    private const string Plan = "/partnerships/orkney/plans/msg-plan";

    private async Task<string[]> References(string query)
    {
        var list = await Host.ClientFor(Roles.PartnerReader, "orkney").GetJson($"{Plan}/actions{query}");
        return list.AsArray().Select(a => a!["reference"].Text()).ToArray();
    }

    [Fact]
    public async Task the_actions_list_holds_every_action_in_plan_order()
    {
        await FilterPlanAsync(Host);
        (await References("")).ShouldBe(["1(i)(a)", "1(i)(b)", "2(iii)(a)", "2(iii)(b)"]);
    }

    [Theory]
    [InlineData("?status=Red", new[] { "2(iii)(a)" })]
    [InlineData("?status=Blue", new[] { "2(iii)(b)" })]
    [InlineData("?lead=troup", new[] { "1(i)(a)" })]
    [InlineData("?lead=HEAD%20OF", new[] { "1(i)(b)" })]
    [InlineData("?lead=chief", new[] { "2(iii)(a)", "2(iii)(b)" })]
    [InlineData("?heading=2(iii)", new[] { "2(iii)(a)", "2(iii)(b)" })]
    [InlineData("?proposal=1.1", new[] { "1(i)(a)", "1(i)(b)" })]
    [InlineData("?proposal=4.1", new string[0])]
    [InlineData("?overdue=true", new[] { "1(i)(a)" })]
    [InlineData("?overdue=false", new[] { "1(i)(b)", "2(iii)(a)", "2(iii)(b)" })]
    [InlineData("?slipped=true", new[] { "1(i)(b)" })]
    [InlineData("?proposal=1.1&slipped=false", new[] { "1(i)(a)" })]
    public async Task the_actions_list_filters(string query, string[] expected)
    {
        await FilterPlanAsync(Host);
        (await References(query)).ShouldBe(expected);
    }

    [Fact]
    public async Task the_actions_list_of_an_unknown_plan_is_not_found()
    {
        await FilterPlanAsync(Host);
        var response = await Host.ClientFor(Roles.PartnerReader, "orkney").GetAsync("/partnerships/orkney/plans/no-such-plan/actions");
        await response.Problem(404);
    }

    [Fact]
    public async Task the_summary_counts_actions_by_status_overdue_slipped_completed_and_heading()
    {
        await FilterPlanAsync(Host);
        var summary = await Host.ClientFor(Roles.PartnerReader, "orkney").GetJson($"{Plan}/summary");

        summary["plan"].Text().ShouldBe("msg-plan");
        summary["date"].Text().ShouldBe("2020-12-01");
        var counts = summary["counts"]!;
        counts["actions"].Int().ShouldBe(4);
        counts["byStatus"]!.ToJsonString().ShouldBe("""{"red":1,"amber":1,"green":1,"blue":1,"notRated":0}""");
        counts["open"].Int().ShouldBe(3);
        counts["overdue"].Int().ShouldBe(1);
        counts["slipped"].Int().ShouldBe(1);
        counts["completed"].Int().ShouldBe(1);
        counts["completedByOriginalTarget"].Int().ShouldBe(1);

        var headings = summary["byHeading"]!.AsArray();
        headings.Select(h => h!["reference"].Text()).ShouldBe(["1(i)", "2(iii)"]);
        headings[0]!["proposal"].Text().ShouldBe("1.1");
        headings[0]!["counts"]!["actions"].Int().ShouldBe(2);
        headings[0]!["counts"]!["overdue"].Int().ShouldBe(1);
        headings[1]!["counts"]!["byStatus"]!["red"].Int().ShouldBe(1);
        headings[1]!["counts"]!["completed"].Int().ShouldBe(1);
    }

    [Fact]
    public async Task the_overview_shows_each_plan_summary_and_the_self_assessment_profile_across_the_22_locally_rated_proposals()
    {
        var writer = await FilterPlanAsync(Host);
        await writer.Post("/partnerships/orkney/self-assessments/1.1", new { rating = "PartlyEstablished" });
        await writer.Post("/partnerships/orkney/self-assessments/2.3", new { rating = "Established" });
        await writer.Post("/partnerships/orkney/self-assessments/2.3/revisions", new { rating = "NotYetEstablished", reason = "We now consider this to be an over estimation" });

        var overview = await Host.ClientFor(Roles.Auditor, "orkney").GetJson("/partnerships/orkney/overview");

        overview["partnership"].Text().ShouldBe("orkney");
        var plan = overview["plans"]!.AsArray().Single()!;
        plan["plan"].Text().ShouldBe("msg-plan");
        plan["counts"]!["overdue"].Int().ShouldBe(1);

        var profile = overview["selfAssessment"]!;
        profile["proposals"].Int().ShouldBe(22);
        profile["rated"].Int().ShouldBe(2);
        profile["current"]!.ToJsonString().ShouldBe("""{"notYetEstablished":1,"partlyEstablished":1,"established":0,"exemplary":0,"notRated":20}""");
        profile["first"]!["established"].Int().ShouldBe(1);
        profile["movedDown"].Int().ShouldBe(1);
        profile["movedUp"].Int().ShouldBe(0);
        var proposals = profile["byProposal"]!.AsArray();
        proposals.Select(p => p!["proposal"].Text()).ShouldNotContain("3.2");
        var revised = proposals.Single(p => p!["proposal"].Text() == "2.3")!;
        revised["rating"].Text().ShouldBe("NotYetEstablished");
        revised["firstRating"].Text().ShouldBe("Established");
        revised["movement"].Text().ShouldBe("Down");
        revised["revisions"].Int().ShouldBe(1);
    }
}
