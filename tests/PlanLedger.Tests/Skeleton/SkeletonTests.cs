using System.Net;
using System.Text.Json.Nodes;

namespace PlanLedger.Tests.Skeleton;

public sealed class SkeletonTests(LedgerHost host) : LedgerTest(host)
{
    [Fact]
    public async Task ready_answers_200_when_postgresql_is_up()
    {
        var response = await Host.Client.GetAsync("/health/ready");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Healthy");
    }

    [Fact]
    public async Task ready_answers_503_while_postgresql_is_unreachable_and_live_stays_200()
    {
        // Port 1 on loopback: nothing listens there.
        await using var factory = Host.Factory("Host=127.0.0.1;Port=1;Username=postgres;Database=postgres;Timeout=2", "Disabled");
        using var client = factory.CreateClient();
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task an_unknown_route_answers_problem_details()
    {
        var response = await Host.Client.GetAsync("/no/such/route");
        var problem = await response.Problem(404);
        problem["status"]!.GetValue<int>().ShouldBe(404);
    }

    [Fact]
    public async Task malformed_json_answers_problem_details_and_appends_nothing()
    {
        var writer = await Host.PlanWithActionAsync();
        var before = await Host.EventCountAsync();
        var response = await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/status", "{\"status\": ");
        var problem = await response.Problem(400);
        problem["detail"]!.GetValue<string>().ShouldContain("status");
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task the_openapi_document_is_served()
    {
        var document = JsonNode.Parse(await Host.Client.GetStringAsync("/openapi/v1.json"))!;
        document["paths"]!.AsObject().Count.ShouldBeGreaterThan(10);
    }
}

public sealed class FrameworkTests(LedgerHost host) : LedgerTest(host)
{
    [Fact]
    public async Task the_msg_framework_has_six_key_features_and_twenty_five_proposals_three_of_them_national()
    {
        using var reader = Host.ClientFor(PlanLedger.Security.Roles.National);
        var framework = await reader.GetJson("/frameworks/msg-2019");
        var proposals = framework["keyFeatures"]!.AsArray().SelectMany(k => k!["proposals"]!.AsArray()).ToList();
        framework["keyFeatures"]!.AsArray().Count.ShouldBe(6);
        proposals.Count.ShouldBe(25);
        proposals.Where(p => !p!["forLocalCompletion"]!.GetValue<bool>()).Select(p => p!["number"]!.GetValue<string>())
            .ShouldBe(["3.2", "3.3", "5.3"]);
    }
}
