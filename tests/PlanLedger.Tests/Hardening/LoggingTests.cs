using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using PlanLedger.Security;

namespace PlanLedger.Tests.Hardening;

public sealed class LoggingTests(LedgerHost host) : LedgerTest(host)
{
    [Fact]
    public async Task expected_refusals_409_412_422_log_no_error_and_no_sql()
    {
        await Host.PlanWithActionAsync();
        var logs = new CapturingLogs();
        await using var factory = Host.FactoryLoggingTo(logs);
        using var writer = factory.ClientWith(Host.Token(Roles.PartnerWriter, "orkney"));
        using var admin = factory.ClientWith(Host.Token(Roles.Admin));

        var statuses = new List<int>
        {
            // 409: an action or a partnership that already exists
            (int)(await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions", new { reference = "1.1", heading = "KF1", description = "again" })).StatusCode,
            (int)(await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans", new { reference = "msg-plan", kind = "MsgImprovementActionPlan", title = "again" })).StatusCode,
            (int)(await admin.Send(HttpMethod.Post, "/partnerships", new { code = "orkney", name = "Another name" })).StatusCode,
            // 412: a stale version
            (int)(await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Red", reason = "x" }, ifMatch: "\"0\"")).StatusCode,
        };
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Red", reason = "x" }, idempotencyKey: "k1");
        // 422: the same key with another body; a heading the plan does not have
        statuses.Add((int)(await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Green", reason = "y" }, "k1")).StatusCode);
        statuses.Add((int)(await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions", new { reference = "9.9", heading = "KF9", description = "x" })).StatusCode);
        // 400: bad JSON
        statuses.Add((int)(await writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/status", "{\"status\":\"Purple\"}")).StatusCode);

        statuses.ShouldBe([409, 409, 409, 412, 422, 422, 400]);
        // 409: concurrent changes to one action, where all but one may lose the race
        var race = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            writer.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = i % 2 == 0 ? "Amber" : "Green", reason = $"r{i}" })));
        race.Select(r => (int)r.StatusCode).ShouldAllBe(s => s == 200 || s == 409);
        logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.Text).ShouldBeEmpty();
        logs.Lines.ShouldAllBe(line => !line.Contains("insert into", StringComparison.OrdinalIgnoreCase) && !line.Contains("mt_quick_append", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task the_api_reads_its_own_settings_from_any_working_directory_and_logs_one_readable_line_per_event_in_development()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var api = new DirectoryInfo(AppContext.BaseDirectory);
        while (api is not null && !Directory.Exists(Path.Combine(api.FullName, "src", "PlanLedger.Api"))) api = api.Parent;
        var folder = Path.Combine(api!.FullName, "src", "PlanLedger.Api", "bin", configuration, "net10.0");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();

        var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, "PlanLedger.Api.dll")])
        {
            WorkingDirectory = Path.GetTempPath(), RedirectStandardOutput = true, RedirectStandardError = true
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment["PLANLEDGER_DB"] = Host.ConnectionString;
        start.Environment["Auth__SigningKey"] = Host.SigningKey;
        start.Environment["Ledger__Daemon"] = "Disabled";
        start.Environment["Ledger__LagSampleSeconds"] = "0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            var ready = false;
            for (var i = 0; i < 120 && !ready && !process.HasExited; i++)
            {
                try { ready = (await client.GetAsync("/health/ready")).IsSuccessStatusCode; }
                catch (HttpRequestException) { }
                if (!ready) await Task.Delay(250);
            }
            ready.ShouldBeTrue();
            client.DefaultRequestHeaders.Authorization = new("Bearer", Host.Token(Roles.National));
            (await client.GetAsync("/partnerships")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain(l => l.Contains("info: Microsoft.Hosting.Lifetime") && l.Contains("Content root path: " + folder));
        lines.ShouldNotContain(l => l.TrimStart().StartsWith('{'));
        // appsettings.json keeps ASP.NET Core's per-request Information lines out.
        lines.ShouldNotContain(l => l.Contains("Request starting") || l.Contains("Request finished"));
    }
}
