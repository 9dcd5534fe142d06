using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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

    public static string Hash(HttpRequest request, object command, JsonSerializerOptions json)
    {
        var text = $"{request.Method} {request.Path}\n{JsonSerializer.Serialize(command, command.GetType(), json)}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

public static class IdempotencyConfiguration
{
    public const string Header = "Idempotency-Key";

    public static void ConfigureIdempotency(this StoreOptions opts)
    {
        opts.Schema.For<IdempotentAnswer>().DocumentAlias("idempotent_answer");
    }
}
