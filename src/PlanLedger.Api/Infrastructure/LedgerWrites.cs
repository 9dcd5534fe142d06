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
/// <param name="Position">The ledger position (global event sequence) of the last event this write appended; null when it appended
/// nothing. A national view includes the write once its PlanLedger-Projection-Position header has reached this.</param>
public sealed record Written<T>(
    WriteResult Outcome,
    int EventsAppended,
    int? Version,
    long? Position,
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

        // With an Idempotency-Key the stored answer must carry the ledger position, which PostgreSQL assigns as the
        // events are appended: so the transaction is ours, and stays open until the answer is stored beside them.
        await using var transaction = key is null ? null : await Transaction(http.RequestAborted);
        await using var session = transaction is null
            ? store.LightweightSession(ledger)
            : store.LightweightSession(SessionIn(transaction.Value, ledger));
        string? hash = null;
        if (key is not null)
        {
            hash = IdempotentAnswer.Hash(http.Request, JsonSerializer.Serialize(command, command.GetType(), json.Value.SerializerOptions));
            var earlier = await session.LoadAsync<IdempotentAnswer>(key, http.RequestAborted);
            if (earlier is not null) return Replay(earlier, hash);
        }

        Outcome<T> outcome;
        try
        {
            outcome = await write(new WriteContext(session, preconditions, Provenance(http, note), http.RequestAborted));
        }
        catch (ConcurrencyException e) { return Conflict(e); }

        if (outcome is Outcome<T>.Refused refused)
        {
            LedgerTelemetry.ChangesRefused.Add(1);
            return Problems.Result(refused.Problem);
        }

        var (status, written, location) = outcome switch
        {
            Outcome<T>.Appended a => (a.Location is null ? 200 : 201, new Written<T>(WriteResult.Appended, a.Events, a.Version, null, a.Resource), a.Location),
            Outcome<T>.Unchanged u => (200, new Written<T>(WriteResult.Unchanged, 0, u.Version, null, u.Resource), (string?)null),
            _ => throw new UnreachableException()
        };
        var etag = written.Version is { } version ? ETags.For(version) : null;
        var events = session.PendingChanges.Streams().SelectMany(s => s.Events).ToList();
        string body;

        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
            body = JsonSerializer.Serialize(written with { Position = events.Count == 0 ? null : events.Max(e => e.Sequence) }, json.Value.SerializerOptions);
            if (transaction is { } owned)
            {
                session.Insert(new IdempotentAnswer
                {
                    Id = key!, RequestHash = hash!, StatusCode = status, Body = body, ETag = etag, Location = location, RecordedAt = clock.GetUtcNow()
                });
                await session.SaveChangesAsync(http.RequestAborted);
                await owned.Transaction.CommitAsync(http.RequestAborted);
            }
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

        LedgerTelemetry.EventsAppended.Add(written.EventsAppended, new KeyValuePair<string, object?>("partnership", ledger));
        return new JsonText(status, body, etag, location);
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
        var today = PartnershipCalendar.DateOf(now);
        return (change, fallback) => new Provenance(change.EffectiveOn ?? fallback ?? today, now, caller.Actor, caller.SourceSystem, correlation, note);
    }

    private static Marten.Services.SessionOptions SessionIn(OwnedTransaction owned, string ledger)
    {
        var options = Marten.Services.SessionOptions.ForTransaction(owned.Transaction);
        options.TenantId = ledger;
        return options;
    }

    /// <summary>A connection and transaction of the write's own, rolled back unless committed.</summary>
    private async Task<OwnedTransaction?> Transaction(CancellationToken token)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(token);
        return new OwnedTransaction(connection, await connection.BeginTransactionAsync(token));
    }

    private readonly record struct OwnedTransaction(Npgsql.NpgsqlConnection Connection, Npgsql.NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
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
