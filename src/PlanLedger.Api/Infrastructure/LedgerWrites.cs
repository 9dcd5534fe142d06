using System.Diagnostics;
using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Events;
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
public sealed class WriteContext(IDocumentSession session, Preconditions preconditions, Func<IEffectiveChange, DateOnly?, Provenance> provenance,
    CancellationToken cancellation, object? stream = null, Npgsql.NpgsqlTransaction? transaction = null)
{
    public IDocumentSession Session { get; } = session;
    public Preconditions Preconditions { get; } = preconditions;
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The write's own transaction, which its session is in, when it asked for one (see <see cref="LedgerWrites.Run{TCommand,T}(TCommand,Func{WriteContext,Task{Outcome{T}}},WriteTarget?,bool)"/>).</summary>
    public Npgsql.NpgsqlTransaction? Transaction { get; } = transaction;

    /// <summary>The highest ledger position of events the write appended itself, in <see cref="Transaction"/>, rather than through the session.</summary>
    public long? AppendedUpTo { get; private set; }

    public void Appended(IEnumerable<long> positions)
    {
        foreach (var position in positions) AppendedUpTo = Math.Max(AppendedUpTo ?? 0, position);
    }

    /// <summary>Who, through which system, effective when (the change's own date, else the fallback, else today), recorded now.</summary>
    public Provenance ProvenanceFor(IEffectiveChange change, DateOnly? fallback = null) => provenance(change, fallback);

    /// <summary>The stream loaded for writing: the one its batch already read (see <see cref="GroupCommit"/>), else read now.</summary>
    public Task<IEventStream<TState>> FetchForWriting<TState>(string key) where TState : class =>
        stream is IEventStream<TState> read && read.Key == key
            ? Task.FromResult(read)
            : Session.Events.FetchForWriting<TState>(key, Cancellation);
}

/// <summary>A write as read from its request, before it runs: where, under which key, with what preconditions and provenance.</summary>
internal sealed record WriteRequest(string Ledger, string? Key, string? Hash, Preconditions Preconditions, Func<IEffectiveChange, DateOnly?, Provenance> Provenance)
{
    public WriteContext Context(IDocumentSession session, CancellationToken token, object? stream = null, Npgsql.NpgsqlTransaction? transaction = null) =>
        new(session, Preconditions, Provenance, token, stream, transaction);
}

/// <summary>
/// The one path every change to a ledger takes: the checked partnership, provenance from the credential,
/// Idempotency-Key, preconditions, optimistic concurrency, problem details for refusals, and telemetry.
/// What a write decides is its own (see <see cref="StreamWrites"/>); how it is recorded and answered is here.
/// A write that names its one stream (<see cref="WriteTarget"/>) may share a transaction with concurrent writes (<see cref="GroupCommit"/>).
/// </summary>
public sealed class LedgerWrites(
    IDocumentStore store,
    GroupCommit groupCommit,
    TimeProvider clock,
    IHttpContextAccessor accessor,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<LedgerWrites> logger)
{
    /// <summary>PostgreSQL error code of a write's own append (<see cref="WriteContext.Transaction"/>) that found a stream moved since it was read.</summary>
    public const string StreamMoved = "PL409";

    /// <summary>Writes to the partnership named in the route (checked against the credential before this runs).</summary>
    /// <param name="ownTransaction">The write appends in its own transaction (<see cref="WriteContext.Transaction"/>), not only through its session.</param>
    public Task<IResult> Run<TCommand, T>(TCommand command, Func<WriteContext, Task<Outcome<T>>> write, WriteTarget? target = null, bool ownTransaction = false)
        where TCommand : IEffectiveChange =>
        Run(command, Http.Partnership(), write, target, ownTransaction);

    /// <summary>Writes to a named ledger: a partnership's, or the national one (<see cref="NationalLedger.Tenant"/>).</summary>
    public async Task<IResult> Run<TCommand, T>(TCommand command, string ledger, Func<WriteContext, Task<Outcome<T>>> write, WriteTarget? target = null,
        bool ownTransaction = false)
        where TCommand : IEffectiveChange
    {
        var http = Http;
        var key = http.Request.Headers[IdempotencyConfiguration.Header].FirstOrDefault();
        if (key is { Length: 0 or > 100 })
            return Problems.Result(400, "Invalid Idempotency-Key", "The Idempotency-Key header must hold 1 to 100 characters.", "Idempotency-Key");
        if (Preconditions.Read(http.Request, out var preconditions) is { } malformed) return Problems.Result(malformed);
        if (!TryReadNote(http.Request, out var note))
            return Problems.Result(400, "Invalid Ledger-Note", "The Ledger-Note header must be percent-encoded UTF-8 of 1 to 1000 characters.", Ledger.Provenance.NoteHeader);
        var hash = key is null ? null : IdempotentAnswer.Hash(http.Request, JsonSerializer.Serialize(command, command.GetType(), json.Value.SerializerOptions));
        var request = new WriteRequest(ledger, key, hash, preconditions, Provenance(http, note));

        if (target is not null && groupCommit.Enabled)
        {
            var pending = new PendingWrite<T>(this, request, target, write);
            groupCommit.Enqueue(pending);
            if (await pending.Result is { } answer) return answer;
        }
        return await Alone(request, write, ownTransaction, http.RequestAborted);
    }

    private async Task<IResult> Alone<T>(WriteRequest request, Func<WriteContext, Task<Outcome<T>>> write, bool ownTransaction, CancellationToken token)
    {
        var (ledger, key, hash) = (request.Ledger, request.Key, request.Hash);
        // With an Idempotency-Key the stored answer must carry the ledger position, which PostgreSQL assigns as the
        // events are appended: so the transaction is ours, and stays open until the answer is stored beside them.
        await using var transaction = key is null && !ownTransaction ? null : await Transaction(ledger, token);
        await using var session = transaction is null
            ? store.LightweightSession(ledger)
            : store.LightweightSession(SessionIn(transaction.Value, ledger));
        if (key is not null)
        {
            var earlier = await session.LoadAsync<IdempotentAnswer>(key, token);
            if (earlier is not null) return Replay(earlier, hash!);
        }

        Outcome<T> outcome;
        var context = request.Context(session, token, transaction: transaction?.Transaction);
        try
        {
            outcome = await write(context);
        }
        catch (Exception e) when (e is ConcurrencyException or Npgsql.PostgresException { SqlState: StreamMoved }) { return Conflict(e); }

        if (outcome is Outcome<T>.Refused refused) return Refusal(refused);
        var events = session.PendingChanges.Streams().SelectMany(s => s.Events).ToList();

        Answer answer;
        try
        {
            await session.SaveChangesAsync(token);
            answer = Prepare(outcome, events, context.AppendedUpTo);
            if (transaction is { } owned)
            {
                if (key is not null)
                {
                    session.Insert(answer.Stored(key, hash!, Now));
                    await session.SaveChangesAsync(token);
                }
                await owned.Transaction.CommitAsync(token);
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
            var earlier = await again.LoadAsync<IdempotentAnswer>(key, token);
            if (earlier is not null) return Replay(earlier, hash!);
            throw;
        }

        return answer.Sent(ledger);
    }

    private static IResult Refusal<T>(Outcome<T>.Refused refused)
    {
        LedgerTelemetry.ChangesRefused.Add(1);
        return Problems.Result(refused.Problem);
    }

    /// <summary>The answer to a recorded write, with the ledger position its events were given.</summary>
    private Answer Prepare<T>(Outcome<T> outcome, IReadOnlyList<IEvent> events, long? appendedUpTo = null)
    {
        var (status, written, location) = outcome switch
        {
            Outcome<T>.Appended a => (a.Location is null ? 200 : 201, new Written<T>(WriteResult.Appended, a.Events, a.Version, null, a.Resource), a.Location),
            Outcome<T>.Unchanged u => (200, new Written<T>(WriteResult.Unchanged, 0, u.Version, null, u.Resource), (string?)null),
            _ => throw new UnreachableException()
        };
        long? position = events.Count == 0 ? appendedUpTo : Math.Max(events.Max(e => e.Sequence), appendedUpTo ?? 0);
        var body = JsonSerializer.Serialize(written with { Position = position }, json.Value.SerializerOptions);
        return new Answer(status, body, written.Version is { } version ? ETags.For(version) : null, location, written.EventsAppended);
    }

    /// <summary>A recorded write's answer, as sent and as stored under its Idempotency-Key.</summary>
    private sealed record Answer(int Status, string Body, string? ETag, string? Location, int EventsAppended)
    {
        public IdempotentAnswer Stored(string key, string hash, DateTimeOffset now) => new()
        {
            Id = key, RequestHash = hash, StatusCode = Status, Body = Body, ETag = ETag, Location = Location, RecordedAt = now
        };

        public IResult Sent(string ledger)
        {
            LedgerTelemetry.EventsAppended.Add(EventsAppended, new KeyValuePair<string, object?>("partnership", ledger));
            return new JsonText(Status, Body, ETag, Location);
        }
    }

    /// <summary>A write waiting in <see cref="GroupCommit"/>; its result is null when it must run alone after all.</summary>
    private sealed class PendingWrite<T>(LedgerWrites writes, WriteRequest request, WriteTarget target, Func<WriteContext, Task<Outcome<T>>> write)
        : IPendingWrite
    {
        private readonly TaskCompletionSource<IResult?> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Outcome<T>? _outcome;
        private List<IEvent> _events = [];
        private Answer? _answer;

        public Task<IResult?> Result => _result.Task;
        public string Ledger => request.Ledger;
        public WriteTarget Target => target;
        public string? IdempotencyKey => request.Key;
        public bool Answered => _result.Task.IsCompleted;

        public void Replay(IdempotentAnswer earlier) => _result.TrySetResult(LedgerWrites.Replay(earlier, request.Hash!));

        public async Task Decide(IDocumentSession session, object stream, CancellationToken token)
        {
            _outcome = await write(request.Context(session, token, stream));
            if (_outcome is Outcome<T>.Refused refused)
            {
                _result.TrySetResult(Refusal(refused));
                return;
            }
            // A batch holds one write per stream, and a targeted write changes only its stream: what is staged there is its own.
            _events = session.PendingChanges.Streams().Where(s => s.Key == target.Stream).SelectMany(s => s.Events).ToList();
        }

        public IdempotentAnswer? Prepare()
        {
            _answer = writes.Prepare(_outcome!, _events);
            return request.Key is null ? null : _answer.Stored(request.Key, request.Hash!, writes.Now);
        }

        public void Answer() => _result.TrySetResult(_answer!.Sent(request.Ledger));
        public void RunAlone() => _result.TrySetResult(null);
        public void Fail(Exception error) => _result.TrySetException(error);
    }

    private DateTimeOffset Now => clock.GetUtcNow();

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
    private async Task<OwnedTransaction?> Transaction(string ledger, CancellationToken token)
    {
        var connection = (await store.DatabaseOfAsync(ledger)).CreateConnection();
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
