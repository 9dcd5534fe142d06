using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PlanLedger.Security;

namespace PlanLedger.Tests.Security;

public sealed class SecretsTests(LedgerHost host) : LedgerTest(host)
{
    [Fact]
    public async Task tokens_and_the_signing_key_never_reach_the_logs_even_at_trace_level()
    {
        await Host.PlanWithActionAsync();
        var captured = new CapturingLogs();
        await using var factory = Host.FactoryLoggingTo(captured, LogLevel.Trace);
        using var client = factory.CreateClient();

        var good = Host.Token(Roles.PartnerWriter, "orkney");
        var forged = DevelopmentTokens.Mint(DevelopmentTokens.NewSigningKey(), "forger", [Roles.PartnerWriter], ["orkney"]);
        foreach (var token in new[] { good, forged })
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            await client.GetAsync("/partnerships/orkney/plans/msg-plan");
            await client.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/status", "{\"status\":");
        }

        captured.Entries.Count.ShouldBeGreaterThan(10);
        foreach (var secret in new[] { good, forged, Host.SigningKey, good.Split('.')[2], forged.Split('.')[2] })
            captured.Lines.ShouldAllBe(line => !line.Contains(secret));
    }

    [Fact]
    public async Task a_credential_sent_in_the_query_string_a_cookie_or_a_header_never_reaches_the_logs()
    {
        await Host.PlanWithActionAsync();
        var captured = new CapturingLogs();
        await using var factory = Host.FactoryLoggingTo(captured, LogLevel.Trace);
        using var client = factory.CreateClient();

        var jwt = Host.Token(Roles.PartnerReader, "orkney");
        const string opaque = "opaque-secret-4f1d9c2b7e";
        foreach (var query in new[] { $"access_token={jwt}", $"token={opaque}", $"x=1&access_token={opaque}", $"api_key={opaque}" })
            (await client.GetAsync($"/partnerships/orkney/plans/msg-plan?{query}")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/partnerships/orkney/plans/msg-plan"))
        {
            request.Headers.Add("Cookie", $"session={opaque}; jwt={jwt}");
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {opaque}");
            await client.SendAsync(request);
        }

        captured.Lines.ShouldContain(line => line.Contains("/partnerships/orkney/plans/msg-plan"));
        foreach (var secret in new[] { jwt, jwt.Split('.')[2], opaque })
            captured.Lines.ShouldAllBe(line => !line.Contains(secret));
    }

    [Fact]
    public async Task answers_forbid_sniffing_and_html_gets_a_policy_allowing_only_its_own_style()
    {
        var writer = await Host.PlanWithActionAsync();
        var html = await writer.GetAsync("/partnerships/orkney/plans/msg-plan/board-report?format=html");
        html.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        var policy = html.Headers.GetValues("Content-Security-Policy").Single();
        policy.ShouldStartWith("default-src 'none'; style-src 'sha256-");
        policy.ShouldNotContain("unsafe");
        policy.ShouldContain("frame-ancestors 'none'");
        var page = await html.Content.ReadAsStringAsync();
        var style = page[(page.IndexOf("<style>", StringComparison.Ordinal) + 7)..page.IndexOf("</style>", StringComparison.Ordinal)];
        policy.ShouldContain(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(style))));

        var json = await writer.GetAsync("/partnerships/orkney/plans/msg-plan");
        json.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        json.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("default-src 'none'");
        json.Headers.Contains("Server").ShouldBeFalse();
        Host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>()
            .Value.AddServerHeader.ShouldBeFalse();
    }

    [Fact]
    public async Task a_credential_sent_in_the_query_string_never_reaches_a_trace()
    {
        await Host.PlanWithActionAsync();
        var jwt = Host.Token(Roles.PartnerReader, "orkney");
        const string opaque = "opaque-trace-secret-9a8b7c";
        var stopped = new ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var factory = Host.Factory(Host.ConnectionString, "Disabled").WithWebHostBuilder(b => b.UseSetting("Ledger:Telemetry", "true"));
        using var client = factory.CreateClient();
        await client.GetAsync($"/partnerships/orkney/plans/msg-plan?access_token={jwt}&token={opaque}");
        using var reader = factory.ClientWith(jwt);
        await reader.GetAsync($"/partnerships/orkney/plans/msg-plan?token={opaque}");

        var traced = stopped.Where(a => a.Source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)).ToList();
        traced.Count.ShouldBeGreaterThanOrEqualTo(2);
        // The query is traced, its values redacted by the instrumentation.
        traced.SelectMany(a => a.TagObjects).ShouldContain(t => t.Key == "url.query" && t.Value!.ToString()!.Contains("token=Redacted"));
        foreach (var activity in stopped)
        {
            var text = string.Join(" ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")) + activity.DisplayName
                       + string.Join(" ", activity.Baggage.Select(b => b.Value)) + string.Join(" ", activity.Events.Select(e => e.Name));
            foreach (var secret in new[] { jwt, jwt.Split('.')[2], opaque }) text.ShouldNotContain(secret);
        }
    }
}
