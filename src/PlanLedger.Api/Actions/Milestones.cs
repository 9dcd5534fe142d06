using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>Adds a milestone to an action: description, due date (structured and/or as written), and whether it is already done.</summary>
public sealed record AddMilestone(string Description, DateOnly? Due = null, string? DueText = null, bool Done = false, DateOnly? EffectiveOn = null) : IActionChange
{
    /// <summary>An example, for the contract.</summary>
    public static AddMilestone Example => new("Draft plan to the IJB", new DateOnly(2020, 3, 31), "March 2020 IJB");

    public sealed class Validator : ChangeValidator<AddMilestone>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Description).NotEmpty().MaximumLength(Limits.Text);
            RuleFor(c => c.DueText).MaximumLength(Limits.Name);
            RuleFor(c => c.Due).Must(d => d is null || d.Value.Year is >= 2000 and <= 2100).WithMessage("'Due' must be between 2000 and 2100");
        }
    }

    public ProblemDetails? Validate(ActionRecord action) =>
        ActionChanges.MustBeOpen(action)
        ?? (action.Milestones.Count >= Limits.Milestones ? Problems.Of(422, "Too many milestones", $"An action holds at most {Limits.Milestones} milestones.") : null);

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance) =>
        action.Milestones.Any(m => m.Description == Description && m.Due == Due && m.DueText == DueText)
            ? []
            : [new MilestoneAdded(action.Milestones.Count + 1, Description, Due, DueText, Done, provenance)];
}

/// <summary>Marks a milestone of an action done.</summary>
public sealed record CompleteMilestone(DateOnly? EffectiveOn = null) : IActionChange
{
    public int Number { get; init; }

    /// <summary>An example, for the contract.</summary>
    public static CompleteMilestone Example => new(new DateOnly(2020, 3, 31));

    public sealed class Validator : ChangeValidator<CompleteMilestone>
    {
        public Validator(TimeProvider clock) : base(clock) { }
    }

    public ProblemDetails? Validate(ActionRecord action) =>
        ActionChanges.MustBeOpen(action)
        ?? (action.Milestones.All(m => m.Number != Number) ? Problems.Of(404, "Not found", $"Action '{action.Reference}' has no milestone {Number}.", "number") : null);

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance) =>
        action.Milestones.Single(m => m.Number == Number).Done ? [] : [new MilestoneCompleted(Number, provenance)];
}

public static class MilestoneEndpoints
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/milestones", Name = "AddMilestone")]
    [Tags("Actions")]
    [ActionChange]
    [Refuses(422, "The action already has the most milestones it may hold.")]
    public static Task<IResult> Add(AddMilestone command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);

    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/milestones/{number}/completion", Name = "CompleteMilestone")]
    [Tags("Actions")]
    [ActionChange]
    [Refuses(404, "Or the action has no milestone with this number.")]
    public static Task<IResult> Complete(CompleteMilestone command, string partnershipId, string plan, string action, int number, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command with { Number = number });
}
