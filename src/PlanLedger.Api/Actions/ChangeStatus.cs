using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>Changes an action's delivery status (RAG; Blue = completed), with the reason.</summary>
public sealed record ChangeStatus(DeliveryStatus Status, string? Reason = null, DateOnly? EffectiveOn = null) : IActionChange
{
    /// <summary>An example, for the contract.</summary>
    public static ChangeStatus Example => new(DeliveryStatus.Green, "Workforce plan published", new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<ChangeStatus>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Status).IsInEnum();
            RuleFor(c => c.Reason).MaximumLength(Limits.Text);
        }
    }

    public ProblemDetails? Validate(ActionRecord action) => ActionChanges.MustBeOpen(action);

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance) =>
        action.Status == Status ? [] : [new ActionStatusChanged(action.Status, Status, Reason, provenance)];
}

public static class ChangeStatusEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/status", Name = "ChangeActionStatus")]
    [Tags("Actions")]
    [ActionChange]
    public static Task<IResult> Post(ChangeStatus command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);
}
