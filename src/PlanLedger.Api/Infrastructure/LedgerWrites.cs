using System.Diagnostics;
using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PlanLedger.Ledger;
using PlanLedger.Security;

namespace PlanLedger.Infrastructure;

/// <summary>What a write did: appended events, changed nothing, or was refused.</summary>
public abstract record Outcome<T>
{
    /// <param name="Version">The resource's version after the write; null for a return, whose items each say theirs.</param>
    public sealed record Appended(T Resource, int Events, int? Version, string? Location = null) : Outcome<T>;
    public sealed record Unchanged(T Resource, int? Version) : Outcome<T>;
    public sealed record Refused(ProblemDetails Problem) : Outcome<T>;

    public static implicit operator Outcome<T>(ProblemDetails problem) => new Refused(problem);
}

/// <summary>The answer to every write: what happened, and the resource as it now stands.</summary>
/// <param name="Outcome">"Appended", or "Unchanged" when the change would change nothing and nothing was appended.</param>
/// <param name="Version">The resource's version after the write, as in its ETag (a return has none: its items carry theirs).</param>
public sealed record Written<T>(
    WriteResult Outcome,
    int EventsAppended,
    int? Version,
    T Resource);

/// <summary>Whether a write recorded anything.</summary>
public enum WriteResult
{
    /// <summary>Events were appended to the ledger.</summary>
    Appended,
    /// <summary>The change would change nothing: nothing was appended.</summary>
    Unchanged
}

/// <summary>What a write works with inside the pipeline: its session, the caller's provenance and preconditions.</summary>
public sealed class WriteContext(IDocumentSession session, Preconditions preconditions, Func<IEffectiveChange, DateOnly?, Provenance> provenance, CancellationToken cancellation)
{
    public IDocumentSession Session { get; } = session;
    public Preconditions Preconditions { get; } = preconditions;
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Who, through which system, effective when (the change's own date, else the fallback, else today), recorded now.</summary>
    public Provenance ProvenanceFor(IEffectiveChange change, DateOnly? fallback = null) => provenance(change, fallback);
}

/// <summary>
/// The one path every change to a ledger takes: the checked partnership, provenance from the credential,
/// Idempotency-Key, preconditions, optimistic concurrency, problem details for refusals, and telemetry.
/// What a write decides is its own (see <see cref="StreamWrites"/>); how it is recorded and answered is here.
/// </summary>
public sealed class LedgerWrites(
    IDocumentStore store,
    TimeProvider clock,
    IHttpContextAccessor accessor,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<LedgerWrites> logger)
{
    /// <summary>Writes to the partnership named in the route (checked against the credential before this runs).</summary>
    public Task<IResult> Run<TCommand, T>(TCommand command, Func<WriteContext, Task<Outcome<T>>> write) where TCommand : IEffectiveChange =>
        Run(command, Http.Partnership(), write);

    /// <summary>Writes to a named ledger: a partnership's, or the national one (<see cref="JasperFx.StorageConstants.DefaultTenantId"/>).</summary>
    public async Task<IResult> Run<TCommand, T>(TCommand command, string ledger, Func<WriteContext, Task<Outcome<T>>> write)
        where TCommand : IEffectiveChange
    {
        var http = Http;
        var key = http.Request.Headers[IdempotencyConfiguration.Header].FirstOrDefault();
        if (key is { Length: 0 or > 100 })
            return Problems.Result(400, "Invalid Idempotency-Key", "The Idempotency-Key header must hold 1 to 100 characters.", "Idempotency-Key");
        if (Preconditions.Read(http.Request, out var preconditions) is { } malformed) return Problems.Result(malformed);
        if (!TryReadNote(http.Request, out var note))
            return Problems.Result(400, "Invalid Ledger-Note", "The Ledger-Note header must be percent-encoded UTF-8 of 1 to 1000 characters.", Ledger.Provenance.NoteHeader);

        await using var session = store.LightweightSession(ledger);
        string? hash = null;
        if (key is not null)
        {
            hash = IdempotentAnswer.Hash(http.Request, JsonSerializer.Serialize(command, json.Value.SerializerOptions));
            var earlier = await session.LoadAsync<IdempotentAnswer>(key, http.RequestAborted);
            if (earlier is not null) return Replay(earlier, hash);
        }

        var provenance = Provenance(http, note);
        Outcome<T> outcome;
        try
        {
            outcome = await write(new WriteContext(session, preconditions, provenance, http.RequestAborted));
        }
        catch (ConcurrencyException e) { return Conflict(e); }

        if (outcome is Outcome<T>.Refused refused)
        {
            LedgerTelemetry.ChangesRefused.Add(1);
            return Problems.Result(refused.Problem);
        }

        var answer = outcome switch
        {
            Outcome<T>.Appended a => new Answer<T>(a.Location is null ? 200 : 201, new Written<T>(WriteResult.Appended, a.Events, a.Version, a.Resource), a.Location),
            Outcome<T>.Unchanged u => new Answer<T>(200, new Written<T>(WriteResult.Unchanged, 0, u.Version, u.Resource), null),
            _ => throw new UnreachableException()
        };
        var body = JsonSerializer.Serialize(answer.Body, json.Value.SerializerOptions);
        var etag = answer.Body.Version is { } version ? ETags.For(version) : null;

        if (key is not null)
        {
            session.Insert(new IdempotentAnswer
            {
                Id = key, RequestHash = hash!, StatusCode = answer.Status, Body = body, ETag = etag, Location = answer.Location,
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
            return Problems.Result(409, "Already exists", "Something with this reference was recorded in this ledger at the same moment; read it and retry.");
        }
        catch (DocumentAlreadyExistsException) when (key is not null)
        {
            // A concurrent retry with the same key won; answer as it was answered.
            await using var again = store.QuerySession(ledger);
            var earlier = await again.LoadAsync<IdempotentAnswer>(key, http.RequestAborted);
            if (earlier is not null) return Replay(earlier, hash!);
            throw;
        }

        LedgerTelemetry.EventsAppended.Add(answer.Body.EventsAppended, new KeyValuePair<string, object?>("partnership", ledger));
        return new JsonText(answer.Status, body, etag, answer.Location);
    }

    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No HTTP request");

    private static bool TryReadNote(HttpRequest request, out string? note)
    {
        note = null;
        if (request.Headers[Ledger.Provenance.NoteHeader].FirstOrDefault() is not { } raw) return true;
        try { note = Uri.UnescapeDataString(raw).Trim(); }
        catch (UriFormatException) { return false; }
        return note.Length is > 0 and <= 1000;
    }

    private Func<IEffectiveChange, DateOnly?, Provenance> Provenance(HttpContext http, string? note)
    {
        var caller = http.Caller();
        var correlation = http.Request.Headers["X-Correlation-Id"].FirstOrDefault() is { Length: > 0 and <= 100 } c
            ? c
            : Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return (change, fallback) => new Provenance(change.EffectiveOn ?? fallback ?? today, now, caller.Actor, caller.SourceSystem, correlation, note);
    }

    private sealed record Answer<T>(int Status, Written<T> Body, string? Location);

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
