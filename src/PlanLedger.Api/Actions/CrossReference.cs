using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>Cross-references other actions of the plan ("Ref: 3(v)a").</summary>
public sealed record CrossReference(IReadOnlyList<string> References, DateOnly? EffectiveOn = null) : IActionChange
{
    /// <summary>An example, for the contract.</summary>
    public static CrossReference Example => new(["3(v)a", "2.6"], new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<CrossReference>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.References).NotEmpty().Must(r => r is null || r.Count <= 50).WithMessage("At most 50 references");
            RuleForEach(c => c.References).IsReference();
        }
    }

    public ProblemDetails? Validate(ActionRecord action) => ActionChanges.MustBeOpen(action);

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance)
    {
        var added = References.Distinct().Except(action.CrossReferences).ToList();
        return added.Count == 0 ? [] : [new ActionCrossReferenced(added, provenance)];
    }
}

public static class CrossReferenceEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/cross-references", Name = "CrossReferenceAction")]
    [Tags("Actions")]
    [ActionChange]
    public static Task<IResult> Post(CrossReference command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);
}
