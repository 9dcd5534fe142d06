using System.Net;
using System.Text.Json.Nodes;
using PlanLedger.Security;

namespace PlanLedger.Tests.Actions;

/// <summary>RFC 9110 preconditions on every write, and returns that answer exactly what they recorded.</summary>
public sealed class PreconditionTests(LedgerHost host) : LedgerTest(host)
{
    private const string Plan = "/partnerships/orkney/plans/msg-plan";
    private const string Action = Plan + "/actions/1.1";

    public static TheoryData<string, string> Creates => new()
    {
        { "/partnerships/orkney/plans/msg-plan/actions", """{"reference":"1.2","heading":"KF1","description":"Raise awareness"}""" },
        { "/partnerships/orkney/plans", """{"reference":"second-plan","kind":"MsgImprovementActionPlan","title":"Another"}""" },
        { "/partnerships/orkney/self-assessments/1.1", """{"rating":"Established"}""" },
        { "/partnerships", """{"code":"angus","name":"Angus"}""" }
    };

    [Theory]
    [MemberData(nameof(Creates))]
    public async Task a_create_with_if_match_is_412_because_nothing_exists_to_match_and_appends_nothing(string path, string body)
    {
        await Host.PlanWithActionAsync();
        using var client = path == "/partnerships" ? Host.ClientFor(Roles.Admin) : Host.ClientFor(Roles.PartnerWriter, "orkney");
        var before = await Host.EventCountAsync();

        var problem = await (await client.Send(HttpMethod.Post, path, body, ifMatch: "\"999\"")).Problem(412);

        problem["errors"]!["If-Match"].ShouldNotBeNull();
        (await Host.EventCountAsync()).ShouldBe(before);
        (await client.Send(HttpMethod.Post, path, body)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task if_none_match_star_creates_only_when_absent()
    {
        var writer = await Host.PlanWithActionAsync();
        var plan = new { reference = "msg-plan", kind = "MsgImprovementActionPlan", title = "MSG improvement action plan" };
        var before = await Host.EventCountAsync();

        var existing = await SendIfNoneMatch(writer, "/partnerships/orkney/plans", plan);
        (await existing.Problem(412))["errors"]!["If-None-Match"].ShouldNotBeNull();
        (await Host.EventCountAsync()).ShouldBe(before);

        var absent = await SendIfNoneMatch(writer, "/partnerships/orkney/plans", plan with { reference = "new-plan" });
        absent.StatusCode.ShouldBe(HttpStatusCode.Created);
        absent.Headers.ETag!.Tag.ShouldBe("\"1\"");
    }

    [Fact]
    public async Task a_change_checks_if_match_strongly_against_the_current_version()
    {
        var writer = await Host.PlanWithActionAsync();
        (await (await writer.Send(HttpMethod.Post, $"{Action}/status", new { status = "Green" }, ifMatch: "W/\"1\"")).Problem(412))
            ["errors"]!["If-Match"].ShouldNotBeNull();
        (await writer.Send(HttpMethod.Post, $"{Action}/status", new { status = "Green" }, ifMatch: "not-an-etag")).StatusCode
            .ShouldBe(HttpStatusCode.BadRequest);

        var changed = await writer.Send(HttpMethod.Post, $"{Action}/status", new { status = "Green" }, ifMatch: "\"7\", \"1\"");
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        changed.Headers.ETag!.Tag.ShouldBe("\"2\"");
    }

    [Fact]
    public async Task a_return_with_if_match_is_refused_with_400_naming_it_and_appends_nothing()
    {
        var writer = await Host.PlanWithActionAsync();
        var before = await Host.EventCountAsync();

        var response = await writer.Send(HttpMethod.Post, $"{Plan}/returns",
            new { period = "November 2020", items = new[] { new { action = "1.1", status = new { status = "Green" } } } }, ifMatch: "\"0\"");

        (await response.Problem(400))["errors"]!["If-Match"].ShouldNotBeNull();
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_return_item_with_a_stale_expected_version_refuses_the_whole_return_with_412()
    {
        var writer = await Host.PlanWithActionAsync();
        var before = await Host.EventCountAsync();

        var response = await writer.Send(HttpMethod.Post, $"{Plan}/returns", new
        {
            period = "November 2020",
            items = new object[]
            {
                new { action = "1.2", newAction = new { reference = "1.2", heading = "KF1", description = "Raise awareness" } },
                new { action = "1.1", expectedVersion = 5, status = new { status = "Green" } }
            }
        });

        var problem = await response.Problem(412);
        problem["items"]![0]!["outcome"]!.GetValue<string>().ShouldBe("NotRecorded");
        problem["items"]![1]!["outcome"]!.GetValue<string>().ShouldBe("Refused");
        problem["items"]![1]!["problem"]!["errors"]!["items[1].expectedVersion"].ShouldNotBeNull();
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_recorded_return_answers_per_item_the_versions_the_actions_really_reached()
    {
        var writer = await Host.PlanWithActionAsync();
        var response = await writer.Send(HttpMethod.Post, $"{Plan}/returns", new
        {
            period = "November 2020",
            effectiveOn = "2020-11-30",
            items = new object[]
            {
                new { action = "1.1", expectedVersion = 1, progressUpdate = new { period = "November 2020", narrative = "Drafted", status = "Green" } },
                new { action = "1.2", newAction = new { reference = "1.2", heading = "KF1", description = "Raise awareness" }, status = new { status = "Amber" } },
                new { action = "1.1", expectedVersion = 3, status = new { status = "Green" } }
            }
        });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.ETag.ShouldBeNull();
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        answer["outcome"]!.GetValue<string>().ShouldBe("Appended");
        answer["eventsAppended"]!.GetValue<int>().ShouldBe(4);
        answer["resource"]!["items"]!.ToJsonString().ShouldBe(
            """[{"index":0,"action":"1.1","outcome":"Appended","eventsAppended":2,"version":3},""" +
            """{"index":1,"action":"1.2","outcome":"Appended","eventsAppended":2,"version":2},""" +
            """{"index":2,"action":"1.1","outcome":"Unchanged","eventsAppended":0,"version":3}]""");

        (await writer.GetAsync(Action)).Headers.ETag!.Tag.ShouldBe("\"3\"");
        (await writer.GetAsync($"{Plan}/actions/1.2")).Headers.ETag!.Tag.ShouldBe("\"2\"");
    }

    [Fact]
    public async Task every_write_answers_the_ledger_position_it_reached_and_a_replay_answers_the_same()
    {
        var writer = await Host.PlanWithActionAsync();
        var first = await writer.Post($"{Action}/status", new { status = "Green" }, idempotencyKey: "position-1");
        var position = first["position"]!.GetValue<long>();
        position.ShouldBe(await Host.LastPositionAsync());

        var replay = await writer.Send(HttpMethod.Post, $"{Action}/status", new { status = "Green" }, idempotencyKey: "position-1");
        replay.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["position"]!.GetValue<long>().ShouldBe(position);

        var unchanged = await writer.Post($"{Action}/status", new { status = "Green" });
        unchanged["outcome"]!.GetValue<string>().ShouldBe("Unchanged");
        unchanged["position"].ShouldBeNull();

        var another = await writer.Post($"{Action}/status", new { status = "Red" });
        another["position"]!.GetValue<long>().ShouldBe(position + 1);
    }

    private static Task<HttpResponseMessage> SendIfNoneMatch(HttpClient client, string path, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = System.Net.Http.Json.JsonContent.Create(body, body.GetType(), options: Scenarios.Json) };
        request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        return client.SendAsync(request);
    }
}
