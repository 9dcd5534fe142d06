using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Framework;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Plans;

/// <summary>
/// Adds a heading to a plan: an MSG proposal (linked to the national framework by its number, e.g. "2.3"),
/// an inspection priority, or a strategic priority.
/// </summary>
public sealed record AddHeading(string Reference, HeadingKind Kind, string Title, string? Proposal = null, DateOnly? EffectiveOn = null) : IPlanChange
{
    /// <summary>An example, for the contract.</summary>
    public static AddHeading Example => new("KF1", HeadingKind.MsgProposal, "Collaborative leadership and building relationships", "1.1", new DateOnly(2019, 7, 1));

    public sealed class Validator : ChangeValidator<AddHeading>
    {
        public Validator(TimeProvider clock, MsgFramework framework) : base(clock)
        {
            RuleFor(c => c.Reference).IsReference();
            RuleFor(c => c.Kind).IsInEnum();
            RuleFor(c => c.Title).NotEmpty().MaximumLength(Limits.Text);
            RuleFor(c => c.Proposal).NotEmpty().When(c => c.Kind == HeadingKind.MsgProposal)
                .WithMessage("An MSG proposal heading names its proposal, e.g. \"2.3\"");
            RuleFor(c => c.Proposal).MaximumLength(Limits.Reference).Must(p => p is null || framework.Find(p) is not null)
                .WithMessage("'Proposal' must be an MSG proposal number from 1.1 to 6.3");
        }
    }

    /// <summary>A heading's reference is unique within its plan; adding the same heading again changes nothing.</summary>
    public ProblemDetails? Validate(PlanRecord plan) =>
        PlanChanges.MustNotBeSuperseded(plan)
        ?? (plan.Headings.Any(h => h.Reference == Reference && !IsThis(h))
            ? Problems.Of(409, "Heading exists", $"Plan '{plan.Reference}' already has a different heading '{Reference}'.", "reference")
            : null);

    public IReadOnlyList<ILedgerEvent> Decide(PlanRecord plan, Provenance provenance) =>
        plan.Headings.Any(IsThis) ? [] : [new HeadingAdded(Reference, Kind, Title, Proposal, provenance)];

    private bool IsThis(Heading h) => h.Reference == Reference && h.Kind == Kind && h.Title == Title && h.Proposal == Proposal;
}

public static class AddHeadingEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/headings", Name = "AddHeading")]
    [Tags("Plans")]
    [PlanChange]
    [Refuses(409, "Or the plan already has a different heading with this reference.")]
    public static Task<IResult> Post(AddHeading command, string partnershipId, string plan, LedgerWrites writes) =>
        writes.ChangePlan(plan, command);
}
