using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;

namespace PlanLedger.Plans;

/// <summary>A change to an existing plan: its business rules and the events it records.</summary>
public interface IPlanChange : IChange<PlanRecord>;

public static class PlanChanges
{
    public static Task<IResult> ChangePlan<TChange>(this LedgerWrites writes, string plan, TChange change) where TChange : IPlanChange
    {
        var key = PlanRecord.KeyFor(plan);
        return writes.Run(change, write => write.Change(key, change, () => NotFound(plan), $"plan '{plan}'"), WriteTarget.Of<PlanRecord>(key));
    }

    public static ProblemDetails NotFound(string plan) =>
        Problems.Of(404, "Not found", $"Plan '{plan}' was not found in this partnership's ledger.");

    public static ProblemDetails? MustNotBeSuperseded(PlanRecord plan) =>
        plan.Status == PlanStatus.Superseded
            ? Problems.Of(409, "Plan superseded", $"Plan '{plan.Reference}' is superseded and takes no further changes.")
            : null;
}

/// <summary>Declares an endpoint a change to one plan: it answers the plan, and its refusals mean this.</summary>
public sealed class PlanChangeAttribute() : WriteAnswersAttribute(typeof(PlanRecord), 200,
    (404, "No plan with this reference."),
    (409, "The plan is superseded and takes no further changes; or " + RefusalMeanings.LostRace),
    (412, RefusalMeanings.StaleChange));
