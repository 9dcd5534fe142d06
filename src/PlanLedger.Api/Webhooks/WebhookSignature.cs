using System.Security.Cryptography;
using System.Text;

namespace PlanLedger.Webhooks;

/// <summary>Standard Webhooks 1.0 signing: <c>v1,</c> + base64 HMAC-SHA256 over <c>id.timestamp.body</c>, keyed by the secret's base64-decoded bytes.</summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix) ? secret[SecretPrefix.Length..] : secret);
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>The webhook-signature header: the current secret's signature, and the previous secret's while it is still honoured.</summary>
    public static string Header(WebhookSubscription s, string id, long timestamp, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var header = Sign(s.Secret, id, timestamp, body);
        return s.PreviousSecret is { } previous && s.PreviousSecretUntil > now ? header + " " + Sign(previous, id, timestamp, body) : header;
    }
}
