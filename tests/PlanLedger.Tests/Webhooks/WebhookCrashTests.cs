using System.Text.Json.Nodes;
using Npgsql;
using PlanLedger.Security;
using PlanLedger.Tests.Changes;

namespace PlanLedger.Tests.Webhooks;

/// <summary>
/// The API as it runs in production, a separate <c>dotnet PlanLedger.Api.dll</c> process, killed while a
/// delivery is in flight and started again against the same database.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class WebhookCrashTests(LedgerHost host)
{
    private static readonly string Database = LedgerHost.TestDatabase + "_crash";

    [Fact]
    public async Task the_api_killed_mid_delivery_delivers_every_event_after_restart_repeating_only_the_one_in_flight()
    {
        var connectionString = await FreshDatabaseAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var inFlight = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        receiver.Hold = async n =>
        {
            if (n != 3) return;
            inFlight.TrySetResult();
            await release.Task;
        };

        using var first = await ApiProcess.StartAsync(connectionString, host.SigningKey);
        var writer = first.Client(host.SigningKey, Roles.PartnerWriter, "orkney");
        await first.Client(host.SigningKey, Roles.Admin).Post("/partnerships", new { code = "orkney", name = "Orkney" });
        await writer.Post("/partnerships/orkney/self-assessments/1.1", new { rating = "PartlyEstablished" });
        await writer.Post("/partnerships/orkney/self-assessments/1.2", new { rating = "Established" });
        await writer.Post("/partnerships/orkney/self-assessments/1.3", new { rating = "Established" });
        var created = await writer.Post("/partnerships/orkney/webhooks", new { url = receiver.Url, after = 0 });
        var secret = created["secret"]!.GetValue<string>();

        await inFlight.Task.WaitAsync(TimeSpan.FromSeconds(60));
        first.Kill();
        release.SetResult();

        using var second = await ApiProcess.StartAsync(connectionString, host.SigningKey);
        var again = second.Client(host.SigningKey, Roles.PartnerWriter, "orkney");
        await again.Post("/partnerships/orkney/self-assessments/1.1/revisions", new { rating = "Established", reason = "Re-evaluated in December" });
        var ledger = await FeedScenarios.LedgerEventIdsAsync(connectionString, "orkney");
        ledger.Count.ShouldBe(5);

        await receiver.WaitUntil(d => d.Select(x => x.WebhookId).Distinct().Count() >= ledger.Count, seconds: 90);
        var ids = receiver.Deliveries.Select(d => d.WebhookId).ToList();
        // In order, and the only repeat is the event that was in flight, with the same webhook-id.
        ids.Where((id, i) => i == 0 || ids[i - 1] != id).ShouldBe(ledger);
        ids.Count(id => id == ledger[2]).ShouldBe(2);
        ids.Count.ShouldBe(ledger.Count + 1);
        receiver.Deliveries.ShouldAllBe(d => d.IsSignedWith(secret));
    }

    private async Task<string> FreshDatabaseAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(host.ConnectionString) { Database = "postgres" }.ConnectionString;
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"drop database if exists {Database} with (force)", connection)) await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"create database {Database}", connection)) await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(host.ConnectionString) { Database = Database }.ConnectionString;
    }
}
