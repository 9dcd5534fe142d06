using JasperFx.Events;
using Marten.Events.Aggregation;
using PlanLedger.Ledger;

namespace PlanLedger.Infrastructure;

/// <summary>
/// A stream's current state kept by Marten with the stream's own fold, so a projection, a write's answer,
/// history and time travel can never disagree. The version is the event's, as Marten numbers the stream.
/// </summary>
public abstract class StreamProjection<TState> : SingleStreamProjection<TState, string> where TState : class, IStreamState<TState>
{
    // Declaring the events lets Marten skip this projection for other streams: without it every
    // inline projection loads its document for every stream a session appends to.
    protected StreamProjection(params Type[] events)
    {
        foreach (var type in events) IncludeType(type);
    }

    public override TState? Evolve(TState? snapshot, string id, IEvent e) =>
        TState.Fold(snapshot, id, e.Data) is { } next ? TState.AtVersion(next, (int)e.Version) : snapshot;
}
