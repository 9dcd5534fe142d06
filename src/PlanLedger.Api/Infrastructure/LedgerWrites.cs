using System.Diagnostics;
using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PlanLedger.Ledger;
using PlanLedger.Security;

namespace PlanLedger.Infrastructure;

/// <summary>A command that may say when it took effect; absent, it takes effect today.</summary>
public interface IEffectiveChange
{
    /// <summary>The reporting date the change takes effect on (may be in the past); defaults to today.</summary>
    DateOnly? EffectiveOn { get; }
}

/// <summary>What a write did: appended events, changed nothing, or was refused.</summary>
public abstract record WriteOutcome
{
    public sealed record Appended(int Events, int Version, object Resource, string? Location = null) : WriteOutcome;
    public sealed record Unchanged(int Version, object Resource) : WriteOutcome;
    public sealed record Refused(ProblemDetails Problem) : WriteOutcome;
}

/// <summary>The answer to every write: what happened, and the resource as it now stands.</summary>
/// <param name="Outcome">"Appended", or "Unchanged" when the change would change nothing and nothing was appended.</param>
public sealed record Written<T>(
    string Outcome,
    int EventsAppended,
    int Version,
    T Resource);

/// <summary>
/// The one path every change to a partnership's ledger takes: the checked partnership, provenance
/// from the credential, idempotency, optimistic concurrency, and problem details for refusals.
/// </summary>
public sealed class LedgerWrites(
    IDocumentStore store,
    TimeProvider clock,
    IHttpContextAccessor accessor,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<LedgerWrites> logger)
{
    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No HTTP request");

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public Provenance ProvenanceFor(IEffectiveChange change, DateOnly? fallback = null)
    {
        var caller = Http.Caller();
        var correlation = Http.Request.Headers["X-Correlation-Id"].FirstOrDefault() is { Length: > 0 and <= 100 } c
            ? c
            : Activity.Current?.TraceId.ToString() ?? Http.TraceIdentifier;
        return new Provenance(change.EffectiveOn ?? fallback ?? Today, clock.GetUtcNow(), caller.Actor, caller.SourceSystem, correlation);
    }

    /// <summary>The version the caller says it saw (If-Match), if it sent one.</summary>
    public int? ExpectedVersion => ETags.ParseIfMatch(Http.Request.Headers.IfMatch);

    public async Task<IResult> Run(object command, Func<IDocumentSession, Task<WriteOutcome>> work, int createdStatus = 200)
    {
        var http = Http;
        var partnership = http.Partnership();
        var key = http.Request.Headers[IdempotencyConfiguration.Header].FirstOrDefault();
        if (key is { Length: 0 or > 100 })
            return Problems.Result(400, "Invalid Idempotency-Key", "The Idempotency-Key header must hold 1 to 100 characters.", "Idempotency-Key");

        await using var session = store.LightweightSession(partnership);
        string? hash = null;
        if (key is not null)
        {
            hash = IdempotentAnswer.Hash(http.Request, command, json.Value.SerializerOptions);
            var earlier = await session.LoadAsync<IdempotentAnswer>(key, http.RequestAborted);
            if (earlier is not null) return Replay(earlier, hash);
        }

        WriteOutcome outcome;
        try
        {
            outcome = await work(session);
        }
        catch (ConcurrencyException e) { return Conflict(e); }

        if (outcome is WriteOutcome.Refused refused)
        {
            LedgerTelemetry.ChangesRefused.Add(1);
            return Problems.Result(refused.Problem);
        }

        var (status, body, etag, location, appended) = outcome switch
        {
            WriteOutcome.Appended a => (a.Location is null ? 200 : createdStatus, Wrap("Appended", a.Events, a.Version, a.Resource), ETags.For(a.Version), a.Location, a.Events),
            WriteOutcome.Unchanged u => (200, Wrap("Unchanged", 0, u.Version, u.Resource), ETags.For(u.Version), null, 0),
            _ => throw new UnreachableException()
        };
        var bodyJson = JsonSerializer.Serialize(body, body.GetType(), json.Value.SerializerOptions);

        if (key is not null)
        {
            session.Insert(new IdempotentAnswer
            {
                Id = key, RequestHash = hash!, StatusCode = status, Body = bodyJson, ETag = etag, Location = location,
                RecordedAt = clock.GetUtcNow()
            });
        }

        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException)
        {
            return Conflict(e);
        }
        catch (Exception e) when (e is Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException)
        {
            return Problems.Result(409, "Already exists", "Something with this reference already exists in this partnership's ledger.");
        }
        catch (DocumentAlreadyExistsException) when (key is not null)
        {
            // A concurrent retry with the same key won; answer as it was answered.
            await using var again = store.QuerySession(partnership);
            var earlier = await again.LoadAsync<IdempotentAnswer>(key, http.RequestAborted);
            if (earlier is not null) return Replay(earlier, hash!);
            throw;
        }

        LedgerTelemetry.EventsAppended.Add(appended, new KeyValuePair<string, object?>("partnership", partnership));
        return new JsonText(status, bodyJson, etag, location);
    }

    private static object Wrap(string outcome, int events, int version, object resource)
    {
        var type = typeof(Written<>).MakeGenericType(resource.GetType());
        return Activator.CreateInstance(type, outcome, events, version, resource)!;
    }

    private static IResult Replay(IdempotentAnswer earlier, string hash) =>
        earlier.RequestHash == hash
            ? new JsonText(earlier.StatusCode, earlier.Body, earlier.ETag, earlier.Location, Replayed: true)
            : Problems.Result(422, "Idempotency-Key reused",
                "This Idempotency-Key was already used for a different request; use a new key for a new change.", "Idempotency-Key");

    private IResult Conflict(Exception e)
    {
        logger.LogInformation("Concurrent change refused: {Reason}", e.Message);
        return Problems.Result(409, "Concurrent change",
            "Another change to the same record was recorded first. Read it again (its ETag gives the current version) and retry.");
    }

    /// <summary>A precomputed JSON answer, so an idempotent replay is byte-for-byte the original.</summary>
    private sealed record JsonText(int Status, string Body, string? ETag, string? Location, bool Replayed = false) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = Status;
            response.ContentType = "application/json; charset=utf-8";
            if (ETag is not null) response.Headers.ETag = ETag;
            if (Location is not null) response.Headers.Location = Location;
            if (Replayed) response.Headers["Idempotent-Replayed"] = "true";
            return response.WriteAsync(Body);
        }
    }
}
