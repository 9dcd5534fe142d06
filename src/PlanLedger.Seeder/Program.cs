using PlanLedger.Security;

namespace PlanLedger.Seeder;

/// <summary>
/// <c>PlanLedger.Seeder &lt;baseUrl&gt; [seedsDir]</c>: loads the seed documents into a running API, minting
/// development tokens with the signing key in Auth__SigningKey (deploy/env.sh exports it). Safe to run again.
/// </summary>
public static class SeederProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length is < 1 or > 2 || args[0] is "-h" or "--help"
            || !Uri.TryCreate(args[0], UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            Console.Error.WriteLine("usage: PlanLedger.Seeder <baseUrl> [seedsDir]   e.g. PlanLedger.Seeder http://127.0.0.1:5080 seeds");
            Console.Error.WriteLine("       needs Auth__SigningKey (source deploy/env.sh)");
            return 2;
        }
        var seeds = args.Length > 1 ? args[1] : FindSeeds();
        if (seeds is null || !File.Exists(Path.Combine(seeds, "partnerships.json")))
        {
            Console.Error.WriteLine($"seeder: no seeds directory with partnerships.json ({seeds ?? "none found above the current directory"})");
            return 2;
        }
        var signingKey = Environment.GetEnvironmentVariable("Auth__SigningKey");
        if (string.IsNullOrWhiteSpace(signingKey))
        {
            Console.Error.WriteLine("seeder: Auth__SigningKey is not set (source deploy/env.sh)");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl.ToString().TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };

        string TokenFor(string role, string? partnership) =>
            DevelopmentTokens.Mint(signingKey, partnership is null ? $"seed-{role}" : SeedLoader.ClientFor(partnership), [role],
                partnership is null ? [] : [partnership], lifetime: TimeSpan.FromHours(1));

        try
        {
            Console.WriteLine($"seeder: loading {Path.GetFullPath(seeds)} into {client.BaseAddress}");
            var summary = await SeedLoader.LoadAsync(client, seeds, TokenFor, cancel.Token);
            Console.WriteLine(summary);
            return 0;
        }
        catch (Exception e) when (e is SeedLoadException or InvalidDataException or HttpRequestException or IOException
                                      or TaskCanceledException or OperationCanceledException)
        {
            Console.Error.WriteLine($"seeder: failed: {e.Message}");
            return 1;
        }
    }

    private static string? FindSeeds()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "seeds");
            if (File.Exists(Path.Combine(candidate, "partnerships.json"))) return candidate;
        }
        return null;
    }
}
