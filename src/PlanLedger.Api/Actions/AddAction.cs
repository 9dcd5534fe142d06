using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>Adds an action under a heading of a plan, addressed by the partnership's own reference (unique within the plan).</summary>
public sealed record AddAction(
    string Reference,
    string Heading,
    string Description,
    string? Comment = null,
    string? Measures = null,
    IReadOnlyList<Lead>? Leads = null,
    TimescaleInput? Timescale = null,
    DeliveryStatus? Status = null,
    IReadOnlyList<string>? CrossReferences = null,
    IReadOnlyList<int>? PriorityThemes = null,
    IReadOnlyList<int>? NationalOutcomes = null,
    DateOnly? EffectiveOn = null,
    string? ProgressReportDue = null) : IEffectiveChange
{
    /// <summary>An example, for the contract.</summary>
    public static AddAction Example => new("1(ii)(b)", "1(ii)", "Raise awareness of the MSG proposals within NHS Tayside", Leads: [new Lead("Bill Troup", "Head of Mental Health", "Angus HSCP")],
        Timescale: new TimescaleInput("January 2020 IJB"), Status: DeliveryStatus.Amber, EffectiveOn: new DateOnly(2019, 7, 1));

    public sealed class Validator : ChangeValidator<AddAction>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Reference).IsReference();
            RuleFor(c => c.Heading).IsReference();
            RuleFor(c => c.Description).NotEmpty().MaximumLength(Limits.Text);
            RuleFor(c => c.Comment).MaximumLength(Limits.Text);
            RuleFor(c => c.Measures).MaximumLength(Limits.Text);
            RuleFor(c => c.Leads).Must(l => l is null || l.Count <= Limits.Leads).WithMessage($"At most {Limits.Leads} leads");
            RuleForEach(c => c.Leads).SetValidator(new LeadValidator());
            RuleFor(c => c.Timescale!).SetValidator(new TimescaleInput.Validator()).When(c => c.Timescale is not null);
            RuleFor(c => c.Status).IsInEnum();
            RuleFor(c => c.CrossReferences).Must(l => l is null || l.Count <= 50).WithMessage("At most 50 cross-references");
            RuleForEach(c => c.CrossReferences).IsReference();
            RuleForEach(c => c.PriorityThemes).InclusiveBetween(1, 5);
            RuleForEach(c => c.NationalOutcomes).InclusiveBetween(1, 9);
            RuleFor(c => c.ProgressReportDue).MaximumLength(Limits.Name);
        }
    }

    public ActionAdded ToEvent(string plan, Provenance provenance) => new(
        plan, Reference,
        new ActionDetails(Heading, Description, Comment, Measures, (PriorityThemes ?? []).Distinct().Order().ToList(), (NationalOutcomes ?? []).Distinct().Order().ToList(), ProgressReportDue),
        Leads ?? [], Timescale?.ToTimescale(), Status, (CrossReferences ?? []).Distinct().ToList(), provenance);

    /// <summary>The action must sit under a heading of a live plan, and its reference be new within the plan.</summary>
    public Verdict Decide(string planReference, PlanRecord? plan, ActionRecord? existing, Provenance provenance) =>
        plan is null ? Problems.Of(404, "Not found", $"Plan '{planReference}' was not found in this partnership's ledger.")
        : plan.Status == PlanStatus.Superseded ? Problems.Of(409, "Plan superseded", $"Plan '{planReference}' is superseded and takes no new actions.")
        : plan.MustHaveHeading(Heading) is { } heading ? heading
        : existing is not null ? Problems.Of(409, "Action exists", $"Plan '{planReference}' already has an action '{Reference}'.", "reference")
        : Verdict.Record(ToEvent(planReference, provenance));
}

public static class AddActionEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions", Name = "AddAction")]
    [Tags("Actions")]
    [WriteAnswers(typeof(ActionRecord), 201)]
    [Refuses(404, "No plan with this reference.")]
    [Refuses(409, "The plan already has an action with this reference (add it once; change it through its own endpoints), or the plan is superseded.")]
    [Refuses(412, RefusalMeanings.CreateCondition)]
    [Refuses(422, "'heading' names a heading the plan does not have.")]
    public static Task<IResult> Post(AddAction command, string partnershipId, string plan, LedgerWrites writes) =>
        writes.Run(command, async write =>
        {
            var planRecord = await write.Session.LoadAsync<PlanRecord>(PlanRecord.KeyFor(plan), write.Cancellation);
            return await write.Create<ActionRecord>(ActionRecord.KeyFor(plan, command.Reference), command,
                (existing, provenance) => command.Decide(plan, planRecord, existing, provenance),
                Location(partnershipId, plan, command.Reference), $"action '{command.Reference}'");
        }, WriteTarget.Of<ActionRecord>(ActionRecord.KeyFor(plan, command.Reference)));

    public static string Location(string partnershipId, string plan, string action) =>
        $"/partnerships/{partnershipId}/plans/{Uri.EscapeDataString(plan)}/actions/{Uri.EscapeDataString(action)}";
}
