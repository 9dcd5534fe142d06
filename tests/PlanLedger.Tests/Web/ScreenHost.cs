using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PlanLedger.Partnerships;

namespace PlanLedger.Tests.Web;

/// <summary>
/// What the browser tests share for the whole run: the API served by Kestrel on a free loopback port (Chromium needs a
/// real socket; the suite's own host is an in-memory TestServer), against the suite's database, with its async daemon
/// off (the suite's host projects the national views), and one headless Debian Chromium driven by Playwright.
/// </summary>
public sealed class ScreenHost
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ScreenHost? _shared;

    public required WebApplicationFactory<Program> Factory { get; init; }
    public required string BaseUrl { get; init; }
    public required IBrowser Browser { get; init; }
    public static string Root { get; } = FindRoot();
    public static string Axe { get; } = File.ReadAllText(Path.Combine(Root, "src/PlanLedger.Api/Web/assets/node_modules/axe-core/axe.min.js"));

    public static async Task<ScreenHost> GetAsync(LedgerHost host)
    {
        await Gate.WaitAsync();
        try
        {
            if (_shared is null)
            {
                var factory = host.Factory(host.ConnectionString, "Disabled");
                factory.UseKestrel(0);
                factory.StartServer();
                var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                var playwright = await Playwright.CreateAsync();
                var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage", "--lang=en-GB"]
                });
                _shared = new ScreenHost { Factory = factory, BaseUrl = address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"), Browser = browser };
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    browser.CloseAsync().GetAwaiter().GetResult();
                    playwright.Dispose();
                };
            }
            // Each test starts from an empty ledger: forget the partnerships this host had seen.
            _shared.Factory.Services.GetRequiredService<PartnershipDirectory>().Forget();
            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PlanLedger.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No PlanLedger.sln above {AppContext.BaseDirectory}");
    }
}
