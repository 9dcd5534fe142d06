using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>Completes an action (its status becomes Blue).</summary>
public sealed record CompleteAction(string? Reason = null, DateOnly? EffectiveOn = null) : IActionChange
{
    /// <summary>An example, for the contract.</summary>
    public static CompleteAction Example => new("All milestones met", new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<CompleteAction>
    {
        public Validator(TimeProvider clock) : base(clock) => RuleFor(c => c.Reason).MaximumLength(Limits.Text);
    }

    public ProblemDetails? Validate(ActionRecord action) => ActionChanges.MustBeOpen(action);

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance) =>
        action.Closure == ActionClosure.Completed ? [] : [new ActionCompleted(action.Status, Reason, provenance)];
}

/// <summary>Withdraws an action: it will not be delivered. A reason is required.</summary>
public sealed record WithdrawAction(string Reason, DateOnly? EffectiveOn = null) : IActionChange
{
    /// <summary>An example, for the contract.</summary>
    public static WithdrawAction Example => new("Superseded by the national programme", new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<WithdrawAction>
    {
        public Validator(TimeProvider clock) : base(clock) => RuleFor(c => c.Reason).NotEmpty().MaximumLength(Limits.Text);
    }

    public ProblemDetails? Validate(ActionRecord action) =>
        action.Closure == ActionClosure.Withdrawn ? null : ActionChanges.MustBeOpen(action);

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance) =>
        action.Closure == ActionClosure.Withdrawn ? [] : [new ActionWithdrawn(Reason, provenance)];
}

/// <summary>Marks an action superseded by something else ("superseded by the Remobilisation Plan").</summary>
public sealed record SupersedeAction(string SupersededBy, string? Reason = null, DateOnly? EffectiveOn = null) : IActionChange
{
    /// <summary>An example, for the contract.</summary>
    public static SupersedeAction Example => new("Remobilisation Plan", "COVID-19 priorities", new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<SupersedeAction>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.SupersededBy).NotEmpty().MaximumLength(Limits.Title);
            RuleFor(c => c.Reason).MaximumLength(Limits.Text);
        }
    }

    public ProblemDetails? Validate(ActionRecord action) =>
        action.Closure == ActionClosure.Superseded ? null : ActionChanges.MustBeOpen(action);

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance) =>
        action.Closure == ActionClosure.Superseded && action.SupersededBy == SupersededBy ? [] : [new ActionSuperseded(SupersededBy, Reason, provenance)];
}

public static class CloseActionEndpoints
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/completion", Name = "CompleteAction")]
    [Tags("Actions")]
    [ActionChange]
    public static Task<IResult> Complete(CompleteAction command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);

    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/withdrawal", Name = "WithdrawAction")]
    [Tags("Actions")]
    [ActionChange]
    public static Task<IResult> Withdraw(WithdrawAction command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);

    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/supersession", Name = "SupersedeAction")]
    [Tags("Actions")]
    [ActionChange]
    public static Task<IResult> Supersede(SupersedeAction command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);
}
