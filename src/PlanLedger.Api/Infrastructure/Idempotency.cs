using System.Security.Cryptography;
using System.Text;
using Marten;

namespace PlanLedger.Infrastructure;

/// <summary>
/// The answer given to a request that carried an Idempotency-Key, kept in the same transaction as
/// the events it appended so a retry gets the original answer and appends nothing.
/// </summary>
public sealed class IdempotentAnswer
{
    public string Id { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public int StatusCode { get; set; }
    public string Body { get; set; } = "";
    public string? ETag { get; set; }
    public string? Location { get; set; }
    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>The request as the ledger read it (method, path and the bound command), so a retry matches whatever its formatting.</summary>
    public static string Hash(HttpRequest request, string command) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n{command}")));
}

public static class IdempotencyConfiguration
{
    public const string Header = "Idempotency-Key";

    public static void ConfigureIdempotency(this StoreOptions opts)
    {
        opts.Schema.For<IdempotentAnswer>().DocumentAlias("idempotent_answer");
    }
}
