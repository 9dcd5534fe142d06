using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Plans;

/// <summary>Records a plan's approval by its approving body (e.g. the IJB meeting of 11 December 2019).</summary>
public sealed record ApprovePlan(string ApprovingBody, DateOnly ApprovedOn, string? VersionLabel = null, DateOnly? EffectiveOn = null) : IPlanChange
{
    /// <summary>An example, for the contract.</summary>
    public static ApprovePlan Example => new("Orkney Integration Joint Board", new DateOnly(2019, 12, 11), "Version 2");

    public sealed class Validator : ChangeValidator<ApprovePlan>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.ApprovingBody).NotEmpty().MaximumLength(Limits.Title);
            RuleFor(c => c.ApprovedOn).Must(d => d.Year is >= 2000 and <= 2100).WithMessage("'Approved On' must be between 2000 and 2100");
            RuleFor(c => c.VersionLabel).MaximumLength(Limits.Name);
        }
    }

    public ProblemDetails? Validate(PlanRecord plan) => PlanChanges.MustNotBeSuperseded(plan);

    public IReadOnlyList<ILedgerEvent> Decide(PlanRecord plan, Provenance provenance) =>
        plan.Status == PlanStatus.Approved && plan.ApprovingBody == ApprovingBody && plan.ApprovedOn == ApprovedOn
            && (VersionLabel is null || VersionLabel == plan.VersionLabel)
            ? []
            : [new PlanApproved(ApprovingBody, ApprovedOn, VersionLabel, provenance with { EffectiveOn = EffectiveOn ?? ApprovedOn })];
}

/// <summary>Records that a plan was superseded (e.g. by the Remobilisation Plan).</summary>
public sealed record SupersedePlan(string SupersededBy, string? Reason = null, DateOnly? EffectiveOn = null) : IPlanChange
{
    /// <summary>An example, for the contract.</summary>
    public static SupersedePlan Example => new("Remobilisation Plan", "COVID-19 priorities", new DateOnly(2020, 8, 1));

    public sealed class Validator : ChangeValidator<SupersedePlan>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.SupersededBy).NotEmpty().MaximumLength(Limits.Title);
            RuleFor(c => c.Reason).MaximumLength(Limits.Text);
        }
    }

    public ProblemDetails? Validate(PlanRecord plan) => null;

    public IReadOnlyList<ILedgerEvent> Decide(PlanRecord plan, Provenance provenance) =>
        plan.Status == PlanStatus.Superseded && plan.SupersededBy == SupersededBy ? [] : [new PlanSuperseded(SupersededBy, Reason, provenance)];
}

public static class PlanLifecycleEndpoints
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/approval", Name = "ApprovePlan")]
    [Tags("Plans")]
    [PlanChange]
    public static Task<IResult> Approve(ApprovePlan command, string partnershipId, string plan, LedgerWrites writes) =>
        writes.ChangePlan(plan, command);

    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/supersession", Name = "SupersedePlan")]
    [Tags("Plans")]
    [PlanChange]
    public static Task<IResult> Supersede(SupersedePlan command, string partnershipId, string plan, LedgerWrites writes) =>
        writes.ChangePlan(plan, command);
}
