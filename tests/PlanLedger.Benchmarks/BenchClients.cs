using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PlanLedger.Infrastructure;
using PlanLedger.Security;

namespace PlanLedger.Benchmarks;

/// <summary>Clients of one API under load: a shared connection pool, and a development token per role.</summary>
public sealed class BenchClients(string url, string signingKey)
{
    public static readonly JsonSerializerOptions Json = LedgerHttp.Configure(new JsonSerializerOptions());
    private readonly SocketsHttpHandler _handler = new() { MaxConnectionsPerServer = 256 };

    public HttpClient For(string role, params string[] partnerships)
    {
        var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevelopmentTokens.Mint(signingKey, $"bench-{role}", [role], partnerships, lifetime: TimeSpan.FromHours(4)));
        return client;
    }

    /// <summary>A setup write: it must succeed, or the run stops saying why.</summary>
    public static async Task Post(HttpClient client, string path, object body)
    {
        var r = await client.PostAsJsonAsync(path, body, Json);
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
    }
}
