using System.Text.Json.Nodes;
using Npgsql;
using PlanLedger.Security;
using PlanLedger.Tests.National;

namespace PlanLedger.Tests.Skeleton;

/// <summary>No session of ours holds PostgreSQL's transaction horizon back, and readiness warns when one does.</summary>
public sealed class TransactionHorizonTests(LedgerHost host) : LedgerTest(host)
{
    [Fact]
    public async Task the_default_daemon_holds_no_transaction_open_while_it_projects()
    {
        await Host.OnboardAsync("orkney");
        await Host.ClientFor(Roles.PartnerWriter, "orkney").Rate("orkney", "2.3", "Established", "2019-05-31");
        await Host.NationalViewsCaughtUpAsync();

        await using var connection = new NpgsqlConnection(Host.ConnectionString);
        await connection.OpenAsync();
        await using var open = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'", connection);
        ((long)(await open.ExecuteScalarAsync())!).ShouldBe(0);
    }

    [Fact]
    public async Task readiness_turns_degraded_naming_the_session_that_holds_the_horizon_back()
    {
        await using var api = Host.Factory(Host.ConnectionString, "Solo", settings: new Dictionary<string, string> { ["Ledger:XminAgeWarning"] = "5" });
        using var client = api.CreateClient();
        // A new host applies the schema before it is ready; poll readiness as a load balancer would.
        for (var i = 0; i < 240 && !(await client.GetAsync("/health/ready")).IsSuccessStatusCode; i++) await Task.Delay(250);
        (await Horizon(client))["status"]!.GetValue<string>().ShouldBe("Healthy");

        await using var holder = new NpgsqlConnection(Host.ConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await new NpgsqlCommand("select count(*) from planledger.mt_events", holder, transaction).ExecuteScalarAsync();
        await using (var writer = new NpgsqlConnection(Host.ConnectionString))
        {
            await writer.OpenAsync();
            for (var i = 0; i < 10; i++) await new NpgsqlCommand("select txid_current()", writer).ExecuteScalarAsync();
        }

        var degraded = await Horizon(client);
        degraded["status"]!.GetValue<string>().ShouldBe("Degraded");
        degraded["description"]!.GetValue<string>().ShouldContain($"Session {holder.ProcessID}");

        await transaction.CommitAsync();
        (await Horizon(client))["status"]!.GetValue<string>().ShouldBe("Healthy");
    }

    private static async Task<JsonNode> Horizon(HttpClient client)
    {
        var response = await client.GetAsync("/health/ready");
        ((int)response.StatusCode).ShouldBe(200);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["checks"]!["transaction-horizon"]!;
    }
}
