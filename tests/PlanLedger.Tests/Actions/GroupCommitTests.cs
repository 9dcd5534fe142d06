using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Marten;
using Npgsql;
using PlanLedger.Actions;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Security;

namespace PlanLedger.Tests.Actions;

/// <summary>
/// Group commit: concurrent single-stream writes share one transaction, and each is answered exactly as it would be alone.
/// The flushers are held while the writes queue, so each test knows its writes met in one batch.
/// </summary>
public sealed class GroupCommitTests(LedgerHost host) : LedgerTest(host)
{
    private const string Plan = "/partnerships/orkney/plans/msg-plan";
    private GroupCommit Commit => Host.Services.GetRequiredService<GroupCommit>();

    [Fact]
    public async Task writes_queued_together_are_recorded_in_one_batch_and_each_gets_its_own_answer()
    {
        var writer = await PlanWithActionsAsync(6);
        var before = await Host.EventCountAsync();

        var answers = await Together(
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a1/status", new { status = "Green" }),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a2/status", new { status = "Red", reason = "Recruitment paused" }),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a3/status", new { status = "Green" }, ifMatch: "\"5\""),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a4/details", new { heading = "KF9" }),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a5/status", new { status = "Amber" }),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/nope/status", new { status = "Green" }));

        // Each flusher took all its writes at once (six writes on four flushers: some flusher had two or more).
        var perFlusher = new[] { "a1", "a2", "a3", "a4", "a5", "nope" }.GroupBy(a => Commit.FlusherOf("orkney", ActionKey(a))).Max(g => g.Count());
        Commit.TakeLargestBatch().ShouldBe(perFlusher);
        var a1 = await Appended(answers[0]);
        var a2 = await Appended(answers[1]);
        a1.Version.ShouldBe(2);
        a2.Version.ShouldBe(2);
        (await answers[2].Problem(412))["errors"]!["If-Match"].ShouldNotBeNull();
        (await answers[3].Problem(422))["errors"]!["heading"].ShouldNotBeNull();
        var unchanged = JsonNode.Parse(await answers[4].Content.ReadAsStringAsync())!;
        unchanged["outcome"]!.GetValue<string>().ShouldBe("Unchanged");
        await answers[5].Problem(404);

        (await Host.EventCountAsync()).ShouldBe(before + 2);
        (await writer.GetJson($"{Plan}/actions/a1"))["status"]!.GetValue<string>().ShouldBe("Green");
        (await writer.GetJson($"{Plan}/actions/a3"))["status"]!.GetValue<string>().ShouldBe("Amber");
        // In one transaction, each answer still carries its own event's position, and each stored state is its own stream's fold.
        await using var session = Host.Store.QuerySession("orkney");
        foreach (var (action, answer) in new[] { ("a1", a1), ("a2", a2) })
        {
            var events = await session.Events.FetchStreamAsync(ActionKey(action));
            events.Last().Sequence.ShouldBe(answer.Position, action);
            events.Select(e => e.Version).ShouldBe([1L, 2L], action);
            var stored = await session.LoadAsync<ActionRecord>(ActionKey(action));
            JsonSerializer.Serialize(stored, Scenarios.Json)
                .ShouldBe(JsonSerializer.Serialize(StreamState.FoldAll<ActionRecord>(null, ActionKey(action), events.Select(e => e.Data)), Scenarios.Json));
        }
    }

    [Fact]
    public async Task two_writers_on_one_stream_are_decided_in_turn_not_refused_as_a_lost_race()
    {
        var writer = await PlanWithActionsAsync(1);

        var answers = await Together(
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a1/status", new { status = "Green" }),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a1/progress-updates", new { period = "November 2020", narrative = "On track" }),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a1/status", new { status = "Red", reason = "Funding withdrawn" }, ifMatch: "\"1\""));

        var versions = new List<int> { (await Appended(answers[0])).Version, (await Appended(answers[1])).Version };
        // The conditional change names version 1: it is recorded only if it was decided first; otherwise it is refused as alone.
        if (answers[2].StatusCode == HttpStatusCode.OK) (await Appended(answers[2])).Version.ShouldBe(2);
        else await answers[2].Problem(412);
        if (answers[2].StatusCode == HttpStatusCode.OK) versions.Add(2);
        versions.Order().ShouldBe(Enumerable.Range(2, versions.Count));
        (await writer.GetJson($"{Plan}/actions/a1"))["version"]!.GetValue<int>().ShouldBe(1 + versions.Count);
    }

    [Fact]
    public async Task the_same_idempotency_key_queued_several_times_appends_once_and_answers_each_the_same()
    {
        var writer = await PlanWithActionsAsync(2);
        var before = await Host.EventCountAsync();
        var change = new { status = "Green" };

        var answers = await Together(
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a1/status", change, idempotencyKey: "return-2020-11-a1"),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a1/status", change, idempotencyKey: "return-2020-11-a1"),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a1/status", change, idempotencyKey: "return-2020-11-a1"),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a2/status", new { status = "Red", reason = "Paused" }, idempotencyKey: "return-2020-11-a2"));

        var bodies = await Task.WhenAll(answers.Take(3).Select(a => a.Content.ReadAsStringAsync()));
        answers.Take(3).ShouldAllBe(a => a.StatusCode == HttpStatusCode.OK);
        bodies.Distinct().Count().ShouldBe(1);
        answers.Take(3).Count(a => a.Headers.Contains("Idempotent-Replayed")).ShouldBe(2);
        (await Appended(answers[3])).Version.ShouldBe(2);
        (await Host.EventCountAsync()).ShouldBe(before + 2);
    }

    [Fact]
    public async Task one_key_used_for_two_streams_on_two_flushers_fails_neither_batch_for_the_others()
    {
        var writer = await PlanWithActionsAsync(8);
        var before = await Host.EventCountAsync();
        var (first, second) = TwoActionsOnDifferentFlushers();

        var answers = await Together(
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/{first}/status", new { status = "Green" }, idempotencyKey: "shared-key"),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/{second}/status", new { status = "Green" }, idempotencyKey: "shared-key"),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a7/status", new { status = "Green" }),
            () => writer.Send(HttpMethod.Post, $"{Plan}/actions/a8/status", new { status = "Green" }));

        answers.Take(2).Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        answers.Take(2).Count(a => a.StatusCode == HttpStatusCode.UnprocessableEntity).ShouldBe(1);
        (await Appended(answers[2])).Version.ShouldBe(2);
        (await Appended(answers[3])).Version.ShouldBe(2);
        (await Host.EventCountAsync()).ShouldBe(before + 3);
    }

    [Fact]
    public async Task connections_killed_mid_batch_leave_no_success_answer_whose_events_were_not_committed()
    {
        await using var factory = Host.Factory(new NpgsqlConnectionStringBuilder(Host.ConnectionString) { ApplicationName = "group-commit-crash" }.ConnectionString, "Disabled");
        using var writer = factory.ClientWith(Host.Token(Roles.PartnerWriter, "orkney"));
        await PlanWithActionsAsync(8, writer);
        using var killer = new CancellationTokenSource();
        var killing = KillConnectionsUntil(killer.Token);

        var answers = await Task.WhenAll(Enumerable.Range(0, 160).Select(i =>
            writer.Send(HttpMethod.Post, $"{Plan}/actions/a{i % 8 + 1}/progress-updates", new { period = "November 2020", narrative = $"Update {i}" })));
        await killer.CancelAsync();
        var killed = await killing;

        killed.ShouldBeGreaterThan(0);
        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.OK || (int)a.StatusCode == 503 || a.StatusCode == HttpStatusCode.Conflict);
        await using var connection = new NpgsqlConnection(Host.ConnectionString);
        await connection.OpenAsync();
        foreach (var answer in answers.Where(a => a.StatusCode == HttpStatusCode.OK))
        {
            var written = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
            var position = written["position"]!.GetValue<long>();
            await using var command = new NpgsqlCommand("select stream_id, version from planledger.mt_events where seq_id = $1 and tenant_id = 'orkney'", connection);
            command.Parameters.AddWithValue(position);
            await using var reader = await command.ExecuteReaderAsync();
            (await reader.ReadAsync()).ShouldBeTrue($"position {position} answered 200 but is not in the ledger");
            reader.GetInt64(1).ShouldBe(written["version"]!.GetValue<int>());
        }
    }

    private async Task<int> KillConnectionsUntil(CancellationToken stop)
    {
        var killed = 0;
        await using var connection = new NpgsqlConnection(Host.ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            await using var command = new NpgsqlCommand(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'group-commit-crash'", connection);
            killed += (int)(long)(await command.ExecuteScalarAsync(CancellationToken.None))!;
            await Task.Yield();
        }
        return killed;
    }

    /// <summary>Sends the writes while the flushers are held, waits until all are queued, then lets them go as one batch.</summary>
    private async Task<HttpResponseMessage[]> Together(params Func<Task<HttpResponseMessage>>[] sends)
    {
        Commit.Pause();
        Commit.TakeLargestBatch();
        Task<HttpResponseMessage[]> sent;
        try
        {
            var queued = Commit.Queued;
            sent = Task.WhenAll(sends.Select(s => Task.Run(s)));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (Commit.Queued < queued + sends.Length && !sent.IsCompleted)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Only {Commit.Queued - queued} of {sends.Length} writes queued");
                await Task.Delay(5);
            }
        }
        finally
        {
            Commit.Resume();
        }
        return await sent;
    }

    private static async Task<(int Version, long Position)> Appended(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        var written = JsonNode.Parse(text)!;
        written["outcome"]!.GetValue<string>().ShouldBe("Appended");
        return (written["version"]!.GetValue<int>(), written["position"]!.GetValue<long>());
    }

    private (string, string) TwoActionsOnDifferentFlushers()
    {
        var actions = Enumerable.Range(1, 6).Select(i => $"a{i}").ToList();
        foreach (var a in actions)
        foreach (var b in actions.Where(b => Commit.FlusherOf("orkney", ActionKey(a)) != Commit.FlusherOf("orkney", ActionKey(b))))
            return (a, b);
        throw new InvalidOperationException("All six actions hash to one flusher; the test needs two");
    }

    private static string ActionKey(string action) => ActionRecord.KeyFor("msg-plan", action);

    private async Task<HttpClient> PlanWithActionsAsync(int count, HttpClient? client = null)
    {
        var writer = await Host.PlanWithActionAsync(action: "a1");
        client ??= writer;
        for (var i = 2; i <= count; i++)
            await client.Post($"{Plan}/actions", new { reference = $"a{i}", heading = "KF1", description = $"Action {i}", status = "Amber", effectiveOn = "2019-07-01" });
        return client;
    }
}
