using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PlanLedger.Tests.Webhooks;

/// <summary>One request the receiver got, as it arrived.</summary>
public sealed record Delivery(string WebhookId, string Timestamp, string Signature, byte[] Body, int AnsweredWith)
{
    public JsonNode Event => JsonNode.Parse(Body)!;
    public long Position => long.Parse(Event["position"]!.GetValue<string>());

    /// <summary>Standard Webhooks 1.0, written out here rather than borrowed from the API: HMAC-SHA256 over id.timestamp.body, keyed by the secret's base64 bytes.</summary>
    public bool IsSignedWith(string secret)
    {
        var key = Convert.FromBase64String(secret.Replace("whsec_", ""));
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{WebhookId}.{Timestamp}.").Concat(Body).ToArray()));
        return Signature.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s), Encoding.UTF8.GetBytes(expected)));
    }

    public bool IsTimely => Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(Timestamp)) <= 300;
}

/// <summary>A partner system's webhook endpoint: a real Kestrel server on loopback that records every request.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly SemaphoreSlim _arrived = new(0);

    /// <summary>The status to answer the n-th request (1-based) with; 200 by default.</summary>
    public Func<int, int> Answer { get; set; } = _ => 200;
    /// <summary>Completes the n-th request only when this returns; lets a test hold a delivery in flight.</summary>
    public Func<int, Task> Hold { get; set; } = _ => Task.CompletedTask;
    public string Url { get; private set; } = "";
    private int _inFlight;
    /// <summary>The most requests the receiver was answering at once.</summary>
    public int MostAtOnce { get; private set; }
    public IReadOnlyList<Delivery> Deliveries => _deliveries.ToList();
    public IEnumerable<Delivery> Acknowledged => Deliveries.Where(d => d.AnsweredWith is >= 200 and < 300);

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        var count = 0;
        app.MapPost("/hooks/planledger", async (HttpContext http) =>
        {
            var n = Interlocked.Increment(ref count);
            var atOnce = Interlocked.Increment(ref receiver._inFlight);
            lock (receiver._deliveries) receiver.MostAtOnce = Math.Max(receiver.MostAtOnce, atOnce);
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            await receiver.Hold(n);
            var status = receiver.Answer(n);
            receiver._deliveries.Enqueue(new Delivery(http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
                http.Request.Headers["webhook-signature"].ToString(), body.ToArray(), status));
            Interlocked.Decrement(ref receiver._inFlight);
            receiver._arrived.Release();
            http.Response.StatusCode = status;
            await http.Response.WriteAsync(status == 200 ? "thanks" : "receiver is down for maintenance");
        });
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks/planledger";
        return receiver;
    }

    /// <summary>Waits until the deliveries so far satisfy <paramref name="condition"/> (woken by each delivery, never by a sleep).</summary>
    public async Task WaitUntil(Func<IReadOnlyList<Delivery>, bool> condition, int seconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!condition(Deliveries))
        {
            try
            {
                await _arrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"After {seconds} s the receiver has {Deliveries.Count} deliveries: "
                                           + string.Join(", ", Deliveries.Select(d => $"{d.Position}:{d.AnsweredWith}")));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
