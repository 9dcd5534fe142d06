using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>Amends an action's details; fields left out keep their current value.</summary>
public sealed record AmendDetails(
    string? Heading = null,
    string? Description = null,
    string? Comment = null,
    string? Measures = null,
    IReadOnlyList<int>? PriorityThemes = null,
    IReadOnlyList<int>? NationalOutcomes = null,
    string? Reason = null,
    DateOnly? EffectiveOn = null,
    string? ProgressReportDue = null) : IActionChange, IPlanRule
{
    /// <summary>An example, for the contract.</summary>
    public static AmendDetails Example => new(Description: "Review and publish the workforce plan", Reason: "Scope agreed at the IJB", EffectiveOn: new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<AmendDetails>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Heading).IsReference().When(c => c.Heading is not null);
            RuleFor(c => c.Description).NotEmpty().MaximumLength(Limits.Text).When(c => c.Description is not null);
            RuleFor(c => c.Comment).MaximumLength(Limits.Text);
            RuleFor(c => c.Measures).MaximumLength(Limits.Text);
            RuleForEach(c => c.PriorityThemes).InclusiveBetween(1, 5);
            RuleForEach(c => c.NationalOutcomes).InclusiveBetween(1, 9);
            RuleFor(c => c.Reason).MaximumLength(Limits.Text);
            RuleFor(c => c.ProgressReportDue).MaximumLength(Limits.Name);
        }
    }

    public ProblemDetails? Validate(ActionRecord action) => ActionChanges.MustBeOpen(action);

    /// <summary>An action moves only to a heading its plan has.</summary>
    public ProblemDetails? Validate(PlanRecord plan) => Heading is null ? null : plan.MustHaveHeading(Heading);

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance)
    {
        var from = action.Details;
        var to = new ActionDetails(
            Heading ?? from.Heading, Description ?? from.Description, Comment ?? from.Comment, Measures ?? from.Measures,
            PriorityThemes?.Distinct().Order().ToList() ?? from.PriorityThemes,
            NationalOutcomes?.Distinct().Order().ToList() ?? from.NationalOutcomes,
            ProgressReportDue ?? from.ProgressReportDue);
        var same = to.Heading == from.Heading && to.Description == from.Description && to.Comment == from.Comment
                   && to.Measures == from.Measures && to.PriorityThemes.SequenceEqual(from.PriorityThemes)
                   && to.NationalOutcomes.SequenceEqual(from.NationalOutcomes) && to.ProgressReportDue == from.ProgressReportDue;
        return same ? [] : [new ActionDetailsAmended(from, to, Reason, provenance)];
    }
}

public static class AmendDetailsEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/details", Name = "AmendActionDetails")]
    [Tags("Actions")]
    [ActionChange]
    [Refuses(422, "'heading' names a heading the plan does not have.")]
    public static Task<IResult> Post(AmendDetails command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);
}
