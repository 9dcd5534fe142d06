using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>Sets who leads an action: named people and/or roles, possibly several. Replaces the current leads.</summary>
public sealed record AssignLeads(IReadOnlyList<Lead> Leads, string? Reason = null, DateOnly? EffectiveOn = null) : IActionChange
{
    public sealed class Validator : ChangeValidator<AssignLeads>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Leads).NotNull().Must(l => l is null || l.Count <= Limits.Leads).WithMessage($"At most {Limits.Leads} leads");
            RuleForEach(c => c.Leads).SetValidator(new LeadValidator());
            RuleFor(c => c.Reason).MaximumLength(Limits.Text);
        }
    }

    public ProblemDetails? Validate(ActionRecord action) => ActionChanges.MustBeOpen(action);

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance) =>
        action.Leads.SequenceEqual(Leads) ? [] : [new ActionLeadsChanged(action.Leads, Leads, Reason, provenance)];
}

public static class AssignLeadsEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/leads", Name = "AssignActionLeads")]
    [Tags("Actions")]
    [ProducesResponseType<Written<ActionRecord>>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(412)]
    public static Task<IResult> Post(AssignLeads command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);
}
