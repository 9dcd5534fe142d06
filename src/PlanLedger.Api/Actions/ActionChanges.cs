using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Plans;

namespace PlanLedger.Actions;

/// <summary>A change to one existing action: its business rules and the events it records.</summary>
public interface IActionChange : IEffectiveChange
{
    /// <summary>Business rules against the action as it stands; null when the change may go ahead.</summary>
    ProblemDetails? Validate(ActionRecord action);

    /// <summary>The events recording the change; none when it would change nothing.</summary>
    IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance);
}

/// <summary>A change with a rule that needs the action's plan; only such changes make a write load the plan.</summary>
public interface IPlanRule
{
    ProblemDetails? Validate(PlanRecord plan);
}

/// <summary>Checks changes' <see cref="IPlanRule"/>s, loading the plan at most once and only when a change has one.</summary>
public sealed class PlanRules(IQuerySession session, string plan)
{
    private Task<PlanRecord?>? _plan;

    public async Task<ProblemDetails?> Check(IEnumerable<IActionChange> changes)
    {
        foreach (var rule in changes.OfType<IPlanRule>())
        {
            var record = await (_plan ??= session.LoadAsync<PlanRecord>(PlanRecord.KeyFor(plan)));
            if (record is not null && rule.Validate(record) is { } problem) return problem;
        }
        return null;
    }
}

/// <summary>Applies <see cref="IActionChange"/>s to actions addressed by plan and the partnership's own reference.</summary>
public sealed class ActionChanges(LedgerWrites writes)
{
    public Task<IResult> Apply(string plan, string action, IActionChange change) =>
        writes.Run(change, async session =>
        {
            var key = ActionRecord.KeyFor(plan, action);
            var stream = await session.Events.FetchForWriting<ActionRecord>(key);
            if (stream.Aggregate is null)
                return Problems.Refuse(404, "Not found", $"Action '{action}' of plan '{plan}' was not found in this partnership's ledger.");

            if (writes.ExpectedVersion is { } expected && expected != stream.Aggregate.Version)
                return Problems.Refuse(412, "Stale version",
                    $"If-Match named version {expected} but the action is at version {stream.Aggregate.Version}; read it again and retry.",
                    "If-Match");

            if (await new PlanRules(session, plan).Check([change]) is { } planProblem) return new WriteOutcome.Refused(planProblem);

            var result = Decide(stream.Aggregate, change, writes.ProvenanceFor(change));
            if (result.Refusal is not null) return result.Refusal;
            if (result.Events.Count == 0) return new WriteOutcome.Unchanged(stream.Aggregate.Version, result.State);

            stream.AppendMany(result.Events);
            return new WriteOutcome.Appended(result.Events.Count, result.State.Version, result.State);
        });

    /// <summary>Decides a change and folds its events, so a return can chain several changes to one action.</summary>
    public static Decision Decide(ActionRecord action, IActionChange change, Provenance provenance)
    {
        if (change.Validate(action) is { } problem) return new Decision(action, [], new WriteOutcome.Refused(problem));
        var events = change.Decide(action, provenance);
        var state = events.Aggregate(action, (s, e) => ActionRecord.Fold(s, s.Id, e)!);
        return new Decision(state, events, null);
    }

    public sealed record Decision(ActionRecord State, IReadOnlyList<ILedgerEvent> Events, WriteOutcome.Refused? Refusal);

    /// <summary>A closed action (completed, withdrawn, superseded) takes no further changes except reopening by status.</summary>
    public static ProblemDetails? MustBeOpen(ActionRecord action) =>
        action.Closure is ActionClosure.Withdrawn or ActionClosure.Superseded
            ? Problems.Of(409, "Action closed", $"Action '{action.Reference}' is {action.Closure.ToString().ToLowerInvariant()} and takes no further changes.")
            : null;
}
