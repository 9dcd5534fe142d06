using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Marten;
using Npgsql;
using PlanLedger.Infrastructure;
using PlanLedger.National;
using PlanLedger.Security;
using PlanLedger.Tests.Changes;
using PlanLedger.Tests.National;
using PlanLedger.Tests.Webhooks;
using Xunit.Abstractions;

namespace PlanLedger.Tests.Cluster;

/// <summary>Three API nodes on one ledger: a killed node's shards move, and no client can tell which node answered.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ClusterTests(ClusterNodes cluster, ITestOutputHelper output) : IClassFixture<ClusterNodes>, IAsyncLifetime
{
    public Task InitializeAsync() => cluster.AllRunningAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_node_killed_mid_stream_hands_its_shards_on_within_30_s_and_nothing_is_missed_or_doubled()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await cluster.Client(0, Roles.Admin).Post("/partnerships", new { code = "orkney", name = "Orkney" });
        await cluster.Client(1, Roles.Admin).Post("/partnerships", new { code = "angus", name = "Angus" });
        var hook = await cluster.Client(2, Roles.PartnerWriter, "orkney").Post("/partnerships/orkney/webhooks", new { url = receiver.Url, after = 0 });
        var secret = hook["secret"]!.GetValue<string>();
        var writers = Enumerable.Range(0, ClusterNodes.Count).Select(i => cluster.Client(i, Roles.PartnerWriter, "orkney", "angus")).ToArray();
        await writers[0].Plan("orkney", "msg-plan", "1.1", "2.3");
        await writers[1].Plan("angus", "msg-plan", "1.1");
        await writers[2].Action("orkney", "msg-plan", "1(i)", "1.1", "Amber", "31 March 2021", "Chief Officer");

        // The victim is the node running the most projection shards.
        var agents = await Task.WhenAll(cluster.Live.Select(ClusterNodes.AgentsOfAsync));
        var victim = Enumerable.Range(0, ClusterNodes.Count).MaxBy(i => agents[i].Count(ClusterNodes.IsShard));
        agents[victim].Count(ClusterNodes.IsShard).ShouldBeGreaterThan(0);
        var survivors = Enumerable.Range(0, ClusterNodes.Count).Where(i => i != victim).ToArray();

        // Writes through every node before the kill, and through the survivors after it, while the shards move.
        await WriteRoundAsync("before", Enumerable.Range(0, ClusterNodes.Count).ToArray());
        var died = Stopwatch.StartNew();
        cluster[victim].Kill();
        var writing = WriteRoundAsync("after", survivors);
        var failover = await ClusterNodes.ShardsRunAsync(cluster.Live, TimeSpan.FromSeconds(30));
        await writing;
        failover.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        output.WriteLine($"Shards of the killed node ran again after {died.Elapsed.TotalSeconds:F1} s");

        // The national views reach the ledger's last event on a surviving node.
        var reader = cluster.Client(survivors[0], Roles.National, Claims.AllPartnerships);
        var last = await LastPositionAsync();
        foreach (var view in NationalScenarios.Views) await ViewReachesAsync(reader, view, last);

        // The feed serves every event of the partnership, in ledger order.
        var ledger = await FeedScenarios.LedgerEventIdsAsync(cluster.ConnectionString, "orkney");
        var feedReader = cluster.Client(survivors[1], Roles.PartnerReader, "orkney");
        var fed = await Eventually(async () => (await feedReader.Follow("/partnerships/orkney/changes")).Events.Select(e => e["id"]!.GetValue<string>()).ToList(),
            f => f.Count >= ledger.Count, "the feed to reach the ledger");
        fed.ShouldBe(ledger);

        // Every event delivered; a repeat only ever carries the same webhook-id as the delivery it repeats.
        await receiver.WaitUntil(d => ledger.All(new HashSet<string>(d.Where(x => x.AnsweredWith == 200).Select(x => x.WebhookId)).Contains), seconds: 90);
        receiver.Deliveries.Select(d => d.WebhookId).ShouldAllBe(id => ledger.Contains(id));
        receiver.Deliveries.ShouldAllBe(d => d.IsSignedWith(secret));
        foreach (var d in receiver.Deliveries) d.Event["id"]!.GetValue<string>().ShouldBe(d.WebhookId);

        // Every projection equals a full rebuild from the events (with every node stopped, so nothing projects meanwhile).
        var live = await ProjectedAsync();
        live.Count.ShouldBeGreaterThan(0);
        foreach (var node in cluster.Live) node.Kill();
        await using (var store = new DocumentStore(LedgerStore.Options(cluster.ConnectionString, PlanLedger.Modules.All)))
        {
            using var daemon = await store.BuildProjectionDaemonAsync();
            foreach (var projection in NationalScenarios.Projections)
                await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(2), CancellationToken.None);
        }
        var rebuilt = await ProjectedAsync();
        rebuilt.Keys.ShouldBe(live.Keys, ignoreOrder: true);
        foreach (var (key, json) in live) rebuilt[key].ShouldBe(json, key);

        async Task WriteRoundAsync(string round, int[] through)
        {
            for (var n = 0; n < 12; n++)
            {
                var writer = writers[through[n % through.Length]];
                var day = $"2020-{(round == "before" ? 1 : 2):00}-{n + 1:00}";
                await writer.Rate(n % 2 == 0 ? "orkney" : "angus", n % 3 == 0 ? "2.3" : "1.1",
                    n % 2 == 0 ? "Established" : "PartlyEstablished", day);
                if (n % 4 == 0)
                    await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1(i)/status",
                        new { status = n % 8 == 0 ? "Green" : "Red", reason = $"{round} {n}", effectiveOn = day });
            }
        }
    }

    [Fact]
    public async Task a_write_through_one_node_is_read_through_any_other_at_once_and_no_node_cache_answers_stale()
    {
        await cluster.Client(0, Roles.Admin).Post("/partnerships", new { code = "fife", name = "Fife" });
        // Onboarded through node 0, known at once to node 1 and 2 (the partnership directory caches only what exists).
        var writers = Enumerable.Range(0, ClusterNodes.Count).Select(i => cluster.Client(i, Roles.PartnerWriter, "fife")).ToArray();
        await writers[1].Plan("fife", "msg-plan", "1.1");
        await writers[2].Action("fife", "msg-plan", "1(i)", "1.1", "Amber", "31 March 2021");
        const string action = "/partnerships/fife/plans/msg-plan/actions/1(i)";

        var history = await writers[2].GetStringAsync($"{action}/history"); // node 2 now holds the history at version 1
        var national = cluster.Client(2, Roles.National, Claims.AllPartnerships);
        var delivery = await ViewReachesAsync(national, "/national/delivery", await LastPositionAsync()); // and the view at this position

        for (var i = 0; i < ClusterNodes.Count; i++)
        {
            var answer = await writers[i].Send(HttpMethod.Post, $"{action}/status", new { status = i % 2 == 0 ? "Red" : "Green", reason = $"Through node {i}" });
            answer.StatusCode.ShouldBe(HttpStatusCode.OK);
            var version = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["version"]!.GetValue<int>();
            foreach (var other in Enumerable.Range(0, ClusterNodes.Count).Where(o => o != i))
            {
                var read = await writers[other].GetAsync(action);
                read.Headers.ETag!.Tag.ShouldBe(answer.Headers.ETag!.Tag);
                read.Headers.ETag.Tag.ShouldBe($"\"{version}\"");
                JsonNode.Parse(await read.Content.ReadAsStringAsync())!["status"]!.GetValue<string>().ShouldBe(i % 2 == 0 ? "Red" : "Green");
            }
        }

        var historyAfter = await writers[2].GetStringAsync($"{action}/history");
        historyAfter.ShouldNotBe(history);
        historyAfter.ShouldContain("Through node 0");
        var deliveryAfter = await ViewReachesAsync(national, "/national/delivery", await LastPositionAsync());
        deliveryAfter.ShouldNotBe(delivery);
    }

    [Fact]
    public async Task an_idempotency_key_retried_through_every_node_at_once_appends_once_and_answers_alike()
    {
        await cluster.Client(0, Roles.Admin).Post("/partnerships", new { code = "moray", name = "Moray" });
        var writers = Enumerable.Range(0, ClusterNodes.Count).Select(i => cluster.Client(i, Roles.PartnerWriter, "moray")).ToArray();
        await writers[0].Plan("moray", "msg-plan", "1.1");
        await writers[1].Action("moray", "msg-plan", "1(i)", "1.1", "Amber", "31 March 2021");
        var before = await EventCountAsync();

        var body = new { status = "Green", reason = "Workforce plan published" };
        var answers = await Task.WhenAll(Enumerable.Range(0, 4 * ClusterNodes.Count).Select(async n =>
        {
            var response = await writers[n % ClusterNodes.Count].Send(HttpMethod.Post, "/partnerships/moray/plans/msg-plan/actions/1(i)/status", body, "moray-status-1");
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        (await EventCountAsync()).ShouldBe(before + 1);
        // Every answer is the recorded one, or a 409 telling a concurrent twin to retry; a retry then replays it.
        var recorded = answers.Where(a => a.Item1 == 200).Select(a => a.Item2).Distinct().ShouldHaveSingleItem();
        answers.ShouldAllBe(a => a.Item1 == 200 || a.Item1 == 409);
        foreach (var writer in writers)
        {
            var retry = await writer.Send(HttpMethod.Post, "/partnerships/moray/plans/msg-plan/actions/1(i)/status", body, "moray-status-1");
            (await retry.Content.ReadAsStringAsync()).ShouldBe(recorded);
            retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        }
        (await EventCountAsync()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task leadership_and_the_shards_hold_no_transaction_open_so_no_session_pins_xmin()
    {
        var writer = cluster.Client(0, Roles.Admin);
        await writer.Post("/partnerships", new { code = "dundee", name = "Dundee" });
        // Sampled for 3 s: no session of the cluster's database has a transaction older than 5 s (a HotCold leader's
        // lock transaction is as old as its leadership, which began when the nodes started).
        var clock = Stopwatch.StartNew();
        var locks = 0L;
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            (await ScalarAsync("""
                select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
                and xact_start < now() - interval '5 seconds'
                """)).ShouldBe(0);
            locks = Math.Max(locks, await ScalarAsync("""
                select count(*) from pg_stat_activity where datname = current_database()
                and application_name like 'wolverine-advisory-lock%' and state = 'idle' and backend_xmin is null
                """));
            await Task.Delay(250);
        }
        // The leader's session-level lock lives on such an idle session (one per node: each may try to lead).
        locks.ShouldBeGreaterThanOrEqualTo(1);
    }

    /// <summary>Polls a national view on one node until it includes the ledger up to <paramref name="position"/>; answers its body.</summary>
    private static async Task<string> ViewReachesAsync(HttpClient reader, string view, long position) =>
        (await Eventually(async () =>
        {
            var response = await reader.GetAsync(view);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            return (Projected: long.Parse(response.Headers.GetValues(ViewPosition.ProjectionHeader).Single()), Body: body);
        }, v => v.Projected >= position, $"{view} to reach {position}")).Body;

    /// <summary>Reads until the answer satisfies <paramref name="done"/>, every 100 ms, for at most 60 s.</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"Waited 60 s for {what}; last read: {value}");
            await Task.Delay(100);
        }
    }

    private Task<long> LastPositionAsync() => ScalarAsync("select coalesce(max(seq_id), 0) from planledger.mt_events");
    private Task<long> EventCountAsync() => ScalarAsync("select count(*) from planledger.mt_events");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Every document the async projections hold (single-tenanted, keyed by partnership), as stored JSON, by table and id.</summary>
    private async Task<Dictionary<string, string>> ProjectedAsync()
    {
        var documents = new Dictionary<string, string>();
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in new[] { "mt_doc_nationalrating", "mt_doc_nationalaction", "mt_doc_nationalplan" })
        {
            await using var command = new NpgsqlCommand($"select id, data::text from planledger.{table}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) documents[$"{table}/{reader.GetString(0)}"] = reader.GetString(1);
        }
        return documents;
    }
}
