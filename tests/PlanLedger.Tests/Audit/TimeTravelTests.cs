using System.Text.Json.Nodes;
using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Audit;

public sealed class TimeTravelTests(LedgerHost host) : LedgerTest(host)
{
    private static string Q(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O"));

    private async Task<JsonNode> ActionAsOf(string query) => await Auditor(Host).GetJson($"{ActionUrl}?{query}");

    [Theory]
    [InlineData("2019-12-31T23:59:59Z", 1, "Amber", "31 March 2020", 0, null)]
    [InlineData("2020-03-20T10:00:00Z", 2, "Amber", "31 March 2021", 1, null)]
    [InlineData("2020-11-30T14:59:59Z", 3, "Amber", "31 March 2021", 1, "June 2020")]
    [InlineData("2020-11-30T15:00:00Z", 5, "Green", "31 March 2021", 1, "November 2020")]
    [InlineData("2021-04-10T00:00:00Z", 6, "Blue", "31 March 2021", 1, "November 2020")]
    [InlineData("2021-04-20T12:00:00Z", 7, "Blue", "31 March 2021", 1, "February 2021")]
    public async Task an_action_as_of_a_recorded_time_shows_only_what_had_been_recorded_by_then(
        string asOf, int version, string status, string timescale, int slips, string? latestPeriod)
    {
        await ScriptAsync(Host);
        var action = await ActionAsOf($"asOf={Uri.EscapeDataString(asOf)}");

        action["version"].Int().ShouldBe(version);
        action["status"].Text().ShouldBe(status);
        action["timescale"]!["text"].Text().ShouldBe(timescale);
        action["slips"].Int().ShouldBe(slips);
        action["latestUpdate"]?["period"]?.GetValue<string>().ShouldBe(latestPeriod);
    }

    [Fact]
    public async Task an_action_as_of_a_business_date_includes_an_update_backdated_to_before_it_that_was_posted_later()
    {
        await ScriptAsync(Host);

        // What the board had seen on 1 March 2021 (recorded by then) ...
        var recorded = await ActionAsOf($"asOf={Q(At("2021-03-01T00:00:00Z"))}");
        recorded["status"].Text().ShouldBe("Green");
        recorded["latestUpdate"]!["period"].Text().ShouldBe("November 2020");

        // ... and what is now known to have been true on that date: the February update, posted in April.
        var effective = await ActionAsOf("effectiveOn=2021-03-01");
        effective["status"].Text().ShouldBe("Green");
        effective["latestUpdate"]!["period"].Text().ShouldBe("February 2021");
        effective["version"].Int().ShouldBe(7);
        effective["closure"].Text().ShouldBe("Open");

        // Both together: known by 1 March about what was effective by then.
        var both = await ActionAsOf($"asOf={Q(At("2021-03-01T00:00:00Z"))}&effectiveOn=2021-03-01");
        both["latestUpdate"]!["period"].Text().ShouldBe("November 2020");
    }

    [Fact]
    public async Task an_action_at_a_version_is_its_first_n_events_folded()
    {
        await ScriptAsync(Host);

        var four = await ActionAsOf("version=4");
        four["version"].Int().ShouldBe(4);
        four["status"].Text().ShouldBe("Amber");
        four["latestUpdate"]!["period"].Text().ShouldBe("November 2020");

        var all = await ActionAsOf("version=99");
        var now = await Auditor(Host).GetJson(ActionUrl);
        all.ToJsonString().ShouldBe(now.ToJsonString());
    }

    [Fact]
    public async Task an_as_of_answer_carries_no_etag_and_a_current_answer_does()
    {
        await ScriptAsync(Host);
        var auditor = Auditor(Host);
        (await auditor.GetAsync(ActionUrl)).Headers.ETag!.Tag.ShouldBe("\"7\"");
        (await auditor.GetAsync($"{ActionUrl}?version=3")).Headers.ETag.ShouldBeNull();
    }

    [Fact]
    public async Task an_action_as_of_before_it_was_added_is_not_found()
    {
        await ScriptAsync(Host);
        var response = await Auditor(Host).GetAsync($"{ActionUrl}?asOf={Q(At("2019-06-30T00:00:00Z"))}");
        var problem = await response.Problem(404);
        problem["detail"].Text().ShouldContain("as recorded by");
    }

    [Fact]
    public async Task the_plan_as_of_a_time_or_version_is_folded_from_its_own_stream()
    {
        await ScriptAsync(Host);
        var plan = $"/partnerships/{Partnership}/plans/{Plan}";

        var first = await Auditor(Host).GetJson($"{plan}?version=1");
        first["headings"]!.AsArray().ShouldBeEmpty();
        first["versionLabel"].Text().ShouldBe("Version 0.3");

        var later = await Auditor(Host).GetJson($"{plan}?asOf={Q(Slipped)}");
        later["headings"]!.AsArray().Count.ShouldBe(1);
        (await Auditor(Host).GetAsync($"{plan}?effectiveOn=2019-01-01")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task the_actions_list_and_summary_as_of_a_time_show_what_the_board_was_presented()
    {
        await ScriptAsync(Host);
        var plan = $"/partnerships/{Partnership}/plans/{Plan}";

        var november = await Auditor(Host).GetJson($"{plan}/actions?asOf={Q(At("2020-11-30T16:00:00Z"))}");
        november.AsArray().Single()!["status"].Text().ShouldBe("Green");

        var summary = await Auditor(Host).GetJson($"{plan}/summary?asOf={Q(At("2020-11-30T16:00:00Z"))}");
        summary["date"].Text().ShouldBe("2020-11-30");
        summary["counts"]!["byStatus"]!["green"].Int().ShouldBe(1);
        summary["counts"]!["slipped"].Int().ShouldBe(1);
        summary["counts"]!["completed"].Int().ShouldBe(0);

        var now = await Auditor(Host).GetJson($"{plan}/summary");
        now["counts"]!["byStatus"]!["blue"].Int().ShouldBe(1);
        now["counts"]!["completed"].Int().ShouldBe(1);
    }

    [Fact]
    public async Task overdue_is_judged_on_the_date_asked_for()
    {
        await ScriptAsync(Host);
        var plan = $"/partnerships/{Partnership}/plans/{Plan}";
        var auditor = Auditor(Host);

        // Known on 19 March 2020, judged on 1 April: the original target of 31 March 2020 had passed.
        var beforeSlip = await auditor.GetJson($"{plan}/actions?overdue=true&asOf={Q(At("2020-03-19T00:00:00Z"))}&effectiveOn=2020-04-01");
        beforeSlip.AsArray().Single()!["reference"].Text().ShouldBe(ActionRef);
        var summary = await auditor.GetJson($"{plan}/summary?asOf={Q(At("2020-03-19T00:00:00Z"))}&effectiveOn=2020-04-01");
        summary["counts"]!["overdue"].Int().ShouldBe(1);
        summary["date"].Text().ShouldBe("2020-04-01");

        // With the slip recorded on 20 March, the same date finds nothing overdue; nor does today, the action being Blue.
        (await auditor.GetJson($"{plan}/actions?overdue=true&effectiveOn=2020-04-01")).AsArray().ShouldBeEmpty();
        (await auditor.GetJson($"{plan}/actions?overdue=true")).AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task an_answer_as_of_the_last_event_equals_the_current_state()
    {
        await ScriptAsync(Host);
        var plan = $"/partnerships/{Partnership}/plans/{Plan}";
        var auditor = Auditor(Host);

        (await auditor.GetJson($"{plan}/actions?asOf={Q(LateUpdate)}")).ToJsonString()
            .ShouldBe((await auditor.GetJson($"{plan}/actions")).ToJsonString());
        (await auditor.GetJson($"{plan}?asOf={Q(LateUpdate)}")).ToJsonString()
            .ShouldBe((await auditor.GetJson(plan)).ToJsonString());
    }
}
