using Microsoft.AspNetCore.Mvc;

namespace PlanLedger.Ledger;

/// <summary>A command that may say when it took effect; absent, it takes effect today.</summary>
public interface IEffectiveChange
{
    /// <summary>The reporting date the change takes effect on (may be in the past); defaults to today.</summary>
    DateOnly? EffectiveOn { get; }
}

/// <summary>
/// The current state of one stream (an action, a plan, a rating, a partnership), folded from its events.
/// The fold is the only place a stream's events are interpreted: projections, writes, history and time travel all call it.
/// </summary>
public interface IStreamState<TSelf> where TSelf : class, IStreamState<TSelf>
{
    string Id { get; }
    int Version { get; }

    static abstract TSelf? Fold(TSelf? state, string key, object @event);

    /// <summary>The same state at the version the event store gives it.</summary>
    static abstract TSelf AtVersion(TSelf state, int version);
}

public static class StreamState
{
    public static TState FoldAll<TState>(TState? state, string key, IEnumerable<object> events) where TState : class, IStreamState<TState> =>
        events.Aggregate(state, (s, e) => TState.Fold(s, key, e))
        ?? throw new InvalidOperationException($"The events of '{key}' fold to nothing: a stream must start with its creating event.");
}

/// <summary>A change to a stream that exists: its business rules and the events it records, as pure functions of the state.</summary>
public interface IChange<in TState> : IEffectiveChange
{
    /// <summary>Business rules against the state as it stands; null when the change may go ahead.</summary>
    ProblemDetails? Validate(TState state);

    /// <summary>The events recording the change; none when it would change nothing.</summary>
    IReadOnlyList<ILedgerEvent> Decide(TState state, Provenance provenance);
}

/// <summary>What a pure decision says: the events to record (none: nothing changes), or why it is refused.</summary>
public readonly record struct Verdict(IReadOnlyList<ILedgerEvent> Events, ProblemDetails? Refusal)
{
    public static readonly Verdict Unchanged = new([], null);

    public static Verdict Record(params ILedgerEvent[] events) => new(events, null);

    public static Verdict Refuse(ProblemDetails problem) => new([], problem);

    public static implicit operator Verdict(ProblemDetails problem) => Refuse(problem);

    /// <summary>Runs a change's rules, then its decision.</summary>
    public static Verdict Of<TState>(IChange<TState> change, TState state, Provenance provenance) =>
        change.Validate(state) is { } problem ? Refuse(problem) : new(change.Decide(state, provenance), null);
}
