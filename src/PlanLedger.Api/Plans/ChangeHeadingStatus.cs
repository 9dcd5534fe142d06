using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Plans;

/// <summary>
/// Changes a heading's own RAG (a priority, proposal or key action rated once, as Perth &amp; Kinross's
/// "Nov Overall RAG" rates each inspection priority), with the reason and the reporting period.
/// Its actions keep their own statuses.
/// </summary>
public sealed record ChangeHeadingStatus(DeliveryStatus Status, string? Reason = null, string? Period = null, DateOnly? EffectiveOn = null) : IEffectiveChange
{
    /// <summary>An example, for the contract.</summary>
    public static ChangeHeadingStatus Example => new(DeliveryStatus.Amber, "Two of three actions on track", "November 2020", new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<ChangeHeadingStatus>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Status).IsInEnum();
            RuleFor(c => c.Reason).MaximumLength(Limits.Text);
            RuleFor(c => c.Period).MaximumLength(Limits.Name);
        }
    }

    /// <summary>The change to the plan stream, for the heading named in the route.</summary>
    public sealed record ForHeading(string Heading, ChangeHeadingStatus Change) : IPlanChange
    {
        public DateOnly? EffectiveOn => Change.EffectiveOn;

        public ProblemDetails? Validate(PlanRecord plan) =>
            PlanChanges.MustNotBeSuperseded(plan)
            ?? (plan.Headings.Any(h => h.Reference == Heading)
                ? null
                : Problems.Of(404, "Not found", $"Plan '{plan.Reference}' has no heading '{Heading}'.", "heading"));

        /// <summary>The same status, reason and period on the same date again changes nothing (a partner system's retry without a key).</summary>
        public IReadOnlyList<ILedgerEvent> Decide(PlanRecord plan, Provenance provenance)
        {
            var heading = plan.Headings.Single(h => h.Reference == Heading);
            var same = heading.StatusHistory.Any(s => s.To == Change.Status && s.Reason == Change.Reason && s.Period == Change.Period
                                                      && s.EffectiveOn == provenance.EffectiveOn);
            return same || (heading.Status == Change.Status && Change.Reason is null && Change.Period is null)
                ? []
                : [new HeadingStatusChanged(Heading, heading.Status, Change.Status, Change.Reason, Change.Period, provenance)];
        }
    }
}

public static class ChangeHeadingStatusEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/headings/{heading}/status", Name = "ChangeHeadingStatus")]
    [Tags("Plans")]
    [PlanChange]
    [Refuses(404, "Or the plan has no heading with this reference.")]
    public static Task<IResult> Post(ChangeHeadingStatus command, string partnershipId, string plan, string heading, LedgerWrites writes) =>
        writes.ChangePlan(plan, new ChangeHeadingStatus.ForHeading(heading, command));
}
