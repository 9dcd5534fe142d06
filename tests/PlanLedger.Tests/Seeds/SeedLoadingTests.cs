using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using PlanLedger.Actions;
using PlanLedger.Ledger;
using PlanLedger.Security;
using PlanLedger.Seeder;
using PlanLedger.Tests.National;

namespace PlanLedger.Tests.Seeds;

/// <summary>
/// Issue 7: the five seed documents, loaded through the public API as their partnerships' partner systems
/// would post them, read back through the API as the documents say; a second load changes nothing.
/// Expectations are counted from the seed files themselves (read here with JsonDocument, not with the
/// loader's own model), plus literal facts from the board reports.
/// </summary>
public sealed class SeedLoadingTests(LedgerHost host) : LedgerTest(host)
{
    private const string PkInspection = "joint-inspection-improvement-plan";
    private const string PkStrategic = "strategic-commissioning-plan-2016-2019";

    private static readonly string SeedsDirectory = Seeds.SeedsDirectory.Find();

    [Fact]
    public async Task the_seed_documents_load_through_the_api_and_a_second_load_appends_nothing()
    {
        var files = PlanFiles();
        var partnerships = JsonDocument.Parse(File.ReadAllText(Path.Combine(SeedsDirectory, "partnerships.json"))).RootElement;
        int Sum(string array) => files.Sum(f => f.GetProperty(array).GetArrayLength());
        var milestones = files.Sum(f => f.GetProperty("actions").EnumerateArray().Sum(a => a.GetProperty("milestones").GetArrayLength()));
        var updatesWithStatus = files.Sum(f => f.GetProperty("progressUpdates").EnumerateArray().Count(u => u.GetProperty("status").ValueKind == JsonValueKind.String));
        var delays = files.Sum(f => f.TryGetProperty("delays", out var d) ? d.GetArrayLength() : 0);
        var headingStatuses = files.Sum(f => f.TryGetProperty("headingStatuses", out var h) ? h.GetArrayLength() : 0);

        var eventsBefore = await Host.EventCountAsync();
        var first = await SeedLoader.LoadAsync(Host.Client, SeedsDirectory, TokenFor);

        // What was posted, counted from the files (and, literally, from seeds/README.md's table).
        first.Partnerships.ShouldBe(partnerships.GetArrayLength());
        first.Partnerships.ShouldBe(4);
        first.Plans.ShouldBe(files.Count);
        first.Plans.ShouldBe(5);
        first.Reports.ShouldBe(5, "one covering report per seed document");
        first.Headings.ShouldBe(Sum("headings"));
        first.Headings.ShouldBe(78);
        first.HeadingStatuses.ShouldBe(headingStatuses);
        first.HeadingStatuses.ShouldBe(9, "P&K's Nov Overall RAG, once per inspection priority");
        first.Actions.ShouldBe(Sum("actions"));
        first.Actions.ShouldBe(170, "104 plan actions and Dundee's 66 proposed improvement actions");
        first.Milestones.ShouldBe(milestones);
        first.Milestones.ShouldBe(84);
        first.Delays.ShouldBe(delays);
        first.Delays.ShouldBe(4, "P&K's November 2020 delays, none with a new date");
        first.Completions.ShouldBe(1, "Angus 4(v)(a) reads 'Complete.'");
        first.ProgressUpdates.ShouldBe(Sum("progressUpdates"));
        first.ProgressUpdates.ShouldBe(22);
        first.Returns.ShouldBe(1, "the Perth & Kinross November 2020 update is one return");
        first.Ratings.ShouldBe(Sum("selfAssessments"));
        first.Ratings.ShouldBe(66);
        first.Revisions.ShouldBe(Sum("ratingRevisions"));
        first.Revisions.ShouldBe(4);

        // One event per onboarding, plan, heading, action, milestone, progress update, rating and revision, plus a
        // status change for every update that carries a RAG (actions are added without one).
        var expectedEvents = first.Partnerships + first.Plans + first.Reports + first.Headings + first.HeadingStatuses + first.Actions + first.Milestones + first.Delays + first.Completions
                             + first.ProgressUpdates + updatesWithStatus + first.Ratings + first.Revisions;
        first.EventsAppended.ShouldBe(expectedEvents);
        first.EventsAppended.ShouldBe(452);
        first.Replayed.ShouldBe(0);
        (await Host.EventCountAsync()).ShouldBe(eventsBefore + first.EventsAppended);

        await EveryActionReadsBackAsWritten(files);
        await PlansReadBackAsWritten(files);
        await PerthAndKinrossInspectionPlanHasItsNovemberRag();
        await DundeeRatedTwentyTwoProposals();
        await AngusRatingsAreItsTwentyNineteenScores();
        await OrkneyRevisedFourRatings();
        await TheStrategicPlanHasItsTickedMilestones();
        await TheNovemberRagIsAHeadingStatusChangeOnTheReportingDate();
        await TheCovidDelaysAreInTheNationalSlippage();
        await TheCoveringReportsReproduceTheirPapers();
        await ReadingsAreMarkedAsReadings();

        // Again: every write, onboarding included, is a replay of its Idempotency-Key.
        var eventsAfterFirst = await Host.EventCountAsync();
        var second = await SeedLoader.LoadAsync(Host.Client, SeedsDirectory, TokenFor);
        second.EventsAppended.ShouldBe(0);
        second.Requests.ShouldBe(first.Requests);
        second.Replayed.ShouldBe(first.Requests);
        second.Unchanged.ShouldBe(0);
        (await Host.EventCountAsync()).ShouldBe(eventsAfterFirst);
    }

    private string TokenFor(string role, string? partnership) =>
        DevelopmentTokens.Mint(Host.SigningKey, partnership is null ? "seed-admin" : SeedLoader.ClientFor(partnership), [role],
            partnership is null ? [] : [partnership]);

    private HttpClient Reader(string partnership) => Host.ClientFor(Roles.PartnerReader, partnership);

    private static string ActionPath(string partnership, string plan, string action) =>
        $"/partnerships/{partnership}/plans/{Uri.EscapeDataString(plan)}/actions/{Uri.EscapeDataString(action)}";

    private async Task EveryActionReadsBackAsWritten(IReadOnlyList<JsonElement> files)
    {
        foreach (var file in files)
        {
            var partnership = file.GetProperty("partnership").GetString()!;
            var plan = file.GetProperty("plan").GetProperty("reference").GetString()!;
            var statuses = file.GetProperty("progressUpdates").EnumerateArray()
                .ToDictionary(u => u.GetProperty("action").GetString()!, u => u.GetProperty("status").GetString());
            var completed = file.TryGetProperty("completions", out var c) ? c.EnumerateArray().Select(x => x.GetProperty("action").GetString()!).ToHashSet() : [];
            using var reader = Reader(partnership);
            foreach (var seed in file.GetProperty("actions").EnumerateArray())
            {
                var reference = seed.GetProperty("reference").GetString()!;
                var action = await reader.GetJson(ActionPath(partnership, plan, reference));
                var what = $"{partnership} {plan} action {reference}";

                action["heading"]!.GetValue<string>().ShouldBe(seed.GetProperty("heading").GetString(), what);
                action["description"]!.GetValue<string>().ShouldBe(seed.GetProperty("description").GetString(), what);
                S(action["comment"]).ShouldBe(Text(seed, "comment"), what);
                S(action["measures"]).ShouldBe(Text(seed, "measures"), what);
                S(action["timescale"]?["text"]).ShouldBe(Text(seed, "timescale"), what);
                action["leads"]!.AsArray().Select(l => (l!["name"]?.GetValue<string>(), l["role"]?.GetValue<string>(), l["organisation"]?.GetValue<string>()))
                    .ShouldBe(seed.GetProperty("leads").EnumerateArray().Select(l => (Text(l, "name"), Text(l, "role"), Text(l, "organisation"))), what);
                Strings(action["crossReferences"]).ShouldBe(seed.GetProperty("crossReferences").EnumerateArray().Select(x => x.GetString()!), what);
                Ints(action["priorityThemes"]).ShouldBe(seed.GetProperty("priorityThemes").EnumerateArray().Select(x => x.GetInt32()).Distinct().Order(), what);
                Ints(action["nationalOutcomes"]).ShouldBe(seed.GetProperty("nationalOutcomes").EnumerateArray().Select(x => x.GetInt32()).Distinct().Order(), what);
                action["milestones"]!.AsArray().Select(m => (m!["description"]!.GetValue<string>(), m["dueText"]?.GetValue<string>(), m["done"]!.GetValue<bool>()))
                    .ShouldBe(seed.GetProperty("milestones").EnumerateArray().Select(m => (m.GetProperty("description").GetString()!, Text(m, "dueText"), m.GetProperty("done").GetBoolean())), what);
                S(action["status"]).ShouldBe(completed.Contains(reference) ? "Blue" : statuses.GetValueOrDefault(reference), what);
                action["effectiveOn"]!.GetValue<string>().ShouldBe(statuses.ContainsKey(reference) ? "2020-11-30" : seed.GetProperty("addedOn").GetString(), what);
            }
        }
    }

    private async Task PlansReadBackAsWritten(IReadOnlyList<JsonElement> files)
    {
        foreach (var file in files)
        {
            var partnership = file.GetProperty("partnership").GetString()!;
            var seed = file.GetProperty("plan");
            using var reader = Reader(partnership);
            var plan = await reader.GetJson($"/partnerships/{partnership}/plans/{seed.GetProperty("reference").GetString()}");
            var what = $"{partnership} plan {seed.GetProperty("reference").GetString()}";
            plan["kind"]!.GetValue<string>().ShouldBe(seed.GetProperty("kind").GetString(), what);
            plan["title"]!.GetValue<string>().ShouldBe(seed.GetProperty("title").GetString(), what);
            plan["status"]!.GetValue<string>().ShouldBe(seed.GetProperty("status").GetString(), what);
            S(plan["approvedOn"]).ShouldBe(Text(seed, "approvedOn"), what);
            S(plan["versionLabel"]).ShouldBe(Text(seed, "versionLabel"), what);
            plan["headings"]!.AsArray().Select(h => (h!["reference"]!.GetValue<string>(), h["kind"]!.GetValue<string>(), h["proposal"]?.GetValue<string>()))
                .ShouldBe(file.GetProperty("headings").EnumerateArray().Select(h => (h.GetProperty("reference").GetString()!, h.GetProperty("kind").GetString()!, Text(h, "proposal"))), what);
        }

        using var dundee = Reader("dundee");
        var evaluation = await dundee.GetJson("/partnerships/dundee/plans/msg-self-evaluation-2019");
        evaluation["status"]!.GetValue<string>().ShouldBe("Approved");
        evaluation["approvedOn"]!.GetValue<string>().ShouldBe("2019-06-25");
        evaluation["approvingBody"]!.GetValue<string>().ShouldBe("Dundee Health and Social Care Integration Joint Board");
    }

    private async Task PerthAndKinrossInspectionPlanHasItsNovemberRag()
    {
        using var reader = Reader("perth-kinross");
        var plan = await reader.GetJson($"/partnerships/perth-kinross/plans/{PkInspection}");
        plan["versionLabel"]!.GetValue<string>().ShouldBe("Version 0.3");
        plan["status"]!.GetValue<string>().ShouldBe("Draft");
        var headings = plan["headings"]!.AsArray();
        headings.Count.ShouldBe(9, "nine inspection priorities");
        headings.ShouldAllBe(h => h!["kind"]!.GetValue<string>() == "InspectionPriority");
        headings[0]!["title"]!.GetValue<string>().ShouldBe("1. Improve its approaches to performance measurement and management.");

        // The "Nov Overall RAG" is the priorities' own: GREEN for priorities 1 and 2, AMBER for 3 to 9. The actions
        // carry no RAG of their own: the paper gives none per action.
        headings.Select(h => h!["status"]!.GetValue<string>()).ShouldBe(["Green", "Green", "Amber", "Amber", "Amber", "Amber", "Amber", "Amber", "Amber"]);
        var history = headings[2]!["statusHistory"]!.AsArray().Single()!;
        history["to"]!.GetValue<string>().ShouldBe("Amber");
        history["period"]!.GetValue<string>().ShouldBe("November 2020");
        history["effectiveOn"]!.GetValue<string>().ShouldBe("2020-11-30");

        var summary = await reader.GetJson($"/partnerships/perth-kinross/plans/{PkInspection}/summary");
        summary["headingStatuses"]!["green"]!.GetValue<int>().ShouldBe(2);
        summary["headingStatuses"]!["amber"]!.GetValue<int>().ShouldBe(7);
        summary["counts"]!["byStatus"]!["notRated"]!.GetValue<int>().ShouldBe(22, "the actions' own statuses, of which the paper gives none");
        summary["byHeading"]!.AsArray()[0]!["status"]!.GetValue<string>().ShouldBe("Green");

        string[] actions = ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.1", "4.2",
                            "5.1", "5.2", "6.1", "6.2", "6.3", "7.1", "8.1", "9.1", "9.2"];
        foreach (var reference in actions)
        {
            var action = await reader.GetJson(ActionPath("perth-kinross", PkInspection, reference));
            action["status"].ShouldBeNull($"action {reference}");
            var update = action["latestUpdate"]!;
            update["period"]!.GetValue<string>().ShouldBe("November 2020");
            update["status"].ShouldBeNull();
            update["effectiveOn"]!.GetValue<string>().ShouldBe("2020-11-30");
            update["narrative"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        }

        var first = await reader.GetJson(ActionPath("perth-kinross", PkInspection, "1.1"));
        first["timescale"]!["target"]!.GetValue<string>().ShouldBe("2021-03-31");
        first["leads"]!.AsArray().Single()!["role"]!.GetValue<string>().ShouldBe("Chief Finance Officer");
        var continuation = await reader.GetJson(ActionPath("perth-kinross", PkInspection, "8.1"));
        continuation["latestUpdate"]!["nextSteps"].ShouldBeNull("8.1 has an empty Next Steps cell");
    }

    private async Task DundeeRatedTwentyTwoProposals()
    {
        using var reader = Reader("dundee");
        var ratings = (await reader.GetJson("/partnerships/dundee/self-assessments")).AsArray();
        ratings.Count.ShouldBe(22);
        Count(ratings, "Established").ShouldBe(12);
        Count(ratings, "PartlyEstablished").ShouldBe(10);
        ratings.Select(r => r!["proposal"]!.GetValue<string>()).ShouldNotContain(p => p == "3.2" || p == "3.3" || p == "5.3");
        ratings.ShouldAllBe(r => r!["firstRatedOn"]!.GetValue<string>() == "2019-06-25" && r["plan"]!.GetValue<string>() == "msg-self-evaluation-2019");
        ratings.ShouldAllBe(r => r!["evidence"] != null && r["revisions"]!.GetValue<int>() == 0);
    }

    private async Task AngusRatingsAreItsTwentyNineteenScores()
    {
        using var reader = Reader("angus");
        var ratings = (await reader.GetJson("/partnerships/angus/self-assessments")).AsArray();
        ratings.Count.ShouldBe(22);
        Count(ratings, "Established").ShouldBe(14);
        Count(ratings, "PartlyEstablished").ShouldBe(7);
        Count(ratings, "Exemplary").ShouldBe(1);

        var crossReferenced = await reader.GetJson(ActionPath("angus", "msg-improvement-action-plan-2019", "1(ii)(b)"));
        crossReferenced["timescale"]!["text"]!.GetValue<string>().ShouldBe("January 2020 IJB");
        crossReferenced["timescale"]!["target"]!.GetValue<string>().ShouldBe("2020-01-31");
    }

    private async Task OrkneyRevisedFourRatings()
    {
        using var reader = Reader("orkney");
        var ratings = (await reader.GetJson("/partnerships/orkney/self-assessments")).AsArray();
        ratings.Count.ShouldBe(22);

        // As submitted on 15 May 2019, and as re-evaluated for the IJB of 11 December 2019.
        var revised = new Dictionary<string, (string From, string To)>
        {
            ["2.6"] = ("PartlyEstablished", "NotYetEstablished"),
            ["4.4"] = ("Established", "PartlyEstablished"),
            ["5.1"] = ("PartlyEstablished", "Established"),
            ["6.1"] = ("PartlyEstablished", "Established")
        };
        foreach (var rating in ratings)
        {
            var proposal = rating!["proposal"]!.GetValue<string>();
            rating["firstRatedOn"]!.GetValue<string>().ShouldBe("2019-05-15");
            if (revised.TryGetValue(proposal, out var change))
            {
                rating["firstRating"]!.GetValue<string>().ShouldBe(change.From, proposal);
                rating["rating"]!.GetValue<string>().ShouldBe(change.To, proposal);
                rating["revisions"]!.GetValue<int>().ShouldBe(1, proposal);
                rating["effectiveOn"]!.GetValue<string>().ShouldBe("2019-12-11", proposal);
            }
            else
            {
                rating["rating"]!.GetValue<string>().ShouldBe(rating["firstRating"]!.GetValue<string>(), proposal);
                rating["revisions"]!.GetValue<int>().ShouldBe(0, proposal);
            }
        }
        // The May 2019 submission: 11 partly established, 8 established, 3 not yet established.
        ratings.Count(r => r!["firstRating"]!.GetValue<string>() == "PartlyEstablished").ShouldBe(11);
        ratings.Count(r => r!["firstRating"]!.GetValue<string>() == "Established").ShouldBe(8);
        ratings.Count(r => r!["firstRating"]!.GetValue<string>() == "NotYetEstablished").ShouldBe(3);

        var proposal26 = await reader.GetJson("/partnerships/orkney/self-assessments/2.6");
        proposal26["rating"]!.GetValue<string>().ShouldBe("NotYetEstablished");

        // "2019 – 2021." is a range, full stop and all.
        var leadership = await reader.GetJson(ActionPath("orkney", "msg-review-action-plan-2019", "KF1"));
        leadership["timescale"]!["kind"]!.GetValue<string>().ShouldBe("Range");
        leadership["timescale"]!["start"]!.GetValue<string>().ShouldBe("2019-01-01");
        leadership["timescale"]!["end"]!.GetValue<string>().ShouldBe("2021-12-31");
    }

    private async Task TheStrategicPlanHasItsTickedMilestones()
    {
        using var reader = Reader("perth-kinross");
        var done = 0;
        var total = 0;
        for (var key = 1; key <= 19; key++)
        {
            var action = await reader.GetJson(ActionPath("perth-kinross", PkStrategic, key.ToString()));
            var milestones = action["milestones"]!.AsArray();
            total += milestones.Count;
            done += milestones.Count(m => m!["done"]!.GetValue<bool>());
            action["status"].ShouldBeNull("the 2016/17 key actions carry no RAG");
        }
        total.ShouldBe(65, "'Progress report to IJB' is its own column, not a milestone");
        done.ShouldBe(8);

        var themes = (await reader.GetJson($"/partnerships/perth-kinross/plans/{PkStrategic}"))["priorityThemes"]!.AsArray();
        themes.Select(t => t!["name"]!.GetValue<string>()).ShouldBe(["Prevention and early intervention", "Person centred health, care and support",
            "Work together with communities", "Inequality, unequal health outcomes and healthy living", "Making the best use of available facilities, people and resource"]);
        using var anyone = Host.ClientFor(Roles.National);
        var outcomes = (await anyone.GetJson("/frameworks/national-outcomes"))["outcomes"]!.AsArray();
        outcomes.Count.ShouldBe(9);
        outcomes[4]!["name"]!.GetValue<string>().ShouldBe("Health and social care services contribute to reducing health inequalities.");
        (await reader.GetJson(ActionPath("perth-kinross", PkStrategic, "1")))["progressReportDue"]!.GetValue<string>().ShouldBe("Aug 16");
        var primaryCare = await reader.GetJson(ActionPath("perth-kinross", PkStrategic, "2"));
        var third = primaryCare["milestones"]!.AsArray()[2]!;
        third["description"]!.GetValue<string>().ShouldBe("Primary Care Development Programme developed");
        third["due"]!.GetValue<string>().ShouldBe("2016-07-31");
        third["done"]!.GetValue<bool>().ShouldBeFalse("'Complete July 16' is a target in a report of May 2016");
    }

    /// <summary>An auditor's question: how did priority 3 become Amber? Through P&amp;K's partner system, on the reporting date.</summary>
    private async Task TheNovemberRagIsAHeadingStatusChangeOnTheReportingDate()
    {
        await using var session = Host.Store.QuerySession("perth-kinross");
        var plan = await session.Events.FetchStreamAsync(PlanLedger.Plans.PlanRecord.KeyFor(PkInspection));
        var changes = plan.Select(e => e.Data).OfType<PlanLedger.Plans.HeadingStatusChanged>().ToList();
        changes.Count.ShouldBe(9);
        var third = changes.Single(c => c.Heading == "3");
        third.From.ShouldBeNull();
        third.To.ShouldBe(DeliveryStatus.Amber);
        third.Provenance.EffectiveOn.ShouldBe(new DateOnly(2020, 11, 30));
        third.Provenance.RecordedBy.ShouldBe("perth-kinross-partner-system");

        var events = await session.Events.FetchStreamAsync(ActionRecord.KeyFor(PkInspection, "3.4"));
        events.Select(e => e.Data.GetType()).ShouldBe(new[] { typeof(ActionAdded), typeof(ProgressUpdateRecorded) });
        events[0].Data.ShouldBeOfType<ActionAdded>().Provenance.EffectiveOn.ShouldBe(new DateOnly(2020, 2, 1));
    }

    private async Task TheCovidDelaysAreInTheNationalSlippage()
    {
        using var reader = Reader("perth-kinross");
        var market = await reader.GetJson(ActionPath("perth-kinross", PkInspection, "6.1"));
        var delay = market["delays"]!.AsArray().Single()!;
        delay["reason"]!.GetValue<string>().ShouldBe("The development of the Market Facilitation Plan has been delayed due to COVID 19.");
        delay["newTarget"].ShouldBeNull();
        market["timescale"]!["text"]!.GetValue<string>().ShouldBe("30 December 2020", "no new date was given");

        await Host.NationalViewsCaughtUpAsync();
        using var national = Host.ClientFor(Roles.National);
        var slippage = await national.GetJson("/national/slippage?partnership=perth-kinross");
        slippage["actions"]!.AsArray().Select(a => a!["action"]!.GetValue<string>()).ShouldBe(["6.1", "6.2", "7.1", "9.1"]);
        var delivery = await national.GetJson("/national/delivery");
        delivery["partnerships"]!.AsArray().Single(p => p!["partnership"]!.GetValue<string>() == "dundee")!["figures"]!["actions"]!.GetValue<int>()
            .ShouldBe(66, "Dundee's proposed improvement actions are its actions");
        var headings = delivery["partnerships"]!.AsArray().Single(p => p!["partnership"]!.GetValue<string>() == "perth-kinross")!["headingStatuses"]!;
        (headings["green"]!.GetValue<int>(), headings["amber"]!.GetValue<int>()).ShouldBe((2, 7));
        var summary = await reader.GetJson($"/partnerships/perth-kinross/plans/{PkInspection}/summary");
        (summary["counts"]!["slipped"]!.GetValue<int>(), summary["counts"]!["delayed"]!.GetValue<int>()).ShouldBe((0, 4));
    }

    private async Task TheCoveringReportsReproduceTheirPapers()
    {
        using var pk = Reader("perth-kinross");
        var paper = await pk.GetJson("/partnerships/perth-kinross/reports/g-20-132");
        paper["report"]!["number"]!.GetValue<string>().ShouldBe("G/20/132");
        paper["effectiveOn"]!.GetValue<string>().ShouldBe("2020-11-30");
        paper["appendices"]!.AsArray().Single()!["rows"]!.AsArray().Count.ShouldBe(22);
        var scp = await pk.GetJson("/partnerships/perth-kinross/reports/scp-update-2016-05-13");
        scp["report"]!["appendixNote"]!.GetValue<string>().ShouldContain("relate to 2016/17 only");
        using var dundee = Reader("dundee");
        (await dundee.GetJson("/partnerships/dundee/reports/dijb27-2019"))["report"]!["recommendations"]!.AsArray()
            .ShouldContain(r => r!.GetValue<string>().Contains("no later than 17 December 2019"));
        using var orkney = Reader("orkney");
        (await orkney.GetJson("/partnerships/orkney/reports/ijb-2019-12-11-item-16"))["report"]!["committee"]!.GetValue<string>().ShouldBe("Orkney Integration Joint Board");
        using var angus = Reader("angus");
        (await angus.GetJson("/partnerships/angus/reports/draft-improvement-action-plan-2019"))["appendices"]!.AsArray().Single()!["rows"]!.AsArray().Count.ShouldBe(57);
    }

    private async Task ReadingsAreMarkedAsReadings()
    {
        using var angus = Reader("angus");
        var complete = await angus.GetJson(ActionPath("angus", "msg-improvement-action-plan-2019", "4(v)(a)"));
        (complete["status"]!.GetValue<string>(), complete["closure"]!.GetValue<string>()).ShouldBe(("Blue", "Completed"));
        var history = (await angus.GetJson(ActionPath("angus", "msg-improvement-action-plan-2019", "1(ii)(d)") + "/history"))["entries"]!.AsArray();
        history[0]!["note"]!.GetValue<string>().ShouldContain("the reference 1(ii)(d) is a reading");

        using var orkney = Reader("orkney");
        var revision = (await orkney.GetJson("/partnerships/orkney/self-assessments/4.4/history"))["entries"]!.AsArray().Last()!;
        revision["note"]!.GetValue<string>().ShouldStartWith("A reading: the comment names no new rating");
        var notRead = (await orkney.GetJson("/partnerships/orkney/self-assessments/2.6/history"))["entries"]!.AsArray().Last()!;
        notRead["note"].ShouldBeNull("2.6's comment says its new level in words");
    }

    private static int Count(JsonArray ratings, string rating) => ratings.Count(r => r!["rating"]!.GetValue<string>() == rating);

    private static string? S(JsonNode? node) => node?.GetValue<string>();

    private static IEnumerable<string> Strings(JsonNode? array) => array!.AsArray().Select(x => x!.GetValue<string>());

    private static IEnumerable<int> Ints(JsonNode? array) => array!.AsArray().Select(x => x!.GetValue<int>());

    private static string? Text(JsonElement element, string property) =>
        element.GetProperty(property) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static List<JsonElement> PlanFiles() =>
        Directory.GetFiles(Path.Combine(SeedsDirectory, "plans"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).ToList();
}
