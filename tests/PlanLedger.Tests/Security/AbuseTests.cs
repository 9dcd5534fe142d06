using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PlanLedger.Security;

namespace PlanLedger.Tests.Security;

public sealed class AbuseTests(LedgerHost host) : LedgerTest(host)
{
    private static IEnumerable<string> HostileBodies(Random random)
    {
        yield return "";
        yield return "{";
        yield return "[]";
        yield return "null";
        yield return "123";
        yield return "\"text\"";
        yield return "{\"status\": 12, \"reason\": []}";
        yield return "{\"items\": {}}";
        yield return "{\"reference\": null, \"heading\": 5}";
        yield return "{\"effectiveOn\": \"31/12/2020\"}";
        yield return "{\"timescale\": {\"text\": \"\", \"start\": \"2021-01-01\", \"end\": \"2020-01-01\"}}";
        yield return new string('[', 100) + new string(']', 100);
        yield return "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 60)) + "1" + new string('}', 61);
        yield return "{\"description\": \"" + new string('x', 20_000) + "\"}";
        for (var i = 0; i < 5; i++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            yield return Encoding.Latin1.GetString(bytes);
        }
    }

    [Fact]
    public async Task hostile_bodies_never_get_a_500_and_never_append()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post("/partnerships/orkney/self-assessments/2.6", new { rating = "Established" });
        var before = await Host.EventCountAsync();
        var document = JsonNode.Parse(await Host.Client.GetStringAsync("/openapi/v1.json"))!;
        var writes = document["paths"]!.AsObject()
            .Where(p => p.Key.Contains("{partnershipId}") && p.Value!["post"] is not null)
            .Select(p => p.Key.Replace("{partnershipId}", "orkney").Replace("{plan}", "msg-plan").Replace("{action}", "1.1")
                .Replace("{proposal}", "2.6").Replace("{number}", "1"))
            .ToList();
        writes.Count.ShouldBeGreaterThan(10);

        var random = new Random(20201130);
        foreach (var path in writes)
        foreach (var body in HostileBodies(random))
        {
            var response = await writer.Send(HttpMethod.Post, path, body);
            ((int)response.StatusCode).ShouldBeInRange(400, 499, $"POST {path} with {body[..Math.Min(body.Length, 40)]}");
        }
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task an_oversized_body_is_refused_with_413()
    {
        var writer = await Host.PlanWithActionAsync();
        var before = await Host.EventCountAsync();
        var body = "{\"period\":\"x\",\"narrative\":\"" + new string('x', 2_000_000) + "\"}";
        var response = await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/progress-updates", body);
        await response.Problem(413);
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_client_over_its_rate_is_refused_with_429_and_retry_after()
    {
        await Host.PlanWithActionAsync();
        await using var limited = Host.Factory(Host.ConnectionString, "Disabled", permitsPerSecond: 2);
        using var client = limited.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Host.Token(Roles.PartnerReader, "orkney"));
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++) answers.Add(await client.GetAsync("/partnerships/orkney/plans"));
        var refused = answers.FirstOrDefault(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        refused.ShouldNotBeNull();
        refused.Headers.RetryAfter.ShouldNotBeNull();
        await refused.Problem(429);
    }
}
