using System.Net;
using System.Text.Json.Nodes;
using PlanLedger.Security;
using PlanLedger.Tests.Changes;

namespace PlanLedger.Tests.Webhooks;

public sealed class WebhookDeliveryTests(LedgerHost host) : LedgerTest(host)
{
    private const string Hooks = "/partnerships/orkney/webhooks";

    private static async Task<(string Id, string Secret)> Subscribe(HttpClient client, string path, object body)
    {
        var response = await client.Send(HttpMethod.Post, path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var created = JsonNode.Parse(text)!;
        var secret = created["secret"]!.GetValue<string>();
        secret.ShouldStartWith("whsec_");
        return (created["subscription"]!["id"]!.GetValue<string>(), secret);
    }

    [Fact]
    public async Task every_event_is_delivered_in_ledger_order_one_a_request_signed_per_standard_webhooks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var writer = await Host.PlanWithActionAsync();
        var (id, secret) = await Subscribe(writer, Hooks, new { url = receiver.Url, after = 0 });
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Green", reason = "Done" });
        var ledger = await Host.LedgerEventIdsAsync("orkney");

        await receiver.WaitUntil(d => d.Count >= ledger.Count);

        receiver.Deliveries.Select(d => d.WebhookId).ShouldBe(ledger);
        receiver.Deliveries.ShouldAllBe(d => d.IsSignedWith(secret) && d.IsTimely);
        receiver.Deliveries.Select(d => d.Event["id"]!.GetValue<string>()).ShouldBe(ledger);
        receiver.Deliveries[^1].Event["type"]!.GetValue<string>().ShouldBe("scot.planledger.action.status-changed");
        receiver.Deliveries.ShouldNotContain(d => d.IsSignedWith("whsec_" + Convert.ToBase64String(new byte[32])));

        var subscription = await Eventually(() => writer.GetJson($"{Hooks}/{id}"), s => s["delivered"]!.GetValue<long>() == ledger.Count);
        subscription["position"]!.GetValue<long>().ShouldBe(receiver.Deliveries[^1].Position);
        subscription["delivered"]!.GetValue<long>().ShouldBe(ledger.Count);
        subscription.ToJsonString().ShouldNotContain(secret);
        var attempts = (await writer.GetJson($"{Hooks}/{id}/attempts"))["attempts"]!.AsArray();
        attempts.Count.ShouldBe(ledger.Count); // each logged in the transaction that moved the position
        attempts.ShouldAllBe(a => a!["status"]!.GetValue<int>() == 200 && a["delivered"]!.GetValue<bool>() && a["response"]!.GetValue<string>() == "thanks");
    }

    [Fact]
    public async Task a_receiver_that_is_down_for_a_while_then_receives_everything_in_order_each_retry_signed_afresh()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = n => n is <= 3 or 6 ? 503 : 200;
        var writer = await Host.PlanWithActionAsync();
        var (id, secret) = await Subscribe(writer, Hooks, new { url = receiver.Url, after = 0 });
        var ledger = await Host.LedgerEventIdsAsync("orkney");

        await receiver.WaitUntil(d => d.Count(x => x.AnsweredWith == 200) >= ledger.Count);

        receiver.Acknowledged.Select(d => d.WebhookId).ShouldBe(ledger);
        receiver.Deliveries.ShouldAllBe(d => d.IsSignedWith(secret));
        // Retries repeat the event's webhook-id; nothing later is sent before an earlier event is acknowledged.
        receiver.Deliveries.Select(d => d.WebhookId).ShouldBe([ledger[0], ledger[0], ledger[0], ledger[0], ledger[1], ledger[2], ledger[2], ledger[3]]);
        var attempts = (await Eventually(() => writer.GetJson($"{Hooks}/{id}/attempts?limit=500"),
            a => a["attempts"]!.AsArray().Count == receiver.Deliveries.Count))["attempts"]!.AsArray();
        var failed = attempts.Where(a => !a!["delivered"]!.GetValue<bool>()).ToList();
        failed.Count.ShouldBe(4);
        failed.ShouldAllBe(a => a!["status"]!.GetValue<int>() == 503 && a["response"]!.GetValue<string>() == "receiver is down for maintenance");
        (await writer.GetJson($"{Hooks}/{id}"))["consecutiveFailures"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task after_a_run_of_failures_the_subscription_is_paused_with_the_reason_and_resumes_where_it_stopped()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 500;
        var writer = await Host.PlanWithActionAsync();
        var (id, _) = await Subscribe(writer, Hooks, new { url = receiver.Url, after = 0 });

        await receiver.WaitUntil(d => d.Count >= 5);
        var subscription = await Eventually(() => writer.GetJson($"{Hooks}/{id}"), s => s["state"]!.GetValue<string>() == "Paused");
        subscription["pausedReason"]!.GetValue<string>().ShouldContain("5 failed deliveries in a row");
        subscription["pausedReason"]!.GetValue<string>().ShouldContain("500");
        subscription["position"]!.GetValue<long>().ShouldBe(0);
        receiver.Deliveries.Count.ShouldBe(5);

        receiver.Answer = _ => 200;
        var resumed = await writer.Send(HttpMethod.Post, $"{Hooks}/{id}/resume", new { });
        resumed.StatusCode.ShouldBe(HttpStatusCode.OK, await resumed.Content.ReadAsStringAsync());
        var ledger = await Host.LedgerEventIdsAsync("orkney");
        await receiver.WaitUntil(d => d.Count(x => x.AnsweredWith == 200) >= ledger.Count);
        receiver.Acknowledged.Select(d => d.WebhookId).ShouldBe(ledger);
    }

    /// <summary>Reads until the answer shows the condition (the dispatcher commits just after the receiver answers).</summary>
    public static async Task<JsonNode> Eventually(Func<Task<JsonNode>> read, Func<JsonNode, bool> condition, int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var answer = await read();
            if (condition(answer)) return answer;
            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task a_subscription_receives_only_the_event_types_it_asked_for_and_only_its_partnership()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var writer = await Host.PlanWithActionAsync();
        var angus = await Host.PlanWithActionAsync("angus");
        await Subscribe(writer, Hooks, new { url = receiver.Url, eventTypes = new[] { "scot.planledger.action.status-changed" } });
        await angus.Post("/partnerships/angus/plans/msg-plan/actions/1.1/status", new { status = "Red", reason = "Elsewhere" });
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Green", reason = "Done" });
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Blue", reason = "Completed" });

        await receiver.WaitUntil(d => d.Count >= 2);
        receiver.Deliveries.Select(d => d.Event["data"]!["to"]!.GetValue<string>()).ShouldBe(["Green", "Blue"]);
        receiver.Deliveries.ShouldAllBe(d => d.Event["partnership"]!.GetValue<string>() == "orkney");
    }

    [Fact]
    public async Task a_replay_delivers_again_from_a_position_and_a_rotated_secret_signs_beside_the_old_one()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var writer = await Host.PlanWithActionAsync();
        var (id, oldSecret) = await Subscribe(writer, Hooks, new { url = receiver.Url, after = 0 });
        var ledger = await Host.LedgerEventIdsAsync("orkney");
        await receiver.WaitUntil(d => d.Count >= ledger.Count);
        await Eventually(() => writer.GetJson($"{Hooks}/{id}"), s => s["delivered"]!.GetValue<long>() == ledger.Count);

        var rotated = await writer.Post($"{Hooks}/{id}/secret", new { });
        var newSecret = rotated["secret"]!.GetValue<string>();
        newSecret.ShouldNotBe(oldSecret);
        var replay = await writer.Post($"{Hooks}/{id}/replay", new { after = receiver.Deliveries[1].Position });
        replay["position"]!.GetValue<long>().ShouldBe(receiver.Deliveries[1].Position);

        await receiver.WaitUntil(d => d.Count >= ledger.Count * 2 - 2);
        var replayed = receiver.Deliveries.Skip(ledger.Count).ToList();
        replayed.Select(d => d.WebhookId).ShouldBe(ledger.Skip(2));
        replayed.ShouldAllBe(d => d.IsSignedWith(newSecret) && d.IsSignedWith(oldSecret));
    }

    [Fact]
    public async Task subscriptions_are_listed_paused_and_deleted_by_their_partnership_and_the_admin_but_not_its_readers()
    {
        await Host.PlanWithActionAsync();
        using var admin = Host.ClientFor(Roles.Admin);
        using var reader = Host.ClientFor(Roles.PartnerReader, "orkney");
        using var national = Host.ClientFor(Roles.National);
        var (id, _) = await Subscribe(admin, Hooks, new { url = "http://127.0.0.1:9/hook" });
        var (nationalId, _) = await Subscribe(national, "/national/webhooks", new { url = "http://127.0.0.1:9/national" });

        (await admin.GetJson(Hooks)).AsArray().Single()!["id"]!.GetValue<string>().ShouldBe(id);
        (await national.GetJson("/national/webhooks")).AsArray().Single()!["id"]!.GetValue<string>().ShouldBe(nationalId);
        (await reader.GetAsync(Hooks)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await national.GetAsync($"/national/webhooks/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var paused = await admin.Post($"{Hooks}/{id}/pause", new { reason = "Receiver moving to a new host" });
        paused["state"]!.GetValue<string>().ShouldBe("Paused");
        paused["pausedReason"]!.GetValue<string>().ShouldBe("Receiver moving to a new host");
        (await admin.Send(HttpMethod.Delete, $"{Hooks}/{id}", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.GetAsync($"{Hooks}/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.GetJson(Hooks)).AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task two_api_nodes_never_deliver_one_subscription_at_once_nor_twice()
    {
        await using var second = Host.Factory(Host.ConnectionString, "Disabled");
        using (var probe = second.CreateClient())
            await Eventually(async () => JsonValue.Create((int)(await probe.GetAsync("/health/ready")).StatusCode), ready => ready.GetValue<int>() == 200, 60);
        await using var receiver = await WebhookReceiver.StartAsync();
        var writer = await Host.PlanWithActionAsync();
        await Subscribe(writer, Hooks, new { url = receiver.Url, after = 0 });
        string[] statuses = ["Red", "Amber", "Green"];
        for (var i = 0; i < 12; i++)
            await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = statuses[i % 3], reason = $"Change {i}" });
        var ledger = await Host.LedgerEventIdsAsync("orkney");

        await receiver.WaitUntil(d => d.Count >= ledger.Count);
        receiver.Deliveries.Select(d => d.WebhookId).ShouldBe(ledger);
        receiver.MostAtOnce.ShouldBe(1);
    }

    [Fact]
    public async Task attempts_older_than_the_retention_period_leave_the_log()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var writer = await Host.PlanWithActionAsync();
        var (id, _) = await Subscribe(writer, Hooks, new { url = receiver.Url, after = 0 });
        var ledger = await Host.LedgerEventIdsAsync("orkney");
        await Eventually(() => writer.GetJson($"{Hooks}/{id}/attempts"), a => a["attempts"]!.AsArray().Count == ledger.Count);

        Host.Clock.Advance(TimeSpan.FromDays(31));
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Green", reason = "A month on" });
        var attempts = await Eventually(() => writer.GetJson($"{Hooks}/{id}/attempts"),
            a => a["attempts"]!.AsArray().Count == 1 && a["attempts"]![0]!["delivered"]!.GetValue<bool>());
        attempts["attempts"]![0]!["eventType"]!.GetValue<string>().ShouldBe("scot.planledger.action.status-changed");
    }

    [Fact]
    public async Task a_receiver_that_does_not_answer_in_time_gets_the_event_again_with_the_same_webhook_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var late = new TaskCompletionSource();
        receiver.Hold = n => n == 1 ? late.Task : Task.CompletedTask;
        var writer = await Host.PlanWithActionAsync();
        var (id, _) = await Subscribe(writer, Hooks, new { url = receiver.Url, after = 0 });

        var attempts = await Eventually(() => writer.GetJson($"{Hooks}/{id}/attempts"),
            a => a["attempts"]!.AsArray().Any(x => !x!["delivered"]!.GetValue<bool>()));
        var timedOut = attempts["attempts"]!.AsArray().Single(x => !x!["delivered"]!.GetValue<bool>())!;
        timedOut["error"]!.GetValue<string>().ShouldStartWith("No complete answer within 3 s");
        timedOut["status"].ShouldBeNull();
        timedOut["webhookId"]!.GetValue<string>().ShouldBe((await Host.LedgerEventIdsAsync("orkney"))[0]);
        late.SetResult();

        var ledger = await Host.LedgerEventIdsAsync("orkney");
        await receiver.WaitUntil(d => d.Count >= ledger.Count + 1);
        receiver.Deliveries.Select(d => d.WebhookId).Distinct().ShouldBe(ledger);
        receiver.Deliveries.Count(d => d.WebhookId == ledger[0]).ShouldBe(2);
    }

    [Fact]
    public async Task bad_subscriptions_are_refused_naming_the_field()
    {
        var writer = await Host.PlanWithActionAsync();
        (await (await writer.Send(HttpMethod.Post, Hooks, new { url = "ftp://example.org/x" })).Problem(400))["errors"]!["url"].ShouldNotBeNull();
        (await (await writer.Send(HttpMethod.Post, Hooks, new { url = "not a url" })).Problem(400))["errors"]!["url"].ShouldNotBeNull();
        (await (await writer.Send(HttpMethod.Post, Hooks, new { url = "https://example.org/x", eventTypes = new[] { "scot.planledger.action.exploded" } }))
            .Problem(400))["errors"]!.ToJsonString().ShouldContain("eventTypes");
        (await (await writer.Send(HttpMethod.Post, Hooks, new { url = "https://example.org/x", after = -1 })).Problem(400))["errors"]!["after"].ShouldNotBeNull();
        (await (await writer.Send(HttpMethod.Post, $"{Hooks}/{Guid.NewGuid()}/replay", new { after = 0 })).Problem(404)).ShouldNotBeNull();
        (await (await writer.GetAsync($"{Hooks}/not-an-id")).Problem(404)).ShouldNotBeNull();
    }
}
