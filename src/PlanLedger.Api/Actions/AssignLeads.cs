using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>Sets who leads an action: named people and/or roles, possibly several. Replaces the current leads.</summary>
public sealed record AssignLeads(IReadOnlyList<Lead> Leads, string? Reason = null, DateOnly? EffectiveOn = null) : IActionChange
{
    /// <summary>An example, for the contract.</summary>
    public static AssignLeads Example => new([new Lead(null, "Chief Officer", "Orkney HSCP")], "Restructure of the senior team", new DateOnly(2020, 11, 30));

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
    [ActionChange]
    public static Task<IResult> Post(AssignLeads command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);
}
