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
        await using var factory = Host.Factory(Host.ConnectionString, "Disabled").WithWebHostBuilder(b =>
            b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(captured).AddFilter<CapturingLogs>(null, LogLevel.Trace)));
        using var client = factory.CreateClient();

        var good = Host.Token(Roles.PartnerWriter, "orkney");
        var forged = DevelopmentTokens.Mint(DevelopmentTokens.NewSigningKey(), "forger", [Roles.PartnerWriter], ["orkney"]);
        foreach (var token in new[] { good, forged })
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            await client.GetAsync("/partnerships/orkney/plans/msg-plan");
            await client.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/status", "{\"status\":");
        }

        captured.Lines.Count.ShouldBeGreaterThan(10);
        foreach (var secret in new[] { good, forged, Host.SigningKey, good.Split('.')[2], forged.Split('.')[2] })
            captured.Lines.ShouldAllBe(line => !line.Contains(secret));
    }

    private sealed class CapturingLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public ILogger CreateLogger(string category) => new Logger(this, category);
        public void Dispose() { }

        private sealed class Logger(CapturingLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel level) => true;
            public void Log<TState>(LogLevel level, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{category} {formatter(state, exception)} {exception}");
        }
    }
}
