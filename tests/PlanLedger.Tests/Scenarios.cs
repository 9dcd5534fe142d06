using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using PlanLedger.Infrastructure;
using PlanLedger.Security;

namespace PlanLedger.Tests;

/// <summary>Scenario builders that go through the HTTP API, as a partner system would.</summary>
public static class Scenarios
{
    public static readonly JsonSerializerOptions Json = LedgerHttp.Configure(new JsonSerializerOptions());

    public static async Task OnboardAsync(this LedgerHost host, params string[] codes)
    {
        using var admin = host.ClientFor(Roles.Admin);
        foreach (var code in codes)
            (await admin.PostAsJsonAsync("/partnerships", new { code, name = $"{code} partnership" })).EnsureSuccessStatusCode();
    }

    /// <summary>Onboards a partnership, registers a plan with one heading and adds one Amber action "1.1" under it.</summary>
    public static async Task<HttpClient> PlanWithActionAsync(this LedgerHost host, string partnership = "orkney", string plan = "msg-plan", string action = "1.1")
    {
        await host.OnboardAsync(partnership);
        var writer = host.ClientFor(Roles.PartnerWriter, partnership);
        await writer.Post($"/partnerships/{partnership}/plans", new { reference = plan, kind = "MsgImprovementActionPlan", title = "MSG improvement action plan", effectiveOn = "2019-07-01" });
        await writer.Post($"/partnerships/{partnership}/plans/{plan}/headings", new { reference = "KF1", kind = "StrategicPriority", title = "Collaborative leadership", effectiveOn = "2019-07-01" });
        await writer.Post($"/partnerships/{partnership}/plans/{plan}/actions", new
        {
            reference = action, heading = "KF1", description = "Review the workforce plan", status = "Amber",
            timescale = new { text = "January 2020 IJB" }, leads = new[] { new { name = "Bill Troup", role = (string?)null, organisation = (string?)null } },
            effectiveOn = "2019-07-01"
        });
        return writer;
    }

    /// <summary>A client of another host, carrying a bearer token.</summary>
    public static HttpClient ClientWith(this Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Posts and insists on success; returns the JSON answer.</summary>
    public static async Task<JsonNode> Post(this HttpClient client, string path, object body, string? idempotencyKey = null)
    {
        var response = await client.Send(HttpMethod.Post, path, body, idempotencyKey);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static Task<HttpResponseMessage> Send(this HttpClient client, HttpMethod method, string path, object? body, string? idempotencyKey = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = body is string raw
            ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json")
            : JsonContent.Create(body, body.GetType(), options: Json);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    public static async Task<JsonNode> GetJson(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> Problem(this HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", text);
        return JsonNode.Parse(text)!;
    }
}
