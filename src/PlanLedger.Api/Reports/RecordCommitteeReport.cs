using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using Wolverine.Http;

namespace PlanLedger.Reports;

/// <summary>
/// Records a progress report to a committee (covering report and the plans whose appendix it carries). Its appendix
/// is, from then on, the plans as the ledger knew them at this moment and as they stood on the effective date
/// (default: the meeting date), so the paper reads the same on every later day.
/// </summary>
public sealed record RecordCommitteeReport(CoveringReport Report, DateOnly? EffectiveOn = null) : IEffectiveChange
{
    public sealed class Validator : ChangeValidator<RecordCommitteeReport>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Report).NotNull();
            RuleFor(c => c.Report.Reference).IsReference().When(c => c.Report is not null);
            RuleFor(c => c.Report.Number).MaximumLength(Limits.Name).When(c => c.Report is not null);
            RuleFor(c => c.Report.Title).NotEmpty().MaximumLength(Limits.Title).When(c => c.Report is not null);
            RuleFor(c => c.Report.Committee).MaximumLength(Limits.Title).When(c => c.Report is not null);
            RuleFor(c => c.Report.MeetingDate).Must(d => d is null || d.Value.Year is >= 2000 and <= 2100).When(c => c.Report is not null)
                .WithMessage("'Meeting Date' must be between 2000 and 2100");
            RuleFor(c => c.Report.MeetingDate).NotNull().IsEffectiveDate(clock).When(c => c.Report is not null && c.EffectiveOn is null)
                .WithMessage("'Meeting Date' is the report's effective date unless 'effectiveOn' is given: one of them is needed, and not in the future");
            RuleFor(c => c.Report.Authors).NotNull().Must(a => a.Count <= Limits.Leads).When(c => c.Report is not null)
                .WithMessage($"At most {Limits.Leads} authors");
            RuleForEach(c => c.Report.Authors).ChildRules(a =>
            {
                a.RuleFor(x => x.Name).NotEmpty().MaximumLength(Limits.Name);
                a.RuleFor(x => x.Designation).MaximumLength(Limits.Name);
                a.RuleFor(x => x.Contact).MaximumLength(Limits.Name);
            }).When(c => c.Report?.Authors is not null);
            RuleFor(c => c.Report.Plans).NotEmpty().Must(p => p.Count <= 20 && p.Distinct().Count() == p.Count).When(c => c.Report is not null)
                .WithMessage("'Plans' must name 1 to 20 different plans");
            RuleForEach(c => c.Report.Plans).IsReference().When(c => c.Report?.Plans is not null);
            RuleFor(c => c.Report.Recommendations).NotNull().Must(r => r.Count <= 50).When(c => c.Report is not null);
            RuleForEach(c => c.Report.Recommendations).NotEmpty().MaximumLength(Limits.Text).When(c => c.Report?.Recommendations is not null);
            RuleFor(c => c.Report.AreasOfNote).NotNull().Must(r => r.Count <= 50).When(c => c.Report is not null);
            RuleForEach(c => c.Report.AreasOfNote).NotEmpty().MaximumLength(Limits.Text).When(c => c.Report?.AreasOfNote is not null);
            RuleFor(c => c.Report.Purpose).MaximumLength(Limits.Text).When(c => c.Report is not null);
            RuleFor(c => c.Report.Background).MaximumLength(Limits.Text).When(c => c.Report is not null);
            RuleFor(c => c.Report.Progress).MaximumLength(Limits.Text).When(c => c.Report is not null);
            RuleFor(c => c.Report.ProgressContinued).MaximumLength(Limits.Text).When(c => c.Report is not null);
            RuleFor(c => c.Report.NextSteps).MaximumLength(Limits.Text).When(c => c.Report is not null);
            RuleFor(c => c.Report.Conclusion).MaximumLength(Limits.Text).When(c => c.Report is not null);
            RuleFor(c => c.Report.AppendixNote).MaximumLength(Limits.Text).When(c => c.Report is not null);
        }
    }

    /// <summary>A report is recorded once: the same report again changes nothing, a different one under its reference is refused.</summary>
    public Verdict Decide(CommitteeReportRecord? existing, IReadOnlySet<string> knownPlans, Provenance provenance)
    {
        if (existing is not null)
            return Same(existing.Report, Report) && existing.EffectiveOn == EffectiveDate
                ? Verdict.Unchanged
                : Problems.Of(409, "Report exists", $"This partnership already recorded a different report '{Report.Reference}'; a report, once presented, does not change.", "report.reference");
        if (Report.Plans.FirstOrDefault(p => !knownPlans.Contains(p)) is { } unknown)
            return Problems.Of(422, "Unknown plan", $"This partnership has no plan '{unknown}' for the report to cover.", "report.plans");
        return Verdict.Record(new CommitteeReportRecorded(Report, provenance with { EffectiveOn = EffectiveDate }));
    }

    private DateOnly EffectiveDate => EffectiveOn ?? Report.MeetingDate!.Value;

    private static bool Same(CoveringReport a, CoveringReport b) =>
        System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b);
}

public static class RecordCommitteeReportEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/reports", Name = "RecordCommitteeReport")]
    [Tags("Reports")]
    [ProducesResponseType<Written<CommitteeReportRecord>>(201)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(412)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static Task<IResult> Post(RecordCommitteeReport command, string partnershipId, LedgerWrites writes) =>
        writes.Run(command, async write =>
        {
            var keys = command.Report.Plans.Select(PlanRecord.KeyFor).ToArray();
            var plans = await write.Session.LoadManyAsync<PlanRecord>(write.Cancellation, keys);
            var known = plans.Select(p => p.Reference).ToHashSet();
            return await write.Create<CommitteeReportRecord>(CommitteeReportRecord.KeyFor(command.Report.Reference), command,
                (existing, provenance) => command.Decide(existing, known, provenance),
                $"/partnerships/{partnershipId}/reports/{Uri.EscapeDataString(command.Report.Reference)}", $"report '{command.Report.Reference}'");
        });
}
