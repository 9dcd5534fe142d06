using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Npgsql;
using PlanLedger.Actions;
using PlanLedger.Ledger;

namespace PlanLedger.Tests.Actions;

/// <summary>A return over existing actions is appended in one statement (<see cref="ActionAppends"/>), not through Marten's per-stream append.</summary>
public sealed class ReturnAppendTests(LedgerHost host) : LedgerTest(host)
{
    private const string Plan = "/partnerships/orkney/plans/msg-plan";
    private static readonly string[] References = ["1.1", "1.2", "1.3", "1.4", "1.5"];

    /// <summary>The plan with actions 1.1 to 1.5, the last four added by a return (through Marten's append: a return that adds actions).</summary>
    private async Task<HttpClient> FiveActionsAsync()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post($"{Plan}/returns", new
        {
            period = "Added",
            items = References.Skip(1).Select(r => new { action = r, newAction = new { reference = r, heading = "KF1", description = $"Action {r}" } })
        });
        return writer;
    }

    [Fact]
    public async Task parallel_returns_over_the_same_actions_are_each_recorded_whole_or_refused_409_and_the_stored_state_is_the_fold_of_the_events()
    {
        var writer = await FiveActionsAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => writer.Send(HttpMethod.Post, $"{Plan}/returns", new
        {
            period = $"Return {i}",
            items = References.Select(r => new { action = r, progressUpdate = new { period = $"Return {i}", narrative = $"Update {i} of {r}" } })
        })));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.Conflict);
        var recorded = new Dictionary<string, long>();
        foreach (var (response, i) in responses.Select((r, i) => (r, i)).Where(x => x.r.StatusCode == HttpStatusCode.OK))
        {
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            answer["eventsAppended"]!.GetValue<int>().ShouldBe(References.Length);
            recorded[$"Return {i}"] = answer["position"]!.GetValue<long>();
        }
        recorded.ShouldNotBeEmpty();

        await using var session = Host.Store.QuerySession("orkney");
        var positions = new Dictionary<string, long>();
        foreach (var reference in References)
        {
            var key = ActionRecord.KeyFor("msg-plan", reference);
            var events = await session.Events.FetchStreamAsync(key);
            var updates = events.Where(e => e.Data is ProgressUpdateRecorded).ToList();
            // Every recorded return reached every action, and no refused one reached any.
            updates.Select(e => ((ProgressUpdateRecorded)e.Data).Period).ShouldBe(recorded.Keys, ignoreOrder: true);
            events.Select(e => e.Version).ShouldBe(Enumerable.Range(1, events.Count).Select(v => (long)v));
            foreach (var e in updates)
                positions[((ProgressUpdateRecorded)e.Data).Period] = Math.Max(positions.GetValueOrDefault(((ProgressUpdateRecorded)e.Data).Period), e.Sequence);

            var stored = await session.LoadAsync<ActionRecord>(key);
            var folded = StreamState.FoldAll<ActionRecord>(null, key, events.Select(e => e.Data));
            JsonSerializer.Serialize(stored, Scenarios.Json).ShouldBe(JsonSerializer.Serialize(folded, Scenarios.Json));
            stored!.Version.ShouldBe(events.Count);
        }
        // Each answer's position is the last of the events its return appended.
        foreach (var (period, position) in recorded) positions[period].ShouldBe(position, period);
    }

    [Fact]
    public async Task returns_and_single_changes_over_the_same_actions_at_once_are_each_recorded_or_refused_409_and_none_is_lost()
    {
        var writer = await FiveActionsAsync();
        // Returns lock all five actions in one statement while group commit batches append to them one by one.
        var returns = Enumerable.Range(0, 6).Select(i => writer.Send(HttpMethod.Post, $"{Plan}/returns", new
        {
            period = $"Return {i}",
            items = References.Reverse().Select(r => new { action = r, progressUpdate = new { period = $"Return {i}", narrative = $"Update {i} of {r}" } })
        }));
        var singles = Enumerable.Range(0, 20).Select(i => writer.Send(HttpMethod.Post, $"{Plan}/actions/{References[i % References.Length]}/progress-updates",
            new { period = $"Single {i}", narrative = $"Single update {i}" }));
        var responses = await Task.WhenAll(returns.Concat(singles));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.Conflict);
        var appended = 0;
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
            appended += JsonNode.Parse(await r.Content.ReadAsStringAsync())!["eventsAppended"]!.GetValue<int>();
        await using var session = Host.Store.QuerySession("orkney");
        var updates = 0;
        foreach (var reference in References)
        {
            var key = ActionRecord.KeyFor("msg-plan", reference);
            var events = await session.Events.FetchStreamAsync(key);
            updates += events.Count(e => e.Data is ProgressUpdateRecorded);
            var stored = await session.LoadAsync<ActionRecord>(key);
            JsonSerializer.Serialize(stored, Scenarios.Json)
                .ShouldBe(JsonSerializer.Serialize(StreamState.FoldAll<ActionRecord>(null, key, events.Select(e => e.Data)), Scenarios.Json));
        }
        appended.ShouldBeGreaterThan(0);
        updates.ShouldBe(appended);
    }

    [Fact]
    public async Task an_append_where_one_stream_moved_since_it_was_read_records_nothing_of_any_stream()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post($"{Plan}/returns", new { period = "Added", items = new[] { new { action = "1.2", newAction = new { reference = "1.2", heading = "KF1", description = "Action 1.2" } } } });
        var before = await Host.EventCountAsync();

        await using var session = Host.Store.LightweightSession("orkney");
        var current = (await session.LoadManyAsync<ActionRecord>(ActionRecord.KeyFor("msg-plan", "1.1"), ActionRecord.KeyFor("msg-plan", "1.2"))).OrderBy(a => a.Id).ToList();
        var provenance = new Provenance(new DateOnly(2020, 11, 30), DateTimeOffset.UtcNow, "test", "test", null);
        ActionAppends.Change Change(ActionRecord action, int readAt)
        {
            var changed = new ActionStatusChanged(action.Status, DeliveryStatus.Green, null, provenance);
            return new(action.Id, readAt, [changed], StreamState.FoldAll(action, action.Id, [changed]) with { Version = readAt + 1 });
        }

        await using var connection = new NpgsqlConnection(Host.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var moved = await Should.ThrowAsync<PostgresException>(() => ActionAppends.AppendAsync(session, transaction,
            [Change(current[0], current[0].Version), Change(current[1], current[1].Version - 1)], CancellationToken.None));
        moved.SqlState.ShouldBe(PlanLedger.Infrastructure.LedgerWrites.StreamMoved);
        await transaction.RollbackAsync();

        (await Host.EventCountAsync()).ShouldBe(before);
        await using var read = Host.Store.QuerySession("orkney");
        foreach (var action in current) (await read.LoadAsync<ActionRecord>(action.Id))!.Status.ShouldBe(action.Status);
    }
}
