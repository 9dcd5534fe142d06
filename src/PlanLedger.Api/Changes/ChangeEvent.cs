using System.Text.Json;
using System.Text.Json.Serialization;
using Marten;
using Npgsql;
using PlanLedger.Infrastructure;

namespace PlanLedger.Changes;

/// <summary>
/// One ledger event as a CloudEvents 1.0 event (JSON format). Extension attributes carry what every ledger
/// event records beside its data: its effective date, who recorded it, through which system, the correlation
/// id and its ledger position (the cursor a reader resumes after).
/// </summary>
/// <param name="Id">The event's id (a UUID); the same in the feed, in SSE and as a webhook's webhook-id.</param>
/// <param name="Source">The partnership's ledger, e.g. /partnerships/orkney.</param>
/// <param name="Type">The stable event type name, e.g. scot.planledger.action.status-changed.</param>
/// <param name="Subject">The path of the resource the event changed, e.g. /partnerships/orkney/plans/msg-plan/actions/1.1.</param>
/// <param name="Time">When the ledger recorded the event (server clock).</param>
/// <param name="Data">The domain event as the ledger stores it; changes carry their before (from) and after (to) values.</param>
/// <param name="Partnership">The partnership whose ledger holds the event.</param>
/// <param name="Effectiveon">The reporting date the change took effect on (ISO date).</param>
/// <param name="Actor">Who recorded it: the credential's subject.</param>
/// <param name="Sourcesystem">Which partner system posted it.</param>
/// <param name="Correlationid">The request's correlation id, when it had one.</param>
/// <param name="Position">The event's ledger position (a decimal integer as a string): pass it as <c>after</c> to read on from here.</param>
/// <param name="Streamversion">The event's version in its resource's stream (1 is the first).</param>
public sealed record ChangeEvent(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("partnership")] string Partnership,
    [property: JsonPropertyName("effectiveon")] string? Effectiveon,
    [property: JsonPropertyName("actor")] string? Actor,
    [property: JsonPropertyName("sourcesystem")] string? Sourcesystem,
    [property: JsonPropertyName("correlationid")] string? Correlationid,
    [property: JsonPropertyName("position")] string Position,
    [property: JsonPropertyName("streamversion")] long Streamversion)
{
    /// <summary>Always 1.0.</summary>
    [JsonPropertyName("specversion")]
    [JsonPropertyOrder(-1)]
    public string Specversion => "1.0";

    /// <summary>Always application/json.</summary>
    [JsonPropertyName("datacontenttype")]
    public string Datacontenttype => "application/json";

    /// <summary>The event's sequence in its database (in the national feed over a pool, <see cref="Position"/> is a cursor over every database).</summary>
    [JsonIgnore] public long Sequence { get; init; }

    /// <summary>The database the event is recorded in.</summary>
    [JsonIgnore] public string Database { get; init; } = "";

    public const string BatchMediaType = "application/cloudevents-batch+json";
    public const string MediaType = "application/cloudevents+json";

    public static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping
    };

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}

/// <summary>Whose events a reader follows: one partnership's, or (national) every partnership's.</summary>
public sealed record FeedScope(string? Partnership)
{
    public static readonly FeedScope National = new((string?)null);
    public string Path => Partnership is null ? "/national/changes" : $"/partnerships/{Partnership}/changes";
}

/// <summary>Reads ledger events from Marten's event table in ledger order, as CloudEvents.</summary>
public static class ChangeReader
{
    // Marten's tenant for events outside any partnership: onboarding is recorded in the national ledger.
    public const string NationalTenant = NationalLedger.Tenant;

    /// <summary>
    /// Up to <paramref name="limit"/> events of the scope after <paramref name="after"/> and at or before
    /// <paramref name="upTo"/> (a safe high-water mark), oldest first; <paramref name="types"/> filters by
    /// published type name when given.
    /// </summary>
    public static async Task<List<ChangeEvent>> ReadAsync(IDocumentStore store, Marten.Storage.IMartenDatabase on, FeedScope scope, long after, long upTo, int limit,
        IReadOnlyCollection<string>? types, CancellationToken token)
    {
        var events = new List<ChangeEvent>();
        if (upTo <= after) return events;
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = on.CreateConnection();
        await connection.OpenAsync(token);
        var tenantFilter = scope.Partnership is null ? "" : "and (tenant_id = @tenant or (tenant_id = @national and stream_id = @onboarding))";
        var typeFilter = types is { Count: > 0 } ? "and split_part(mt_dotnet_type, ',', 1) = any(@types)" : "";
        await using var command = new NpgsqlCommand($"""
            select seq_id, id, stream_id, version, tenant_id, timestamp, mt_dotnet_type, data::text
              from {schema}.mt_events
             where seq_id > @after and seq_id <= @upTo {tenantFilter} {typeFilter}
             order by seq_id
             limit @limit
            """, connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("upTo", upTo);
        command.Parameters.AddWithValue("limit", limit);
        if (scope.Partnership is not null)
        {
            command.Parameters.AddWithValue("tenant", scope.Partnership);
            command.Parameters.AddWithValue("national", NationalTenant);
            command.Parameters.AddWithValue("onboarding", Partnerships.Partnership.KeyFor(scope.Partnership));
        }
        if (typeFilter.Length > 0) command.Parameters.AddWithValue("types", ChangeTypes.StoredNamesFor(types!));
        await using var reader = await command.ExecuteReaderAsync(token);
        while (await reader.ReadAsync(token))
        {
            events.Add(ToChangeEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), reader.GetString(7)) with { Database = on.Name() });
        }
        return events;
    }

    private static ChangeEvent ToChangeEvent(long sequence, Guid id, string stream, long version, string tenant,
        DateTimeOffset timestamp, string dotNetType, string json)
    {
        var data = JsonDocument.Parse(json).RootElement;
        var partnership = tenant == NationalTenant && stream.StartsWith("partnership/") ? stream["partnership/".Length..] : tenant;
        var provenance = data.TryGetProperty("provenance", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
        string? Text(string name) => provenance is { } pv && pv.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var recorded = Text("recordedAt") is { } r && DateTimeOffset.TryParse(r, out var at) ? at : timestamp;
        return new ChangeEvent(
            id.ToString(), $"/partnerships/{partnership}", ChangeTypes.For(dotNetType), SubjectFor(partnership, stream), recorded.ToUniversalTime(),
            data, partnership, Text("effectiveOn"), Text("recordedBy"), Text("sourceSystem"), Text("correlationId"),
            sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), version) { Sequence = sequence };
    }

    /// <summary>The API path of the resource a stream records (its stream key says which).</summary>
    public static string SubjectFor(string partnership, string stream)
    {
        var parts = stream.Split('/');
        var p = Uri.EscapeDataString(partnership);
        string E(int i) => Uri.EscapeDataString(parts[i]);
        return parts switch
        {
            ["partnership", _] => $"/partnerships/{E(1)}",
            ["plan", _] => $"/partnerships/{p}/plans/{E(1)}",
            ["action", _, _] => $"/partnerships/{p}/plans/{E(1)}/actions/{E(2)}",
            ["rating", _] => $"/partnerships/{p}/self-assessments/{E(1)}",
            ["report", _] => $"/partnerships/{p}/reports/{E(1)}",
            _ => $"/partnerships/{p}"
        };
    }
}
