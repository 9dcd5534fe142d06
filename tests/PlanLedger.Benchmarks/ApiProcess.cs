using System.Diagnostics;

namespace PlanLedger.Benchmarks;

/// <summary>The API as a separate Release process on loopback, so HTTP figures include a real server and client.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    public string Url { get; }
    public TimeSpan ColdStart { get; private set; }
    public int ProcessId => _process.Id;

    private ApiProcess(Process process, string url) { _process = process; Url = url; }

    public static async Task<ApiProcess> StartAsync(string dll, string database, string signingKey, int port, string? daemon = null,
        string environment = "Production", IReadOnlyDictionary<string, string>? settings = null)
    {
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        info.Environment["PLANLEDGER_DB"] = database;
        info.Environment["Auth__SigningKey"] = signingKey;
        info.Environment["ASPNETCORE_URLS"] = url;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        info.Environment["Ledger__RateLimit__PermitsPerSecond"] = "10000000";
        // As deployed unless the run says otherwise (Ledger__Daemon, Ledger__AutoPrepare in the harness's environment pass through).
        if (daemon is not null) info.Environment["Ledger__Daemon"] = daemon;
        info.Environment["Ledger__TypeLoadMode"] = "Static";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var started = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"api: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var api = new ApiProcess(process, url);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (started.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited) throw new InvalidOperationException($"The API exited with {process.ExitCode}");
            try
            {
                if ((await http.GetAsync($"{url}/health/ready")).IsSuccessStatusCode)
                {
                    api.ColdStart = started.Elapsed;
                    return api;
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(20);
        }
        throw new TimeoutException("The API did not become ready in 120 s");
    }

    /// <summary>Peak resident memory of the API process so far (VmHWM), in MB.</summary>
    public double PeakMemoryMb() => StatusMb("VmHWM:");

    /// <summary>Resident memory of the API process now (VmRSS), in MB.</summary>
    public double ResidentMemoryMb() => StatusMb("VmRSS:");

    private double StatusMb(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith(field));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>A loopback port free now.</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
