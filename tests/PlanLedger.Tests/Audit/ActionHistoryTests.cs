using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Audit;

public sealed class ActionHistoryTests(LedgerHost host) : LedgerTest(host)
{
    private static JsonNode? Change(JsonNode entry, string field) =>
        entry["changes"]!.AsArray().SingleOrDefault(c => c!["field"].Text() == field);

    [Fact]
    public async Task the_history_tells_every_event_in_stream_order_in_the_domains_words()
    {
        await ScriptAsync(Host);
        var history = await Auditor(Host).GetJson($"{ActionUrl}/history");

        history["totalEntries"].Int().ShouldBe(7);
        var entries = history["entries"]!.AsArray();
        entries.Select(e => e!["version"].Int()).ShouldBe([1, 2, 3, 4, 5, 6, 7]);
        entries.Select(e => e!["what"].Text()).ShouldBe([
            "Action 1 added under heading 2, status Amber, timescale \"31 March 2020\"",
            "Timescale slipped 365 days later, from \"31 March 2020\" to \"31 March 2021\"",
            "Progress update recorded for June 2020 (status Amber)",
            "Progress update recorded for November 2020 (status Green)",
            "Status changed from Amber to Green",
            "Status changed from Green to Blue",
            "Progress update recorded for February 2021"
        ]);
        entries.Select(e => e!["eventType"].Text()).ShouldBe([
            "ActionAdded", "TimescaleSlipped", "ProgressUpdateRecorded", "ProgressUpdateRecorded", "ActionStatusChanged",
            "ActionStatusChanged", "ProgressUpdateRecorded"
        ]);
    }

    [Fact]
    public async Task each_entry_names_when_it_took_effect_when_and_by_whom_it_was_recorded_and_why()
    {
        await ScriptAsync(Host);
        var entries = (await Auditor(Host).GetJson($"{ActionUrl}/history"))["entries"]!.AsArray();

        var green = entries[4]!;
        green["effectiveOn"].Text().ShouldBe("2020-11-30");
        DateTimeOffset.Parse(green["recordedAt"].Text()).ShouldBe(NovemberUpdate);
        green["recordedBy"].Text().ShouldBe("partner-writer-test-client");
        green["sourceSystem"].Text().ShouldBe("partner-writer-test-system");
        green["correlationId"].Text().ShouldBe(Correlation);
        green["reason"].Text().ShouldBe("Progress update for November 2020");
        green["backdated"]!.GetValue<bool>().ShouldBeFalse();

        var slip = entries[1]!;
        slip["reason"].Text().ShouldBe("Delayed due to COVID 19");
        entries[2]!["reason"].ShouldBeNull();
    }

    [Fact]
    public async Task every_transition_carries_the_fields_it_changed_before_and_after()
    {
        await ScriptAsync(Host);
        var entries = (await Auditor(Host).GetJson($"{ActionUrl}/history"))["entries"]!.AsArray();

        var slip = entries[1]!;
        Change(slip, "timescale")!["before"]!["text"].Text().ShouldBe("31 March 2020");
        Change(slip, "timescale")!["after"]!["text"].Text().ShouldBe("31 March 2021");
        Change(slip, "timescale")!["after"]!["target"].Text().ShouldBe("2021-03-31");
        Change(slip, "slips")!["before"].Int().ShouldBe(0);
        Change(slip, "slips")!["after"].Int().ShouldBe(1);
        Change(slip, "daysSlipped")!["after"].Int().ShouldBe(365);
        slip["changes"]!.AsArray().Select(c => c!["field"].Text()).ShouldBe(["timescale", "slips", "daysSlipped"], ignoreOrder: true);

        var green = entries[4]!;
        green["changes"]!.AsArray().Select(c => c!["field"].Text()).ShouldBe(["status"]);
        Change(green, "status")!["before"].Text().ShouldBe("Amber");
        Change(green, "status")!["after"].Text().ShouldBe("Green");

        var blue = entries[5]!;
        Change(blue, "status")!["after"].Text().ShouldBe("Blue");
        Change(blue, "closure")!["before"].Text().ShouldBe("Open");
        Change(blue, "closure")!["after"].Text().ShouldBe("Completed");
        Change(blue, "completedOn")!["before"]!.ShouldBeNull();
        Change(blue, "completedOn")!["after"].Text().ShouldBe("2021-03-31");

        var november = entries[3]!;
        Change(november, "latestUpdate")!["before"]!["period"].Text().ShouldBe("June 2020");
        Change(november, "latestUpdate")!["after"]!["period"].Text().ShouldBe("November 2020");
        Change(november, "latestUpdate")!["after"]!["nextSteps"].Text().ShouldBe("We are presenting an update to the IJB in December.");
    }

    [Fact]
    public async Task the_first_entry_lists_what_the_action_was_created_with_and_nothing_before()
    {
        await ScriptAsync(Host);
        var added = (await Auditor(Host).GetJson($"{ActionUrl}/history"))["entries"]![0]!;

        var fields = added["changes"]!.AsArray().Select(c => c!["field"].Text()).ToList();
        fields.ShouldContain("description");
        fields.ShouldContain("leads");
        fields.ShouldContain("status");
        fields.ShouldNotContain("version");
        fields.ShouldNotContain("id");
        added["changes"]!.AsArray().ShouldAllBe(c => c!["before"] == null);
        Change(added, "leads")!["after"]![0]!["role"].Text().ShouldBe("Chief Finance Officer");
    }

    [Fact]
    public async Task changes_posted_after_their_effective_date_are_marked_backdated()
    {
        await ScriptAsync(Host);
        var entries = (await Auditor(Host).GetJson($"{ActionUrl}/history"))["entries"]!.AsArray();

        entries.Select(e => e!["backdated"]!.GetValue<bool>()).ShouldBe([false, false, false, false, false, true, true]);
        var late = entries[6]!;
        late["effectiveOn"].Text().ShouldBe("2021-02-26");
        DateTimeOffset.Parse(late["recordedAt"].Text()).ShouldBe(LateUpdate);
    }

    [Fact]
    public async Task the_history_is_paged_in_stream_order()
    {
        await ScriptAsync(Host);
        var page = await Auditor(Host).GetJson($"{ActionUrl}/history?page=2&pageSize=3");

        page["page"].Int().ShouldBe(2);
        page["pageSize"].Int().ShouldBe(3);
        page["totalEntries"].Int().ShouldBe(7);
        page["totalPages"].Int().ShouldBe(3);
        page["entries"]!.AsArray().Select(e => e!["version"].Int()).ShouldBe([4, 5, 6]);

        var beyond = await Auditor(Host).GetJson($"{ActionUrl}/history?page=4&pageSize=3");
        beyond["entries"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task amendments_leads_milestones_cross_references_and_withdrawal_are_told_in_the_domains_words()
    {
        var writer = await Host.PlanWithActionAsync();
        var action = "/partnerships/orkney/plans/msg-plan/actions/1.1";
        await writer.Post($"{action}/details", new { description = "Review the workforce plan and leadership needs", measures = "Plan reviewed by the IJB", reason = "Board asked for measures" });
        await writer.Post($"{action}/leads", new { leads = new[] { new { name = "Sally Shaw", role = "Chief Officer", organisation = "OHAC" } } });
        await writer.Post($"{action}/milestones", new { description = "Draft to EMT", dueText = "December 2019" });
        await writer.Post($"{action}/milestones/1/completion", new { });
        await writer.Post($"{action}/cross-references", new { references = new[] { "3(v)a" } });
        await writer.Post($"{action}/withdrawal", new { reason = "Superseded by the Remobilisation Plan" });

        var entries = (await Auditor(Host, "orkney").GetJson($"{action}/history"))["entries"]!.AsArray();

        entries.Skip(1).Select(e => e!["what"].Text()).ShouldBe([
            "Details amended: description, measures",
            "Leads changed from Bill Troup to Sally Shaw, Chief Officer (OHAC)",
            "Milestone 1 added: Draft to EMT (due December 2019)",
            "Milestone 1 completed: Draft to EMT",
            "Cross-referenced to 3(v)a",
            "Action withdrawn"
        ]);
        entries[1]!["reason"].Text().ShouldBe("Board asked for measures");
        Change(entries[1]!, "measures")!["before"].ShouldBeNull();
        Change(entries[1]!, "measures")!["after"].Text().ShouldBe("Plan reviewed by the IJB");
        Change(entries[4]!, "milestones")!["after"]![0]!["done"]!.GetValue<bool>().ShouldBeTrue();
        Change(entries[6]!, "closure")!["after"].Text().ShouldBe("Withdrawn");
        entries[6]!["reason"].Text().ShouldBe("Superseded by the Remobilisation Plan");
    }

    [Fact]
    public async Task the_history_of_an_unknown_action_is_not_found()
    {
        await ScriptAsync(Host);
        var response = await Auditor(Host).GetAsync($"/partnerships/{Partnership}/plans/{Plan}/actions/99/history");
        await response.Problem(404);
    }
}

public sealed class HistoryCacheTests(LedgerHost host) : LedgerTest(host)
{
    [Fact]
    public async Task a_history_read_again_after_a_new_event_includes_it()
    {
        var writer = await Host.PlanWithActionAsync();
        const string path = "/partnerships/orkney/plans/msg-plan/actions/1.1/history";
        (await writer.GetJson(path))["totalEntries"]!.GetValue<int>().ShouldBe(1);
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Green", reason = "Published" });
        var history = await writer.GetJson(path);
        history["totalEntries"]!.GetValue<int>().ShouldBe(2);
        history["entries"]![1]!["what"]!.GetValue<string>().ShouldBe("Status changed from Amber to Green");
    }

    [Fact]
    public async Task a_page_deep_in_a_long_history_told_from_a_kept_fold_state_equals_the_page_told_from_the_first_event()
    {
        var writer = await Host.PlanWithActionAsync();
        const string action = "/partnerships/orkney/plans/msg-plan/actions/1.1";
        // 1 + 2 returns of 300 progress updates, each changing the status (two events each): 1201 events, past four kept fold states.
        for (var r = 0; r < 2; r++)
        {
            var items = Enumerable.Range(0, 300).Select(i => new
            {
                action = "1.1", progressUpdate = new { period = $"Cycle {r}.{i}", narrative = $"Update {r}.{i}", status = i % 2 == 0 ? "Green" : "Red" }
            });
            await writer.Post("/partnerships/orkney/plans/msg-plan/returns", new { period = $"Return {r}", items });
        }
        var cache = Host.Services.GetRequiredService<PlanLedger.Audit.HistoryCache>();
        (int Page, int Size)[] pages = [(6, 100), (2, 300), (12, 100), (3, 100), (4, 100), (1, 500), (3, 500), (25, 50), (13, 100), (14, 100)];

        // Each page told alone, from the first event, with nothing kept.
        var alone = new List<string>();
        foreach (var (page, size) in pages)
        {
            cache.Clear();
            alone.Add((await writer.GetJson($"{action}/history?page={page}&pageSize={size}")).ToJsonString());
        }
        // The same pages one after another, each told from the fold states the ones before it kept.
        cache.Clear();
        for (var i = 0; i < pages.Length; i++)
        {
            var (page, size) = pages[i];
            var told = await writer.GetJson($"{action}/history?page={page}&pageSize={size}");
            told.ToJsonString().ShouldBe(alone[i], $"page {page} of {size}");
            told["totalEntries"].Int().ShouldBe(1201);
            var first = (page - 1) * size + 1;
            told["entries"]!.AsArray().Select(e => e!["version"].Int()).ShouldBe(Enumerable.Range(first, Math.Max(0, Math.Min(size, 1201 - first + 1))));
        }
        // Told from a kept state, an entry still knows what the status was before it.
        var deep = (await writer.GetJson($"{action}/history?page=5&pageSize=100"))["entries"]!.AsArray();
        var statuses = deep.Select(e => e!["changes"]!.AsArray().SingleOrDefault(c => c!["field"].Text() == "status")).OfType<JsonNode>().ToList();
        statuses.Count.ShouldBe(50);
        foreach (var (earlier, later) in statuses.Zip(statuses.Skip(1))) later["before"]!.ToJsonString().ShouldBe(earlier["after"]!.ToJsonString());
    }
}

