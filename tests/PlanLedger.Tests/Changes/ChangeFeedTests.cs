using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PlanLedger.Changes;
using PlanLedger.Ledger;
using PlanLedger.Security;

namespace PlanLedger.Tests.Changes;

public sealed class ChangeFeedTests(LedgerHost host) : LedgerTest(host)
{
    private const string Feed = "/partnerships/orkney/changes";

    [Fact]
    public async Task the_feed_tells_every_event_of_the_partnership_as_cloudevents_in_ledger_order()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Green", reason = "Workforce plan published", effectiveOn = "2020-11-30" });
        using var reader = Host.ClientFor(Roles.PartnerReader, "orkney");

        var page = await reader.ReadPage(Feed);

        page.Events.Select(e => e!["id"]!.GetValue<string>()).ShouldBe(await Host.LedgerEventIdsAsync("orkney"));
        page.Events.Select(e => e!["type"]!.GetValue<string>()).ShouldBe([
            "scot.planledger.partnership.onboarded", "scot.planledger.plan.registered", "scot.planledger.plan.heading-added",
            "scot.planledger.action.added", "scot.planledger.action.status-changed"]);
        page.Positions.ShouldBeInOrder(SortDirection.Ascending);
        var change = page.Events[^1]!.AsObject();
        change["specversion"]!.GetValue<string>().ShouldBe("1.0");
        change["source"]!.GetValue<string>().ShouldBe("/partnerships/orkney");
        change["subject"]!.GetValue<string>().ShouldBe("/partnerships/orkney/plans/msg-plan/actions/1.1");
        change["datacontenttype"]!.GetValue<string>().ShouldBe("application/json");
        change["partnership"]!.GetValue<string>().ShouldBe("orkney");
        change["effectiveon"]!.GetValue<string>().ShouldBe("2020-11-30");
        change["actor"]!.GetValue<string>().ShouldBe("partner-writer-test-client");
        change["sourcesystem"]!.GetValue<string>().ShouldBe("partner-writer-test-system");
        change["data"]!["from"]!.GetValue<string>().ShouldBe("Amber");
        change["data"]!["to"]!.GetValue<string>().ShouldBe("Green");
        change["data"]!["reason"]!.GetValue<string>().ShouldBe("Workforce plan published");
        change.Select(a => a.Key).ShouldAllBe(name => name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)));
        page.Events[0]!["subject"]!.GetValue<string>().ShouldBe("/partnerships/orkney");
        page.Response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        page.Next.ShouldBeGreaterThanOrEqualTo(page.Positions.Last());
    }

    [Fact]
    public async Task full_pages_are_immutable_with_a_strong_etag_and_the_next_link_reads_on()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Green", reason = "Done" });
        using var reader = Host.ClientFor(Roles.PartnerReader, "orkney");

        var first = await reader.ReadPage($"{Feed}?limit=2");
        first.Events.Count.ShouldBe(2);
        first.Response.Headers.CacheControl!.Private.ShouldBeTrue();
        first.Response.Headers.CacheControl.MaxAge.ShouldBe(TimeSpan.FromSeconds(31536000));
        first.Response.Headers.CacheControl.Extensions.ShouldContain(e => e.Name == "immutable");
        var etag = first.Response.Headers.ETag!;
        etag.IsWeak.ShouldBeFalse();
        var next = first.Response.Headers.GetValues("Link").Single();
        next.ShouldBe($"<{Feed}?after={first.Positions.Last()}&limit=2>; rel=\"next\"");

        var again = new HttpRequestMessage(HttpMethod.Get, $"{Feed}?limit=2");
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await reader.SendAsync(again);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        notModified.Headers.ETag.ShouldBe(etag);

        var (rest, _) = await reader.Follow(Feed, first.Next, limit: 2);
        first.Events.Concat(rest).Select(e => e!["id"]!.GetValue<string>()).ShouldBe(await Host.LedgerEventIdsAsync("orkney"));
        // The same full page read again after more changes is byte for byte the same page.
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Red", reason = "Slipped" });
        (await reader.ReadPage($"{Feed}?limit=2")).Response.Headers.ETag.ShouldBe(etag);
    }

    [Fact]
    public async Task a_partnership_feed_holds_only_its_own_events_and_the_national_feed_names_each_partnership()
    {
        await Host.PlanWithActionAsync("orkney");
        await Host.PlanWithActionAsync("angus");
        using var orkney = Host.ClientFor(Roles.PartnerReader, "orkney");
        using var national = Host.ClientFor(Roles.National);

        var (own, _) = await orkney.Follow(Feed);
        own.ShouldAllBe(e => e["partnership"]!.GetValue<string>() == "orkney");
        own.Count.ShouldBe(4);

        var (all, _) = await national.Follow("/national/changes", limit: 3);
        all.Select(e => e["id"]!.GetValue<string>()).ShouldBe(await Host.LedgerEventIdsAsync(null));
        all.Select(e => e["partnership"]!.GetValue<string>()).Distinct().Order().ShouldBe(["angus", "orkney"]);
        (await orkney.GetAsync("/national/changes")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task the_head_page_waits_for_a_change_and_answers_as_soon_as_it_arrives()
    {
        var writer = await Host.PlanWithActionAsync();
        using var reader = Host.ClientFor(Roles.PartnerReader, "orkney");
        var (_, head) = await reader.Follow(Feed);

        var waiting = reader.ReadPage($"{Feed}?after={head}&wait=30");
        await Host.ReaderIsWaitingAsync();
        waiting.IsCompleted.ShouldBeFalse();
        var started = DateTime.UtcNow;
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Green", reason = "Done" });

        var page = await waiting;
        page.Events.Single()!["type"]!.GetValue<string>().ShouldBe("scot.planledger.action.status-changed");
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task an_event_that_commits_late_is_never_skipped_and_a_rolled_back_one_does_not_stall_the_feed()
    {
        await Host.OnboardAsync("orkney");
        var writer = Host.ClientFor(Roles.PartnerWriter, "orkney");
        using var reader = Host.ClientFor(Roles.PartnerReader, "orkney");
        var (seen, cursor) = await reader.Follow(Feed);

        // A slow writer takes its sequence number, then faster writers commit later numbers around it.
        await using var slow = await HeldAppend.StartAsync(Host, "orkney", "1.1");
        await writer.Post("/partnerships/orkney/self-assessments/1.2", new { rating = "Established" });
        await using var slower = await HeldAppend.StartAsync(Host, "orkney", "1.3");
        await writer.Post("/partnerships/orkney/self-assessments/2.1", new { rating = "Established" });

        // The feed stops below the first uncommitted number: serving the later commits would move a reader past it.
        var page = await reader.ReadPage($"{Feed}?after={cursor}");
        page.Events.ShouldBeEmpty();
        page.Next.ShouldBeLessThan(slow.Sequence);
        await slower.CommitAsync();
        (await reader.ReadPage($"{Feed}?after={cursor}")).Events.ShouldBeEmpty();

        // Committing the slow writer releases everything, in ledger order, to a reader already waiting.
        var waiting = reader.ReadPage($"{Feed}?after={cursor}&wait=30");
        await Host.ReaderIsWaitingAsync();
        await slow.CommitAsync();
        var released = await waiting;
        released.Positions.First().ShouldBe(slow.Sequence);
        released.Positions.ShouldBeInOrder(SortDirection.Ascending);
        seen.AddRange(released.Events.Select(e => e!));
        cursor = released.Next;

        // A writer that rolls back leaves a permanent hole; the daemon's rule skips it once it is provably dead.
        await using var abandoned = await HeldAppend.StartAsync(Host, "orkney", "2.2");
        await writer.Post("/partnerships/orkney/self-assessments/2.3", new { rating = "Established" });
        await abandoned.RollbackAsync();
        var afterHole = await reader.ReadPage($"{Feed}?after={cursor}&wait=30");
        while (afterHole.Events.Count == 0) afterHole = await reader.ReadPage($"{Feed}?after={afterHole.Next}&wait=30");
        afterHole.Events.Single()!["subject"]!.GetValue<string>().ShouldBe("/partnerships/orkney/self-assessments/2.3");
        seen.AddRange(afterHole.Events.Select(e => e!));

        seen.Select(e => e["id"]!.GetValue<string>()).ShouldBe(await Host.LedgerEventIdsAsync("orkney"));
    }

    [Fact]
    public async Task a_transaction_held_open_past_the_daemons_stale_gap_threshold_is_still_not_skipped()
    {
        await Host.OnboardAsync("orkney");
        var writer = Host.ClientFor(Roles.PartnerWriter, "orkney");
        using var reader = Host.ClientFor(Roles.PartnerReader, "orkney");
        var (_, cursor) = await reader.Follow(Feed);
        await using var slow = await HeldAppend.StartAsync(Host, "orkney", "1.1");
        await writer.Post("/partnerships/orkney/self-assessments/1.2", new { rating = "Established" });

        // The daemon records when it first saw its mark stuck under the gap; wait until that is older than its
        // stale threshold (3 s) plus a slow poll, by the database's clock: the daemon has then weighed skipping it.
        await using (var connection = new Npgsql.NpgsqlConnection(Host.ConnectionString))
        {
            await connection.OpenAsync();
            await using var stuck = new Npgsql.NpgsqlCommand(
                "select coalesce(bool_or(now() - last_updated > interval '5 seconds'), false) from planledger.mt_event_progression where name = 'HighWaterStuckGap'", connection);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!(bool)(await stuck.ExecuteScalarAsync(timeout.Token))!) await Task.Delay(100, timeout.Token);
        }
        var page = await reader.ReadPage($"{Feed}?after={cursor}");
        page.Events.ShouldBeEmpty();
        page.Next.ShouldBeLessThan(slow.Sequence);

        await slow.CommitAsync();
        var (released, _) = await reader.Follow(Feed, cursor);
        released.Select(e => e["subject"]!.GetValue<string>()).ShouldBe(["/partnerships/orkney/self-assessments/1.1", "/partnerships/orkney/self-assessments/1.2"]);
    }

    [Fact]
    public async Task following_the_feed_under_concurrent_slow_writers_yields_exactly_the_ledger()
    {
        await Host.OnboardAsync("orkney");
        using var reader = Host.ClientFor(Roles.PartnerReader, "orkney");
        using var done = new CancellationTokenSource();
        var followed = new System.Collections.Concurrent.ConcurrentQueue<JsonNode>();
        var following = Task.Run(async () =>
        {
            long cursor = 0;
            while (!done.IsCancellationRequested)
            {
                var page = await reader.ReadPage($"{Feed}?after={cursor}&limit=7&wait=1");
                foreach (var e in page.Events) followed.Enqueue(e!);
                cursor = page.Next;
            }
            return cursor;
        });

        // Eight writers; each holds some of its transactions open while the others commit, and releases them out of order.
        var proposals = new[] { "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.4", "3.5", "4.1", "4.2", "4.3", "4.4" };
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            using var writer = Host.ClientFor(Roles.PartnerWriter, "orkney");
            var mine = proposals.Where((_, i) => i % 8 == w).ToList();
            await using var held = await HeldAppend.StartAsync(Host, "orkney", mine[0]);
            await writer.Post($"/partnerships/orkney/self-assessments/{mine[1]}", new { rating = "Established" });
            await writer.Post($"/partnerships/orkney/self-assessments/{mine[1]}/revisions", new { rating = "Exemplary", reason = "Evidence found" });
            await held.CommitAsync();
        })).ToList();
        await Task.WhenAll(writers);

        var expected = await Host.LedgerEventIdsAsync("orkney");
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (followed.Count < expected.Count) await Task.Delay(10, timeout.Token);
        done.Cancel();
        await following;
        followed.Select(e => e["id"]!.GetValue<string>()).ShouldBe(expected);
        expected.Count.ShouldBe(1 + 8 * 3);
    }

    [Fact]
    public async Task server_sent_events_stream_the_feed_and_resume_after_the_last_event_id()
    {
        var writer = await Host.PlanWithActionAsync();
        using var reader = Host.ClientFor(Roles.PartnerReader, "orkney");
        var ids = await Host.LedgerEventIdsAsync("orkney");

        var (first, lastId) = await ReadStream(reader, null, count: 2);
        first.Select(e => e["id"]!.GetValue<string>()).ShouldBe(ids.Take(2));

        // Resume after the second event; a change made while the stream is open arrives on it.
        var resumed = ReadStream(reader, lastId, count: 3);
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Green", reason = "Done" });
        var (rest, _) = await resumed;
        rest.Select(e => e["id"]!.GetValue<string>()).ShouldBe((await Host.LedgerEventIdsAsync("orkney")).Skip(2));
    }

    private static async Task<(List<JsonNode> Events, string LastId)> ReadStream(HttpClient client, string? lastEventId, int count)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Feed);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<JsonNode>();
        string? id = null;
        while (events.Count < count && await stream.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("id: ")) id = line[4..];
            if (line.StartsWith("data: ")) events.Add(JsonNode.Parse(line[6..])!);
        }
        events[^1]["position"]!.GetValue<string>().ShouldBe(id);
        return (events, id!);
    }

    [Fact]
    public async Task out_of_range_feed_parameters_are_refused_naming_the_parameter()
    {
        await Host.OnboardAsync("orkney");
        using var reader = Host.ClientFor(Roles.PartnerReader, "orkney");
        (await (await reader.GetAsync($"{Feed}?limit=0")).Problem(400))["errors"]!["limit"].ShouldNotBeNull();
        (await (await reader.GetAsync($"{Feed}?limit=1001")).Problem(400))["errors"]!["limit"].ShouldNotBeNull();
        (await (await reader.GetAsync($"{Feed}?after=-1")).Problem(400))["errors"]!["after"].ShouldNotBeNull();
        (await (await reader.GetAsync($"{Feed}?wait=31")).Problem(400))["errors"]!["wait"].ShouldNotBeNull();
        (await reader.GetAsync($"{Feed}?after=abc")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var request = new HttpRequestMessage(HttpMethod.Get, Feed);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("Last-Event-ID", "yesterday");
        (await (await reader.SendAsync(request)).Problem(400))["errors"]!["Last-Event-ID"].ShouldNotBeNull();
    }

    [Fact]
    public void every_ledger_event_has_a_stable_published_type_name()
    {
        var ledgerEvents = typeof(ILedgerEvent).Assembly.GetTypes().Where(t => t.IsClass && typeof(ILedgerEvent).IsAssignableFrom(t));
        ledgerEvents.ShouldAllBe(t => ChangeTypes.Mapped.Contains(t));
        ChangeTypes.All.Count.ShouldBe(ChangeTypes.Mapped.Count);
        ChangeTypes.All.ShouldAllBe(n => System.Text.RegularExpressions.Regex.IsMatch(n, @"^scot\.planledger\.[a-z-]+\.[a-z-]+$"));
    }
}
