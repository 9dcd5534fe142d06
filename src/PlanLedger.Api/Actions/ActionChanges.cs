using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Plans;

namespace PlanLedger.Actions;

/// <summary>A change to one existing action: its business rules and the events it records.</summary>
public interface IActionChange : IChange<ActionRecord>;

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

/// <summary>Changes to actions addressed by plan and the partnership's own reference.</summary>
public static class ActionChanges
{
    public static Task<IResult> ChangeAction<TChange>(this LedgerWrites writes, string plan, string action, TChange change)
        where TChange : IActionChange
    {
        var key = ActionRecord.KeyFor(plan, action);
        return writes.Run(change, write => write.Change(key, change, () => NotFound(plan, action),
            $"action '{action}'", _ => new PlanRules(write.Session, plan).Check([change])), WriteTarget.Of<ActionRecord>(key));
    }

    public static ProblemDetails NotFound(string plan, string action, string? field = null) =>
        Problems.Of(404, "Not found", $"Action '{action}' of plan '{plan}' was not found in this partnership's ledger.", field);

    /// <summary>A closed action (completed, withdrawn, superseded) takes no further changes except reopening by status.</summary>
    public static ProblemDetails? MustBeOpen(ActionRecord action) =>
        action.Closure is ActionClosure.Withdrawn or ActionClosure.Superseded
            ? Problems.Of(409, "Action closed", $"Action '{action.Reference}' is {action.Closure.ToString().ToLowerInvariant()} and takes no further changes.")
            : null;
}

/// <summary>Declares an endpoint a change to one action: it answers the action, and its refusals mean this.</summary>
public sealed class ActionChangeAttribute() : WriteAnswersAttribute(typeof(ActionRecord), 200,
    (404, "No action with this reference in this plan, or no such plan."),
    (409, "The action is withdrawn or superseded and takes no further changes; or " + RefusalMeanings.LostRace),
    (412, RefusalMeanings.StaleChange));
