using System.Net;
using System.Text.Json.Nodes;
using Marten;
using PlanLedger.Actions;
using PlanLedger.Ledger;
using PlanLedger.Security;

namespace PlanLedger.Tests.Actions;

public sealed class WriteSideTests(LedgerHost host) : LedgerTest(host)
{
    private const string Action = "/partnerships/orkney/plans/msg-plan/actions/1.1";

    [Fact]
    public async Task adding_an_action_answers_201_with_its_location_etag_and_state()
    {
        var writer = await Host.PlanWithActionAsync();
        var response = await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions",
            new { reference = "1(ii)(b)", heading = "KF1", description = "Raise awareness within NHS Tayside", timescale = new { text = "6 - 12 months" } });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.Location!.OriginalString.ShouldBe("/partnerships/orkney/plans/msg-plan/actions/1%28ii%29%28b%29");
        response.Headers.ETag!.Tag.ShouldBe("\"1\"");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["outcome"]!.GetValue<string>().ShouldBe("Appended");
        body["resource"]!["timescale"]!["kind"]!.GetValue<string>().ShouldBe("Relative");
        (await writer.GetJson("/partnerships/orkney/plans/msg-plan/actions/1(ii)(b)"))["description"]!.GetValue<string>()
            .ShouldBe("Raise awareness within NHS Tayside");
    }

    [Fact]
    public async Task a_status_change_is_an_event_carrying_provenance_from_the_credential()
    {
        var writer = await Host.PlanWithActionAsync();
        var answer = await writer.Post($"{Action}/status", new { status = "Green", reason = "Workforce plan published", effectiveOn = "2020-11-30" });
        answer["resource"]!["status"]!.GetValue<string>().ShouldBe("Green");
        answer["version"]!.GetValue<int>().ShouldBe(2);

        await using var session = Host.Store.QuerySession("orkney");
        var events = await session.Events.FetchStreamAsync(ActionRecord.KeyFor("msg-plan", "1.1"));
        var changed = events.Last().Data.ShouldBeOfType<ActionStatusChanged>();
        changed.From.ShouldBe(DeliveryStatus.Amber);
        changed.To.ShouldBe(DeliveryStatus.Green);
        changed.Reason.ShouldBe("Workforce plan published");
        changed.Provenance.EffectiveOn.ShouldBe(new DateOnly(2020, 11, 30));
        changed.Provenance.RecordedBy.ShouldBe($"{Roles.PartnerWriter}-test-client");
        changed.Provenance.SourceSystem.ShouldBe($"{Roles.PartnerWriter}-test-system");
        changed.Provenance.CorrelationId.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task the_actor_cannot_be_claimed_in_the_body()
    {
        var writer = await Host.PlanWithActionAsync();
        var before = await Host.EventCountAsync();
        var response = await writer.Send(HttpMethod.Post, $"{Action}/status", new { status = "Green", recordedBy = "someone else" });
        (await response.Problem(400))["detail"]!.GetValue<string>().ShouldContain("recordedBy");
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_change_that_changes_nothing_appends_nothing_and_says_so()
    {
        var writer = await Host.PlanWithActionAsync();
        var before = await Host.EventCountAsync();
        var answer = await writer.Post($"{Action}/status", new { status = "Amber" });
        answer["outcome"]!.GetValue<string>().ShouldBe("Unchanged");
        answer["eventsAppended"]!.GetValue<int>().ShouldBe(0);
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_stale_if_match_is_refused_with_412_and_the_current_version()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post($"{Action}/status", new { status = "Green" });
        var before = await Host.EventCountAsync();
        var response = await writer.Send(HttpMethod.Post, $"{Action}/status", new { status = "Red", reason = "x" }, ifMatch: "\"1\"");
        (await response.Problem(412))["detail"]!.GetValue<string>().ShouldContain("version 2");
        (await Host.EventCountAsync()).ShouldBe(before);

        var current = await writer.Send(HttpMethod.Post, $"{Action}/status", new { status = "Red", reason = "x" }, ifMatch: "\"2\"");
        current.StatusCode.ShouldBe(HttpStatusCode.OK);
        current.Headers.ETag!.Tag.ShouldBe("\"3\"");
    }

    [Fact]
    public async Task twenty_parallel_status_changes_are_each_applied_or_refused_409_and_none_is_lost()
    {
        var writer = await Host.PlanWithActionAsync();
        var statuses = new[] { "Red", "Green", "Blue", "Amber" };
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            writer.Send(HttpMethod.Post, $"{Action}/progress-updates",
                new { period = $"Period {i}", narrative = $"Update {i}", status = statuses[i % 4] })));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.Conflict);
        var appended = 0;
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
            appended += JsonNode.Parse(await r.Content.ReadAsStringAsync())!["eventsAppended"]!.GetValue<int>();
        appended.ShouldBeGreaterThan(0);

        var action = await writer.GetJson(Action);
        action["version"]!.GetValue<int>().ShouldBe(1 + appended);
        await using var session = Host.Store.QuerySession("orkney");
        (await session.Events.FetchStreamAsync(ActionRecord.KeyFor("msg-plan", "1.1"))).Count.ShouldBe(1 + appended);
    }

    [Fact]
    public async Task an_update_backdated_before_the_latest_is_recorded_as_history_without_changing_the_current_status()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post($"{Action}/progress-updates", new { period = "November 2020", narrative = "On track", status = "Green", effectiveOn = "2020-11-30" });
        var before = await Host.EventCountAsync();

        var late = await writer.Post($"{Action}/progress-updates", new { period = "October 2020", narrative = "Behind", status = "Red", effectiveOn = "2020-10-31" });

        late["eventsAppended"]!.GetValue<int>().ShouldBe(1);
        late["resource"]!["status"]!.GetValue<string>().ShouldBe("Green");
        late["resource"]!["latestUpdate"]!["period"]!.GetValue<string>().ShouldBe("November 2020");
        (await Host.EventCountAsync()).ShouldBe(before + 1);
        var asItStood = await writer.GetJson($"{Action}?effectiveOn=2020-10-31");
        asItStood["latestUpdate"]!["period"]!.GetValue<string>().ShouldBe("October 2020");
        asItStood["latestUpdate"]!["status"]!.GetValue<string>().ShouldBe("Red");

        var next = await writer.Post($"{Action}/progress-updates", new { period = "December 2020", narrative = "Slipping", status = "Amber", effectiveOn = "2020-12-31" });
        next["eventsAppended"]!.GetValue<int>().ShouldBe(2);
        next["resource"]!["status"]!.GetValue<string>().ShouldBe("Amber");
    }

    [Fact]
    public async Task amending_an_action_onto_a_heading_its_plan_lacks_is_refused_naming_the_field()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post("/partnerships/orkney/plans/msg-plan/headings", new { reference = "KF2", kind = "StrategicPriority", title = "Integrated finances" });
        var before = await Host.EventCountAsync();

        var refused = await writer.Send(HttpMethod.Post, $"{Action}/details", new { heading = "KF9" });
        (await refused.Problem(422))["errors"]!["heading"].ShouldNotBeNull();
        var inReturn = await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/returns",
            new { period = "November 2020", items = new[] { new { action = "1.1", details = new { heading = "KF9" } } } });
        await inReturn.Problem(422);
        (await Host.EventCountAsync()).ShouldBe(before);

        (await writer.Post($"{Action}/details", new { heading = "KF2" }))["resource"]!["heading"]!.GetValue<string>().ShouldBe("KF2");
    }

    [Fact]
    public async Task a_retried_idempotent_request_appends_once_and_gets_the_original_answer()
    {
        var writer = await Host.PlanWithActionAsync();
        var body = new { period = "November 2020", narrative = "Workforce plan drafted", status = "Green", effectiveOn = "2020-11-30" };
        var first = await writer.Send(HttpMethod.Post, $"{Action}/progress-updates", body, idempotencyKey: "nov-2020-1.1");
        var afterFirst = await Host.EventCountAsync();
        var retry = await writer.Send(HttpMethod.Post, $"{Action}/progress-updates", body, idempotencyKey: "nov-2020-1.1");

        retry.StatusCode.ShouldBe(first.StatusCode);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        retry.Headers.GetValues("Idempotent-Replayed").ShouldContain("true");
        (await Host.EventCountAsync()).ShouldBe(afterFirst);

        var different = await writer.Send(HttpMethod.Post, $"{Action}/progress-updates", body with { narrative = "Something else" }, idempotencyKey: "nov-2020-1.1");
        (await different.Problem(422))["errors"]!["Idempotency-Key"].ShouldNotBeNull();
        (await Host.EventCountAsync()).ShouldBe(afterFirst);
    }

    [Fact]
    public async Task a_return_applies_every_item_all_or_nothing()
    {
        var writer = await Host.PlanWithActionAsync();
        var valid = new
        {
            period = "November 2020", effectiveOn = "2020-11-30",
            items = new object[]
            {
                new { action = "1.1", progressUpdate = new { period = "November 2020", narrative = "Plan drafted", status = "Green" } },
                new { action = "1.2", newAction = new { reference = "1.2", heading = "KF1", description = "Raise awareness" }, status = new { status = "Amber" } }
            }
        };
        var answer = await writer.Post("/partnerships/orkney/plans/msg-plan/returns", valid);
        answer["eventsAppended"]!.GetValue<int>().ShouldBe(4);
        (await writer.GetJson($"{Action}"))["status"]!.GetValue<string>().ShouldBe("Green");
        (await writer.GetJson("/partnerships/orkney/plans/msg-plan/actions/1.2"))["status"]!.GetValue<string>().ShouldBe("Amber");
    }

    [Fact]
    public async Task a_return_with_one_refused_item_appends_nothing_and_answers_per_item()
    {
        var writer = await Host.PlanWithActionAsync();
        var before = await Host.EventCountAsync();
        var response = await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/returns", new
        {
            period = "November 2020",
            items = new object[]
            {
                new { action = "1.1", status = new { status = "Green" } },
                new { action = "9.9", status = new { status = "Red" } }
            }
        });
        var problem = await response.Problem(422);
        var items = problem["items"]!.AsArray();
        // The valid item was not recorded, and says so: no outcome "Appended", no version that never existed.
        items[0]!.ToJsonString().ShouldBe("""{"index":0,"action":"1.1","outcome":"NotRecorded","problem":null}""");
        items[1]!["outcome"]!.GetValue<string>().ShouldBe("Refused");
        items[1]!["problem"]!["status"]!.GetValue<int>().ShouldBe(404);
        items[1]!["problem"]!["errors"]!["items[1].action"].ShouldNotBeNull();
        (await Host.EventCountAsync()).ShouldBe(before);
        (await writer.GetJson(Action))["status"]!.GetValue<string>().ShouldBe("Amber");
    }

    [Fact]
    public async Task a_return_whose_action_changes_after_it_was_read_records_nothing()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post("/partnerships/orkney/plans/msg-plan/returns", new
        {
            period = "October 2020",
            items = new[] { new { action = "1.2", newAction = new { reference = "1.2", heading = "KF1", description = "Raise awareness" } } }
        });

        // The return is read and decided, then another writer changes one of its actions before it is saved.
        await using var session = Host.Store.LightweightSession("orkney");
        var write = new PlanLedger.Infrastructure.WriteContext(session, PlanLedger.Infrastructure.Preconditions.None,
            (_, _) => new Provenance(new DateOnly(2020, 11, 30), DateTimeOffset.UtcNow, "test", "test", null), CancellationToken.None);
        var command = new PostReturn("November 2020", [new ReturnItem("1.1", Status: new ChangeStatus(DeliveryStatus.Green)), new ReturnItem("1.2", Status: new ChangeStatus(DeliveryStatus.Red))]);
        (await PostReturnEndpoint.Record(command, "msg-plan", write)).ShouldBeOfType<PlanLedger.Infrastructure.Outcome<ReturnResult>.Appended>();
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.2/status", new { status = "Green", reason = "first" });

        // What the pipeline answers 409: the whole return refused, its other action untouched too.
        var lost = await Should.ThrowAsync<Exception>(() => session.SaveChangesAsync());
        (lost is JasperFx.ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException).ShouldBeTrue(lost.ToString());
        await using var read = Host.Store.QuerySession("orkney");
        (await read.Events.FetchStreamAsync(ActionRecord.KeyFor("msg-plan", "1.1"))).Count.ShouldBe(1);
        (await read.Events.FetchStreamAsync(ActionRecord.KeyFor("msg-plan", "1.2"))).Count.ShouldBe(2);
        (await writer.GetJson(Action))["status"]!.GetValue<string>().ShouldBe("Amber");
        (await writer.GetJson("/partnerships/orkney/plans/msg-plan/actions/1.2"))["status"]!.GetValue<string>().ShouldBe("Green");
    }

    [Fact]
    public async Task a_timescale_slip_needs_a_reason_and_records_from_to_and_days()
    {
        var writer = await Host.PlanWithActionAsync();
        var refused = await writer.Send(HttpMethod.Post, $"{Action}/timescale", new { timescale = new { text = "31 March 2021" } });
        (await refused.Problem(422))["errors"]!["reason"].ShouldNotBeNull();

        var answer = await writer.Post($"{Action}/timescale", new { timescale = new { text = "31 March 2021" }, reason = "delayed due to COVID 19" });
        var action = answer["resource"]!;
        action["slips"]!.GetValue<int>().ShouldBe(1);
        action["daysSlipped"]!.GetValue<int>().ShouldBe(new DateOnly(2021, 3, 31).DayNumber - new DateOnly(2020, 1, 31).DayNumber);
        action["timescale"]!["target"]!.GetValue<string>().ShouldBe("2021-03-31");
        action["originalTimescale"]!["text"]!.GetValue<string>().ShouldBe("January 2020 IJB");

        var earlier = await writer.Post($"{Action}/timescale", new { timescale = new { text = "December 2020" } });
        earlier["resource"]!["slips"]!.GetValue<int>().ShouldBe(1);
        earlier["resource"]!["timescale"]!["target"]!.GetValue<string>().ShouldBe("2020-12-31");
    }

    [Fact]
    public async Task leads_details_milestones_and_cross_references_change_the_action()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post($"{Action}/leads", new { leads = new[] { new { name = (string?)"Ian Lorimer", role = "Chief Finance Officer", organisation = (string?)"AC" }, new { name = (string?)null, role = "EMT", organisation = (string?)null } } });
        await writer.Post($"{Action}/details", new { comment = "Must include third sector", measures = "A published workforce plan" });
        await writer.Post($"{Action}/milestones", new { description = "Draft to EMT", due = "2020-06-30" });
        await writer.Post($"{Action}/milestones/1/completion", new { });
        await writer.Post($"{Action}/cross-references", new { references = new[] { "3(v)a" } });

        var action = await writer.GetJson(Action);
        action["leads"]!.AsArray().Count.ShouldBe(2);
        action["comment"]!.GetValue<string>().ShouldBe("Must include third sector");
        action["description"]!.GetValue<string>().ShouldBe("Review the workforce plan");
        action["milestones"]![0]!["done"]!.GetValue<bool>().ShouldBeTrue();
        action["crossReferences"]![0]!.GetValue<string>().ShouldBe("3(v)a");
        action["version"]!.GetValue<int>().ShouldBe(6);

        (await (await writer.Send(HttpMethod.Post, $"{Action}/milestones/7/completion", new { })).Problem(404))["errors"]!["number"].ShouldNotBeNull();
    }

    [Fact]
    public async Task a_completed_action_is_blue_and_a_withdrawn_one_takes_no_more_changes()
    {
        var writer = await Host.PlanWithActionAsync();
        (await writer.Post($"{Action}/completion", new { reason = "Published" }))["resource"]!["status"]!.GetValue<string>().ShouldBe("Blue");
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions", new { reference = "1.2", heading = "KF1", description = "Second" });
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.2/withdrawal", new { reason = "Superseded by the Remobilisation Plan" });
        var before = await Host.EventCountAsync();
        var refused = await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.2/status", new { status = "Green" });
        await refused.Problem(409);
        (await Host.EventCountAsync()).ShouldBe(before);
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions", new { reference = "1.3", heading = "KF1", description = "Third" });
        (await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.3/supersession", new { supersededBy = "Remobilisation Plan" }))
            ["resource"]!["closure"]!.GetValue<string>().ShouldBe("Superseded");
    }

    [Fact]
    public async Task unknown_plans_actions_and_headings_are_refused_and_append_nothing()
    {
        var writer = await Host.PlanWithActionAsync();
        var before = await Host.EventCountAsync();
        await (await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/no-plan/actions/1.1/status", new { status = "Green" })).Problem(404);
        await (await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/9.9/status", new { status = "Green" })).Problem(404);
        await (await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/no-plan/actions", new { reference = "2.1", heading = "KF1", description = "x" })).Problem(404);
        (await (await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions", new { reference = "2.1", heading = "KF9", description = "x" })).Problem(422))["errors"]!["heading"].ShouldNotBeNull();
        (await (await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions", new { reference = "1.1", heading = "KF1", description = "x" })).Problem(409))["errors"]!["reference"].ShouldNotBeNull();
        (await writer.GetAsync("/partnerships/orkney/plans/msg-plan/actions/9.9")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("{\"status\":\"Purple\"}", "status")]
    [InlineData("{\"status\":2}", "status")]
    [InlineData("{\"status\":\"Green\",\"effectiveOn\":\"2020-02-30\"}", "effectiveOn")]
    [InlineData("{\"status\":\"Green\",\"effectiveOn\":\"2999-01-01\"}", "effectiveOn")]
    [InlineData("{\"status\":\"Green\",\"effectiveOn\":\"1990-01-01\"}", "effectiveOn")]
    [InlineData("{\"status\":\"Green\",\"reason\":LONG}", "reason")]
    public async Task bad_input_gets_problem_details_naming_the_field_and_appends_nothing(string body, string field)
    {
        var writer = await Host.PlanWithActionAsync();
        var before = await Host.EventCountAsync();
        var response = await writer.Send(HttpMethod.Post, $"{Action}/status", body.Replace("LONG", $"\"{new string('x', Limits.Text + 1)}\""));
        var problem = await response.Problem(400);
        problem.ToJsonString().ShouldContain(field);
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task plans_are_registered_approved_and_superseded()
    {
        await Host.OnboardAsync("dundee");
        var writer = Host.ClientFor(Roles.PartnerWriter, "dundee");
        var registered = await writer.Send(HttpMethod.Post, "/partnerships/dundee/plans",
            new { reference = "self-evaluation-2019", kind = "MsgSelfEvaluation", title = "Self-evaluation", versionLabel = "Version 0.3" });
        registered.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await writer.Post("/partnerships/dundee/plans/self-evaluation-2019/approval", new { approvingBody = "Dundee IJB", approvedOn = "2019-06-25" }))
            ["resource"]!["status"]!.GetValue<string>().ShouldBe("Approved");
        await writer.Post("/partnerships/dundee/plans/self-evaluation-2019/headings", new { reference = "2.3", kind = "MsgProposal", title = "Delegated hospital budgets", proposal = "2.3" });
        (await (await writer.Send(HttpMethod.Post, "/partnerships/dundee/plans/self-evaluation-2019/headings", new { reference = "x", kind = "MsgProposal", title = "Bad", proposal = "7.7" })).Problem(400))
            ["errors"]!["proposal"].ShouldNotBeNull();
        (await writer.Post("/partnerships/dundee/plans/self-evaluation-2019/supersession", new { supersededBy = "Self-evaluation 2020" }))
            ["resource"]!["status"]!.GetValue<string>().ShouldBe("Superseded");
        await (await writer.Send(HttpMethod.Post, "/partnerships/dundee/plans", new { reference = "self-evaluation-2019", kind = "MsgSelfEvaluation", title = "Again" })).Problem(409);
        var plan = await writer.GetJson("/partnerships/dundee/plans/self-evaluation-2019");
        plan["headings"]!.AsArray().Count.ShouldBe(1);
        plan["versionLabel"]!.GetValue<string>().ShouldBe("Version 0.3");
    }

    [Fact]
    public async Task ratings_are_recorded_revised_with_reasons_and_refused_where_national()
    {
        await Host.OnboardAsync("orkney");
        var writer = Host.ClientFor(Roles.PartnerWriter, "orkney");
        var recorded = await writer.Send(HttpMethod.Post, "/partnerships/orkney/self-assessments/2.6", new { rating = "PartlyEstablished", evidence = "Budgets set", effectiveOn = "2019-05-15" });
        recorded.StatusCode.ShouldBe(HttpStatusCode.Created);
        var revised = await writer.Post("/partnerships/orkney/self-assessments/2.6/revisions",
            new { rating = "NotYetEstablished", reason = "should be at 'not yet established'", effectiveOn = "2019-12-11" });
        revised["resource"]!["rating"]!.GetValue<string>().ShouldBe("NotYetEstablished");
        revised["resource"]!["firstRating"]!.GetValue<string>().ShouldBe("PartlyEstablished");
        (await writer.Post("/partnerships/orkney/self-assessments/2.6/revisions", new { rating = "NotYetEstablished", reason = "again" }))
            ["outcome"]!.GetValue<string>().ShouldBe("Unchanged");

        var before = await Host.EventCountAsync();
        (await (await writer.Send(HttpMethod.Post, "/partnerships/orkney/self-assessments/3.2", new { rating = "Established" })).Problem(422))["errors"]!["proposal"].ShouldNotBeNull();
        await (await writer.Send(HttpMethod.Post, "/partnerships/orkney/self-assessments/9.1", new { rating = "Established" })).Problem(404);
        await (await writer.Send(HttpMethod.Post, "/partnerships/orkney/self-assessments/2.6", new { rating = "Exemplary" })).Problem(409);
        await (await writer.Send(HttpMethod.Post, "/partnerships/orkney/self-assessments/2.5/revisions", new { rating = "Exemplary", reason = "x" })).Problem(404);
        (await (await writer.Send(HttpMethod.Post, "/partnerships/orkney/self-assessments/2.6/revisions", new { rating = "Exemplary" })).Problem(400))["errors"]!["reason"].ShouldNotBeNull();
        (await Host.EventCountAsync()).ShouldBe(before);
    }
}
