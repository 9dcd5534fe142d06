using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Ledger;

namespace PlanLedger.Infrastructure;

/// <summary>
/// The two shapes of a write to one stream, inside <see cref="LedgerWrites"/>: change a stream that exists,
/// or start one. Each loads the stream for writing (so the append expects the version read), checks the
/// preconditions against it, asks the command's pure decision, folds the events into the answer and stages them.
/// </summary>
public static class StreamWrites
{
    /// <summary>Changes an existing stream; <paramref name="rules"/> are checks that need more than the stream (e.g. its plan).</summary>
    public static async Task<Outcome<TState>> Change<TState>(this WriteContext write, string key, IChange<TState> change,
        Func<ProblemDetails> notFound, string what, Func<TState, Task<ProblemDetails?>>? rules = null)
        where TState : class, IStreamState<TState>
    {
        var stream = await write.FetchForWriting<TState>(key);
        if (stream.Aggregate is not { } state) return notFound();
        if (write.Preconditions.CheckExisting(state.Version, what) is { } stale) return stale;
        if (rules is not null && await rules(state) is { } problem) return problem;

        var verdict = Verdict.Of(change, state, write.ProvenanceFor(change));
        if (verdict.Refusal is { } refusal) return refusal;
        if (verdict.Events.Count == 0) return new Outcome<TState>.Unchanged(state, state.Version);

        stream.AppendMany(verdict.Events);
        var next = StreamState.FoldAll(state, key, verdict.Events);
        return new Outcome<TState>.Appended(next, verdict.Events.Count, next.Version);
    }

    /// <summary>
    /// Starts a stream. <paramref name="decide"/> is the command's pure decision given what already stands under
    /// the key (null when nothing): events that start the stream, none (the same thing exists: a harmless repeat), or a refusal.
    /// </summary>
    public static async Task<Outcome<TState>> Create<TState>(this WriteContext write, string key, IEffectiveChange command,
        Func<TState?, Provenance, Verdict> decide, string location, string what)
        where TState : class, IStreamState<TState>
    {
        var stream = await write.FetchForWriting<TState>(key);
        var existing = stream.Aggregate;
        if ((write.Preconditions.CheckAbsent(what) ?? (existing is null ? null : write.Preconditions.CheckExisting(existing.Version, what))) is { } precondition)
            return precondition;

        var verdict = decide(existing, write.ProvenanceFor(command));
        if (verdict.Refusal is { } refusal) return refusal;
        if (verdict.Events.Count == 0)
            return existing is null ? throw new InvalidOperationException($"A creation of '{key}' decided nothing") : new Outcome<TState>.Unchanged(existing, existing.Version);
        if (existing is not null) throw new InvalidOperationException($"A creation of '{key}' tried to append to an existing stream");

        write.Session.Events.StartStream<TState>(key, verdict.Events.Cast<object>().ToArray());
        var state = StreamState.FoldAll<TState>(null, key, verdict.Events);
        return new Outcome<TState>.Appended(state, verdict.Events.Count, state.Version, location);
    }
}
