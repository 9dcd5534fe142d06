using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Plans;

/// <summary>
/// Registers a plan under the partnership's own reference (e.g. "msg-action-plan-2019"). A plan with an
/// approval date is registered as approved; otherwise as a draft.
/// </summary>
public sealed record RegisterPlan(
    string Reference,
    PlanKind Kind,
    string Title,
    string? VersionLabel = null,
    string? ApprovingBody = null,
    DateOnly? ApprovedOn = null,
    DateOnly? EffectiveOn = null,
    IReadOnlyList<PriorityTheme>? PriorityThemes = null) : IEffectiveChange
{
    /// <summary>An example, for the contract.</summary>
    public static RegisterPlan Example => new("msg-action-plan-2019", PlanKind.MsgImprovementActionPlan, "MSG improvement action plan", "Version 0.3", "Angus IJB", new DateOnly(2019, 6, 26), new DateOnly(2019, 6, 26));

    public sealed class Validator : ChangeValidator<RegisterPlan>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Reference).IsReference();
            RuleFor(c => c.Kind).IsInEnum();
            RuleFor(c => c.Title).NotEmpty().MaximumLength(Limits.Title);
            RuleFor(c => c.VersionLabel).MaximumLength(Limits.Name);
            RuleFor(c => c.ApprovingBody).MaximumLength(Limits.Title);
            RuleFor(c => c.ApprovingBody).NotEmpty().When(c => c.ApprovedOn is not null)
                .WithMessage("'Approving Body' is required when 'Approved On' is given");
            RuleFor(c => c.ApprovedOn).Must(d => d is null || d.Value.Year is >= 2000 and <= 2100).WithMessage("'Approved On' must be between 2000 and 2100");
            RuleFor(c => c.PriorityThemes).Must(t => t is null || (t.Count <= 5 && t.Select(x => x.Number).Distinct().Count() == t.Count))
                .WithMessage("At most 5 priority themes, numbered once each");
            RuleForEach(c => c.PriorityThemes).SetValidator(new PriorityTheme.Validator());
        }
    }

    /// <summary>A plan's reference is the partnership's own and unique: an existing plan refuses a second registration.</summary>
    public Verdict Decide(PlanRecord? existing, Provenance provenance) =>
        existing is not null
            ? Problems.Of(409, "Plan exists", $"This partnership already has a plan '{Reference}'.", "reference")
            : Verdict.Record(new PlanRegistered(Reference, Kind, Title, VersionLabel, ApprovingBody, ApprovedOn, provenance,
                PriorityThemes is { Count: > 0 } themes ? themes.OrderBy(t => t.Number).ToList() : null));
}

public static class RegisterPlanEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans", Name = "RegisterPlan")]
    [Tags("Plans")]
    [WriteAnswers(typeof(PlanRecord), 201)]
    [Refuses(409, "The partnership already has a plan with this reference.")]
    [Refuses(412, RefusalMeanings.CreateCondition)]
    public static Task<IResult> Post(RegisterPlan command, string partnershipId, LedgerWrites writes) =>
        writes.Run(command, write => write.Create<PlanRecord>(PlanRecord.KeyFor(command.Reference), command, command.Decide,
            $"/partnerships/{partnershipId}/plans/{Uri.EscapeDataString(command.Reference)}", $"plan '{command.Reference}'"));
}
