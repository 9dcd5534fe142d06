using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;

namespace PlanLedger.Plans;

/// <summary>A change to an existing plan: its business rules and the events it records.</summary>
public interface IPlanChange : IEffectiveChange
{
    ProblemDetails? Validate(PlanRecord plan);
    IReadOnlyList<ILedgerEvent> Decide(PlanRecord plan, Provenance provenance);
}

public sealed class PlanChanges(LedgerWrites writes)
{
    public Task<IResult> Apply(string plan, IPlanChange change) =>
        writes.Run(change, async session =>
        {
            var stream = await session.Events.FetchForWriting<PlanRecord>(PlanRecord.KeyFor(plan));
            if (stream.Aggregate is null)
                return Problems.Refuse(404, "Not found", $"Plan '{plan}' was not found in this partnership's ledger.");
            if (writes.ExpectedVersion is { } expected && expected != stream.Aggregate.Version)
                return Problems.Refuse(412, "Stale version",
                    $"If-Match named version {expected} but the plan is at version {stream.Aggregate.Version}; read it again and retry.", "If-Match");
            if (change.Validate(stream.Aggregate) is { } problem) return new WriteOutcome.Refused(problem);

            var events = change.Decide(stream.Aggregate, writes.ProvenanceFor(change));
            if (events.Count == 0) return new WriteOutcome.Unchanged(stream.Aggregate.Version, stream.Aggregate);
            stream.AppendMany(events);
            var state = events.Aggregate(stream.Aggregate, (s, e) => PlanRecord.Fold(s, s.Id, e)!);
            return new WriteOutcome.Appended(events.Count, state.Version, state);
        });

    public static ProblemDetails? MustNotBeSuperseded(PlanRecord plan) =>
        plan.Status == PlanStatus.Superseded
            ? Problems.Of(409, "Plan superseded", $"Plan '{plan.Reference}' is superseded and takes no further changes.")
            : null;
}
