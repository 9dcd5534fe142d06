using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using PlanLedger.Security;
using PlanLedger.Tests.Skeleton;

namespace PlanLedger.Tests;

/// <summary>A separate API process on a free loopback port.</summary>
public sealed class ApiProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    public Uri Address { get; }

    private ApiProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public static async Task<ApiProcess> StartAsync(string connectionString, string signingKey, IReadOnlyDictionary<string, string>? settings = null)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0
        var bin = Path.Combine(ContractTests.RepositoryRoot(), "src", "PlanLedger.Api", "bin", configuration, "net10.0");
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [Path.Combine(bin, "PlanLedger.Api.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = bin, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["PLANLEDGER_DB"] = connectionString;
        info.Environment["Auth__SigningKey"] = signingKey;
        info.Environment["Ledger__Daemon"] = "HotCold";
        info.Environment["Webhooks__RetryBase"] = "00:00:00.050";
        info.Environment["Webhooks__RetryCap"] = "00:00:00.200";
        info.Environment["Webhooks__Poll"] = "00:00:00.200";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var api = new ApiProcess(Process.Start(info)!, new Uri($"http://127.0.0.1:{port}"));
        api._process.OutputDataReceived += (_, e) => { lock (api._output) if (e.Data is not null) api._output.Add(e.Data); };
        api._process.ErrorDataReceived += (_, e) => { lock (api._output) if (e.Data is not null) api._output.Add(e.Data); };
        api._process.BeginOutputReadLine();
        api._process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = api.Address };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            if (api._process.HasExited) throw new InvalidOperationException("The API process exited: " + string.Join("\n", api._output.TakeLast(30)));
            try
            {
                if ((await client.GetAsync("/health/ready", timeout.Token)).StatusCode == HttpStatusCode.OK) return api;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    public HttpClient Client(string signingKey, string role, params string[] partnerships)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevelopmentTokens.Mint(signingKey, $"{role}-crash-client", [role], partnerships));
        return client;
    }

    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL on Linux: the process gets no chance to release anything.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
