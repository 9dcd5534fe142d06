using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PlanLedger.Security;

namespace PlanLedger.Benchmarks;

/// <summary>
/// Bench mode --feed: webhook delivery lag (receipt minus the event's recorded time) under an HTTP write
/// load of status changes, then feed read throughput following the next links from the start.
/// </summary>
public static class FeedBench
{
    public static async Task RunAsync(ApiProcess api, string db, string signingKey, Report report, TimeSpan phase, JsonSerializerOptions json)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256 };
        HttpClient Client(string role, params string[] partnership)
        {
            var c = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(api.Url), Timeout = TimeSpan.FromSeconds(60) };
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                DevelopmentTokens.Mint(signingKey, $"bench-{role}", [role], partnership, lifetime: TimeSpan.FromHours(4)));
            return c;
        }
        async Task<JsonElement> Post(HttpClient c, string path, object body)
        {
            var r = await c.PostAsJsonAsync(path, body, json);
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            return await r.Content.ReadFromJsonAsync<JsonElement>();
        }

        await Post(Client(Roles.Admin), "/partnerships", new { code = "bench-feed", name = "Feed benchmark" });
        var writer = Client(Roles.PartnerWriter, "bench-feed");
        await Post(writer, "/partnerships/bench-feed/plans", new { reference = "plan", kind = "MsgImprovementActionPlan", title = "Benchmark plan" });
        await Post(writer, "/partnerships/bench-feed/plans/plan/headings", new { reference = "H", kind = "StrategicPriority", title = "Heading" });
        for (var a = 0; a < 32; a++)
            await Post(writer, "/partnerships/bench-feed/plans/plan/actions", new { reference = $"A{a}", heading = "H", description = $"Action {a}", status = "Amber" });

        // The receiver: a Kestrel endpoint on loopback recording each delivery's lag.
        var lags = new Samples();
        var received = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:5191");
        await using var receiver = builder.Build();
        receiver.MapPost("/hook", async (HttpContext http) =>
        {
            var e = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
            lags.Add((DateTimeOffset.UtcNow - e.GetProperty("time").GetDateTimeOffset()).TotalMilliseconds);
            Interlocked.Increment(ref received);
            return Results.Ok();
        });
        await receiver.StartAsync();
        var subscription = await Post(writer, "/partnerships/bench-feed/webhooks", new { url = "http://127.0.0.1:5191/hook" });
        var from = subscription.GetProperty("subscription").GetProperty("position").GetInt64();

        string[] statuses = ["Red", "Amber", "Green"];
        var (rate, samples) = await Measure.Concurrently(32, phase, async (w, i) =>
            (await writer.PostAsJsonAsync($"/partnerships/bench-feed/plans/plan/actions/A{w}/status", new { status = statuses[i % 3], reason = "benchmark" }, json)).IsSuccessStatusCode);
        report.Add("webhooks", "HTTP write load: status changes, 32 clients", rate, "requests/s", note: $"p99 {samples.Percentile(99):F1} ms, {samples.Failures} failed");
        var appended = await EventsAfterAsync(db, from);
        var drain = Stopwatch.StartNew();
        while (Volatile.Read(ref received) < appended && drain.Elapsed < TimeSpan.FromMinutes(5)) await Task.Delay(50);
        report.Add("webhooks", "deliveries", received, "events", note: $"of {appended} appended; all delivered {drain.Elapsed.TotalMilliseconds:F0} ms after the load ended");
        report.Add("webhooks", "delivery lag (receipt - recorded time), p50", lags.Percentile(50), "ms");
        report.Add("webhooks", "delivery lag (receipt - recorded time), p99", lags.Percentile(99), "ms");

        foreach (var (name, client, path) in new[]
                 {
                     ("partnership feed", Client(Roles.PartnerReader, "bench-feed"), "/partnerships/bench-feed/changes"),
                     ("national feed", Client(Roles.National), "/national/changes")
                 })
        {
            long after = 0, events = 0;
            var clock = Stopwatch.StartNew();
            while (true)
            {
                using var page = await client.GetAsync($"{path}?after={after}&limit=1000");
                page.EnsureSuccessStatusCode();
                var count = (await page.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength();
                events += count;
                after = long.Parse(page.Headers.GetValues("PlanLedger-Next-Position").Single());
                if (count < 1000) break;
            }
            report.Add("feed", $"{name} read from the start, pages of 1,000", events / clock.Elapsed.TotalSeconds, "events/s", note: $"{events} events in {clock.Elapsed.TotalMilliseconds:F0} ms");
        }
    }

    private static async Task<long> EventsAfterAsync(string db, long position)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from planledger.mt_events where tenant_id = 'bench-feed' and seq_id > @p", connection);
        command.Parameters.AddWithValue("p", position);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
