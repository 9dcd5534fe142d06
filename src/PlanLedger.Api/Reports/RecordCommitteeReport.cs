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
    /// <summary>An example, for the contract.</summary>
    public static RecordCommitteeReport Example => new(new CoveringReport("g-20-132", "G/20/132", "Joint Inspection Improvement Plan: progress update", "Audit and Performance Committee",
        new DateOnly(2020, 12, 8), [new ReportAuthor("Head of Performance", null)], "To update the committee on the improvement plan",
        ["The committee notes the progress made"], null, null, ["COVID-19 has delayed the review of the strategic plan"], null,
        "A further update in six months", "Progress continues", ["joint-inspection-improvement-plan"]), new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<RecordCommitteeReport>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Report).NotNull().SetValidator(new CoveringReport.Validator());
            RuleFor(c => c.Report.MeetingDate).NotNull().IsEffectiveDate(clock).When(c => c.Report is not null && c.EffectiveOn is null)
                .WithMessage("'Meeting Date' is the report's effective date unless 'effectiveOn' is given: one of them is needed, and not in the future");
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
    [WriteAnswers(typeof(CommitteeReportRecord), 201, RepeatIsUnchanged = true)]
    [Refuses(409, "A different report was already recorded under this reference.")]
    [Refuses(412, RefusalMeanings.CreateCondition)]
    [Refuses(422, "The report covers a plan the partnership does not have.")]
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
