using System.Net;
using System.Net.Sockets;

namespace PlanLedger.Webhooks;

/// <summary>
/// Server-side request forgery guard: a webhook may only reach public https targets, unless configuration
/// widens it. Checked when a subscription is made and again on every connection (after DNS resolution,
/// connecting to the very address checked, so a name that later resolves elsewhere gains nothing).
/// </summary>
public sealed class WebhookTargets(WebhookOptions options)
{
    public sealed class RefusedException(string message) : Exception(message);

    /// <summary>Why the URL may not be a target, or null when it may.</summary>
    public string? RefuseUrl(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttps && !(options.AllowPrivateTargets && url.Scheme == Uri.UriSchemeHttp))
            return "must be an https URL.";
        if (!string.IsNullOrEmpty(url.UserInfo)) return "must not carry credentials.";
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) && !Allows(url.IdnHost, literal))
            return "must not be a loopback, private, link-local or metadata address.";
        if (url.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !Allows(url.IdnHost, IPAddress.Loopback))
            return "must not be a loopback, private, link-local or metadata address.";
        return null;
    }

    public bool Allows(string host, IPAddress address)
    {
        if (options.AllowPrivateTargets || options.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase)) return true;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (options.AllowedNetworks.Any(n => IPNetwork.TryParse(n, out var network) && network.Contains(address))) return true;
        return !IsInternal(address);
    }

    /// <summary>Loopback, private, shared (CGNAT), link-local (cloud metadata lives there), unique-local, multicast, unspecified.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast
                   || IPNetwork.Parse("64:ff9b::/96").Contains(address);
        string[] internalV4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4"];
        return internalV4.Any(n => IPNetwork.Parse(n).Contains(address));
    }

    /// <summary>An HTTP client that follows no redirects, times out quickly and connects only to allowed addresses.</summary>
    public HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync
        };
        return new HttpClient(handler) { Timeout = options.Timeout };
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken token)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, token);
        var allowed = addresses.Where(a => Allows(host, a)).ToList();
        if (allowed.Count == 0) throw new RefusedException($"{host} resolves only to addresses webhooks may not reach (loopback, private, link-local or metadata).");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed.ToArray(), context.DnsEndPoint.Port, token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
