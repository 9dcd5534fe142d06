using System.Text.Json.Nodes;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PlanLedger.Changes;
using PlanLedger.Ledger;
using PlanLedger.SelfAssessments;

namespace PlanLedger.Tests.Changes;

/// <summary>One page of a feed as a partner system reads it.</summary>
public sealed record FeedPage(HttpResponseMessage Response, JsonArray Events, long Next)
{
    public IEnumerable<long> Positions => Events.Select(e => long.Parse(e!["position"]!.GetValue<string>()));
}

public static class FeedScenarios
{
    public static async Task<FeedPage> ReadPage(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, text);
        response.Content.Headers.ContentType!.MediaType.ShouldBe(ChangeEvent.BatchMediaType);
        return new FeedPage(response, JsonNode.Parse(text)!.AsArray(), long.Parse(response.Headers.GetValues(GetChanges.PositionHeader).Single()));
    }

    /// <summary>Follows next links from <paramref name="after"/> until a partial page.</summary>
    public static async Task<(List<JsonNode> Events, long Next)> Follow(this HttpClient client, string feed, long after = 0, int limit = 100)
    {
        var events = new List<JsonNode>();
        while (true)
        {
            var page = await client.ReadPage($"{feed}?after={after}&limit={limit}");
            events.AddRange(page.Events.Select(e => e!));
            after = page.Next;
            if (page.Events.Count < limit) return (events, after);
        }
    }

    /// <summary>The ids of a partnership's events as the ledger holds them, in ledger order (its onboarding included).</summary>
    public static Task<List<string>> LedgerEventIdsAsync(this LedgerHost host, string? partnership) => LedgerEventIdsAsync(host.ConnectionString, partnership);

    public static async Task<List<string>> LedgerEventIdsAsync(string connectionString, string? partnership)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(partnership is null
            ? "select id from planledger.mt_events order by seq_id"
            : "select id from planledger.mt_events where tenant_id = @p or (tenant_id = 'national' and stream_id = 'partnership/' || @p) order by seq_id", connection);
        command.Parameters.AddWithValue("p", partnership ?? "");
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0).ToString());
        return ids;
    }

    /// <summary>Waits until a feed reader is parked waiting for the ledger to move (an observable condition, not a sleep).</summary>
    public static async Task ReaderIsWaitingAsync(this LedgerHost host)
    {
        var safe = host.Services.GetRequiredService<SafePosition>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (safe.Waiting == 0) await Task.Delay(5, timeout.Token);
    }
}

/// <summary>
/// A slow writer: appends a rating through Marten inside a transaction it holds open, so its sequence number
/// is taken while its event is not yet committed.
/// </summary>
public sealed class HeldAppend : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    public long Sequence { get; private set; }

    private HeldAppend(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<HeldAppend> StartAsync(LedgerHost host, string partnership, string proposal)
    {
        var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        var held = new HeldAppend(connection, transaction);
        var options = SessionOptions.ForTransaction(transaction);
        options.TenantId = partnership;
        await using (var session = host.Store.LightweightSession(options))
        {
            session.Events.StartStream(SelfAssessment.KeyFor(proposal), new RatingRecorded(proposal, Rating.PartlyEstablished, null, null, "slow writer", null,
                new Provenance(new DateOnly(2019, 5, 15), DateTimeOffset.UtcNow, "slow-writer", "slow-system", null)));
            await session.SaveChangesAsync();
        }
        await using var command = new NpgsqlCommand("select max(seq_id) from planledger.mt_events where stream_id = @s and tenant_id = @t", connection, transaction);
        command.Parameters.AddWithValue("s", SelfAssessment.KeyFor(proposal));
        command.Parameters.AddWithValue("t", partnership);
        held.Sequence = (long)(await command.ExecuteScalarAsync())!;
        return held;
    }

    public Task CommitAsync() => _transaction.CommitAsync();

    public Task RollbackAsync() => _transaction.RollbackAsync();

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
