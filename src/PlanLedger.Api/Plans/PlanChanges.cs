using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;

namespace PlanLedger.Plans;

/// <summary>A change to an existing plan: its business rules and the events it records.</summary>
public interface IPlanChange : IChange<PlanRecord>;

public static class PlanChanges
{
    public static Task<IResult> ChangePlan<TChange>(this LedgerWrites writes, string plan, TChange change) where TChange : IPlanChange =>
        writes.Run(change, write => write.Change(PlanRecord.KeyFor(plan), change, () => NotFound(plan), $"plan '{plan}'"));

    public static ProblemDetails NotFound(string plan) =>
        Problems.Of(404, "Not found", $"Plan '{plan}' was not found in this partnership's ledger.");

    public static ProblemDetails? MustNotBeSuperseded(PlanRecord plan) =>
        plan.Status == PlanStatus.Superseded
            ? Problems.Of(409, "Plan superseded", $"Plan '{plan.Reference}' is superseded and takes no further changes.")
            : null;
}
