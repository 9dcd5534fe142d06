using PlanLedger.Reports;
using static PlanLedger.Decisions.Tests.Specification;

namespace PlanLedger.Decisions.Tests;

public sealed class ReportDecisions
{
    private static readonly CoveringReport G20132 = new("g-20-132", "G/20/132", "Joint Inspection Plan Update", "Audit & Performance Committee",
        new DateOnly(2020, 11, 30), [new ReportAuthor("Gordon Paterson", "Chief Officer")], "Update on progress", ["Note the progress"],
        null, null, [], null, null, null, ["joint-inspection-improvement-plan"]);

    private static readonly HashSet<string> Plans = ["joint-inspection-improvement-plan"];

    [Fact]
    public void a_report_is_recorded_effective_on_its_meeting_date_unless_told_otherwise()
    {
        new RecordCommitteeReport(G20132).Decide(null, Plans, By with { EffectiveOn = new DateOnly(2021, 5, 1) })
            .ThenRecords(new CommitteeReportRecorded(G20132, On(new(2020, 11, 30))));
        new RecordCommitteeReport(G20132, new DateOnly(2020, 11, 25)).Decide(null, Plans, By)
            .ThenRecords(new CommitteeReportRecorded(G20132, On(new(2020, 11, 25))));
    }

    [Fact]
    public void a_report_is_recorded_once_and_covers_only_plans_the_partnership_has()
    {
        var recorded = Given<CommitteeReportRecord>("report/g-20-132", new CommitteeReportRecorded(G20132, On(new(2020, 11, 30))));
        recorded.ShouldBeTheSameAs(new CommitteeReportRecord
        {
            Id = "report/g-20-132", Version = 1, Report = G20132, EffectiveOn = new(2020, 11, 30), RecordedAt = By.RecordedAt, RecordedBy = By.RecordedBy
        });
        new RecordCommitteeReport(G20132).Decide(recorded, Plans, By).ThenNothing();
        new RecordCommitteeReport(G20132 with { Title = "Other" }).Decide(recorded, Plans, By).ThenRefuses(409, "report.reference");
        new RecordCommitteeReport(G20132).Decide(null, new HashSet<string>(), By).ThenRefuses(422, "report.plans");
    }
}
