using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using PlanLedger.Security;

namespace PlanLedger.Tests.Hardening;

/// <summary>
/// A PostgreSQL cluster of the test's own (deploy/db.sh in a temporary data directory), really stopped and
/// started again under a running API.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class DatabaseOutageTests(LedgerHost host) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"planledger-outage-{Guid.NewGuid():N}"[..32]);
    private string _connectionString = "";

    private static string DbScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "deploy", "db.sh");
            if (File.Exists(script)) return script;
        }
        throw new InvalidOperationException("deploy/db.sh not found above " + AppContext.BaseDirectory);
    }

    private async Task<string> Db(string command)
    {
        var start = new ProcessStartInfo("bash", [DbScript(), command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("PLANLEDGER_DB");
        start.Environment["PLANLEDGER_DATA_DIR"] = _dataDir;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"db.sh {command} exited {process.ExitCode}: {await errors}");
        return (await output).Trim();
    }

    private string Port => File.ReadAllText(Path.Combine(_dataDir, "pg.port")).Trim();

    public async Task InitializeAsync()
    {
        _connectionString = await Db("start");
        // Leave a pooled connection behind a restart, as an earlier cluster on the same port can: the API must not
        // take it for a database that is down.
        await using (var connection = new NpgsqlConnection(_connectionString)) await connection.OpenAsync();
        await Db("stop");
        await Db("start");
    }

    public async Task DisposeAsync()
    {
        await Db("stop");
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task a_fresh_database_starts_without_an_error_and_with_postgresql_stopped_every_read_and_write_answers_503_with_retry_after()
    {
        var logs = new CapturingLogs();
        await using var factory = host.FactoryLoggingTo(logs, connectionString: _connectionString, daemon: "Solo");
        using var anonymous = factory.CreateClient();
        for (var i = 0; i < 240 && !(await anonymous.GetAsync("/health/ready")).IsSuccessStatusCode; i++) await Task.Delay(250);
        (await anonymous.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var admin = factory.ClientWith(host.Token(Roles.Admin));
        using var writer = factory.ClientWith(host.Token(Roles.PartnerWriter, "orkney"));
        using var national = factory.ClientWith(host.Token(Roles.National));
        await admin.Post("/partnerships", new { code = "orkney", name = "Orkney" });
        await writer.Post("/partnerships/orkney/plans", new { reference = "msg-plan", kind = "MsgImprovementActionPlan", title = "Plan" });
        await writer.Post("/partnerships/orkney/plans/msg-plan/headings", new { reference = "KF1", kind = "StrategicPriority", title = "Leadership" });
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions", new { reference = "1.1", heading = "KF1", description = "Review", status = "Amber" });
        await writer.Post("/partnerships/orkney/self-assessments/2.6", new { rating = "Established" });
        await factory.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        (await national.GetJson("/national/msg-ratings"))["partnerships"]!.AsArray().Count.ShouldBe(1);
        logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.Text).ShouldBeEmpty();

        var port = Port;
        await Db("stop");
        string[] reads =
        [
            "/partnerships", "/partnerships/orkney/plans", "/partnerships/orkney/plans/msg-plan", "/partnerships/orkney/overview",
            "/partnerships/orkney/self-assessments", "/partnerships/orkney/plans/msg-plan/actions?asOf=2030-01-01T00:00:00Z",
            "/partnerships/orkney/plans/msg-plan/actions/1.1", "/partnerships/orkney/plans/msg-plan/summary", "/national/delivery", "/national/msg-ratings"
        ];
        foreach (var path in reads)
        {
            var response = await national.GetAsync(path);
            ((int)response.StatusCode).ShouldBe(503, path);
            response.Headers.RetryAfter.ShouldNotBeNull(path);
        }
        var write = await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Red", reason = "Stalled" });
        ((int)write.StatusCode).ShouldBe(503);
        write.Headers.RetryAfter.ShouldNotBeNull();

        // Started again, the cluster is on its old port, so the running API recovers without a restart.
        await Db("start");
        Port.ShouldBe(port);
        // Readiness opens its own connection, so one pooled before the restart cannot make it report the database down.
        (await anonymous.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        HttpStatusCode status = 0;
        for (var attempt = 0; attempt < 20 && status != HttpStatusCode.OK; attempt++)
        {
            status = (await national.GetAsync("/partnerships/orkney/plans/msg-plan")).StatusCode;
            if (status != HttpStatusCode.OK) await Task.Delay(500);
        }
        status.ShouldBe(HttpStatusCode.OK);
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Red", reason = "Stalled" });
    }
}
