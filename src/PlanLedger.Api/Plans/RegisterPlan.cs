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
    DateOnly? EffectiveOn = null) : IEffectiveChange
{
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
        }
    }
}

public static class RegisterPlanEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans", Name = "RegisterPlan")]
    [Tags("Plans")]
    [ProducesResponseType<Written<PlanRecord>>(201)]
    [ProducesResponseType<ProblemDetails>(409)]
    public static Task<IResult> Post(RegisterPlan command, string partnershipId, LedgerWrites writes) =>
        writes.Run(command, async session =>
        {
            var key = PlanRecord.KeyFor(command.Reference);
            if (await session.Events.FetchStreamStateAsync(key) is not null)
                return Problems.Refuse(409, "Plan exists", $"This partnership already has a plan '{command.Reference}'.", "reference");

            var registered = new PlanRegistered(command.Reference, command.Kind, command.Title, command.VersionLabel,
                command.ApprovingBody, command.ApprovedOn, writes.ProvenanceFor(command));
            session.Events.StartStream<PlanRecord>(key, registered);
            var state = PlanRecord.Fold(null, key, registered)!;
            return new WriteOutcome.Appended(1, state.Version, state, $"/partnerships/{partnershipId}/plans/{Uri.EscapeDataString(command.Reference)}");
        }, createdStatus: 201);
}
