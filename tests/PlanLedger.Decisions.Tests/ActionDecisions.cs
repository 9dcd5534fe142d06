using PlanLedger.Actions;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using static PlanLedger.Decisions.Tests.Specification;

namespace PlanLedger.Decisions.Tests;

public sealed class ActionDecisions
{
    public const string Key = "action/msg-plan/1.1";
    private static readonly Timescale January2020 = Timescale.Read("January 2020 IJB");
    private static readonly Lead Bill = new("Bill Troup", null, null);

    public static ActionAdded Added(DeliveryStatus? status = DeliveryStatus.Amber) => new("msg-plan", "1.1",
        new ActionDetails("KF1", "Review the workforce plan", null, null, [], []), [Bill], January2020, status, [], On(new(2019, 7, 1)));

    private static ActionRecord AnAmberAction(params ILedgerEvent[] more) => Given<ActionRecord>(Key, [Added(), .. more]);

    [Fact]
    public void a_status_change_records_from_and_to_with_the_reason()
    {
        AnAmberAction().When(new ChangeStatus(DeliveryStatus.Green, "Published"))
            .ThenRecords(new ActionStatusChanged(DeliveryStatus.Amber, DeliveryStatus.Green, "Published", By));
    }

    [Fact]
    public void the_same_status_again_records_nothing()
    {
        AnAmberAction().When(new ChangeStatus(DeliveryStatus.Amber)).ThenNothing();
    }

    [Fact]
    public void a_withdrawn_action_refuses_a_status_change_with_409()
    {
        AnAmberAction(new ActionWithdrawn("No longer needed", By)).When(new ChangeStatus(DeliveryStatus.Green)).ThenRefuses(409);
    }

    [Fact]
    public void a_progress_update_with_a_new_status_records_the_update_and_the_status_change()
    {
        AnAmberAction().When(new RecordProgressUpdate("November 2020", "Drafted", "Consult", DeliveryStatus.Green))
            .ThenRecords(
                new ProgressUpdateRecorded("November 2020", "Drafted", "Consult", DeliveryStatus.Green, By),
                new ActionStatusChanged(DeliveryStatus.Amber, DeliveryStatus.Green, "Progress update for November 2020", By));
    }

    [Fact]
    public void a_backdated_progress_update_is_history_and_does_not_change_the_current_status()
    {
        var updated = AnAmberAction(new ProgressUpdateRecorded("November 2020", "Drafted", null, DeliveryStatus.Amber, By));
        updated.When(new RecordProgressUpdate("June 2020", "Started", null, DeliveryStatus.Red, new DateOnly(2020, 6, 30)))
            .ThenRecords(new ProgressUpdateRecorded("June 2020", "Started", null, DeliveryStatus.Red, On(new(2020, 6, 30))));
    }

    [Fact]
    public void the_same_progress_update_again_records_nothing()
    {
        var update = new RecordProgressUpdate("November 2020", "Drafted", null, DeliveryStatus.Amber);
        AnAmberAction(new ProgressUpdateRecorded("November 2020", "Drafted", null, DeliveryStatus.Amber, By)).When(update).ThenNothing();
    }

    [Fact]
    public void a_later_target_is_a_slip_with_its_days_and_reason()
    {
        var to = Timescale.Read("31 March 2021");
        AnAmberAction().When(new SetTimescale(new TimescaleInput("31 March 2021"), "Delayed due to COVID 19"))
            .ThenRecords(new TimescaleSlipped(January2020, to, to.Target!.Value.DayNumber - January2020.Target!.Value.DayNumber, "Delayed due to COVID 19", By));
    }

    [Fact]
    public void a_slip_without_a_reason_is_refused_naming_the_reason()
    {
        AnAmberAction().When(new SetTimescale(new TimescaleInput("31 March 2021"))).ThenRefuses(422, "reason");
    }

    [Fact]
    public void an_earlier_target_is_brought_forward()
    {
        var to = Timescale.Read("December 2019");
        AnAmberAction().When(new SetTimescale(new TimescaleInput("December 2019")))
            .ThenRecords(new TimescaleBroughtForward(January2020, to, January2020.Target!.Value.DayNumber - to.Target!.Value.DayNumber, null, By));
    }

    [Fact]
    public void a_first_timescale_is_set()
    {
        var untimed = Given<ActionRecord>(Key, Added() with { Timescale = null });
        untimed.When(new SetTimescale(new TimescaleInput("January 2020 IJB")))
            .ThenRecords(new TimescaleSet(null, January2020, null, By));
    }

    [Fact]
    public void amending_details_records_before_and_after_and_only_what_changes()
    {
        var action = AnAmberAction();
        action.When(new AmendDetails(Description: "Review and publish the workforce plan", NationalOutcomes: [9, 3, 9]))
            .ThenRecords(new ActionDetailsAmended(action.Details,
                action.Details with { Description = "Review and publish the workforce plan", NationalOutcomes = [3, 9] }, null, By));
        action.When(new AmendDetails(Description: "Review the workforce plan")).ThenNothing();
    }

    [Fact]
    public void an_action_moves_only_to_a_heading_its_plan_has()
    {
        var plan = PlanDecisions.APlanWithHeadingKF1();
        new AmendDetails(Heading: "KF9").Validate(plan).ShouldNotBeNull().Status.ShouldBe(422);
        new AmendDetails(Heading: "KF1").Validate(plan).ShouldBeNull();
    }

    [Fact]
    public void assigning_other_leads_replaces_them()
    {
        Lead[] leads = [new(null, "Chief Officer", "Orkney HSCP")];
        AnAmberAction().When(new AssignLeads(leads, "Restructure")).ThenRecords(new ActionLeadsChanged([Bill], leads, "Restructure", By));
        AnAmberAction().When(new AssignLeads([Bill])).ThenNothing();
    }

    [Fact]
    public void milestones_are_numbered_and_completed_once()
    {
        var action = AnAmberAction();
        action.When(new AddMilestone("Draft plan", new DateOnly(2020, 3, 31)))
            .ThenRecords(new MilestoneAdded(1, "Draft plan", new DateOnly(2020, 3, 31), null, false, By));

        var withMilestone = AnAmberAction(new MilestoneAdded(1, "Draft plan", null, null, false, By));
        withMilestone.When(new AddMilestone("Draft plan")).ThenNothing();
        withMilestone.When(new CompleteMilestone { Number = 1 }).ThenRecords(new MilestoneCompleted(1, By));
        withMilestone.When(new CompleteMilestone { Number = 2 }).ThenRefuses(404, "number");
        AnAmberAction(new MilestoneAdded(1, "Draft plan", null, null, true, By)).When(new CompleteMilestone { Number = 1 }).ThenNothing();
    }

    [Fact]
    public void completing_withdrawing_and_superseding_close_the_action_once()
    {
        AnAmberAction().When(new CompleteAction("Done")).ThenRecords(new ActionCompleted(DeliveryStatus.Amber, "Done", By));
        AnAmberAction(new ActionCompleted(DeliveryStatus.Amber, null, By)).When(new CompleteAction()).ThenNothing();
        AnAmberAction().When(new WithdrawAction("Not needed")).ThenRecords(new ActionWithdrawn("Not needed", By));
        AnAmberAction(new ActionWithdrawn("Not needed", By)).When(new WithdrawAction("Again")).ThenNothing();
        AnAmberAction().When(new SupersedeAction("Remobilisation Plan")).ThenRecords(new ActionSuperseded("Remobilisation Plan", null, By));
        AnAmberAction(new ActionSuperseded("Remobilisation Plan", null, By)).When(new CompleteAction()).ThenRefuses(409);
    }

    [Fact]
    public void cross_references_record_only_the_new_ones()
    {
        var action = AnAmberAction(new ActionCrossReferenced(["3(v)a"], By));
        action.When(new CrossReference(["3(v)a", "2.6", "2.6"])).ThenRecords(new ActionCrossReferenced(["2.6"], By));
        action.When(new CrossReference(["3(v)a"])).ThenNothing();
    }

    [Fact]
    public void adding_an_action_needs_a_live_plan_with_its_heading_and_a_new_reference()
    {
        var add = new AddAction("1.1", "KF1", "Review the workforce plan", Leads: [Bill], Timescale: new TimescaleInput("January 2020 IJB"),
            Status: DeliveryStatus.Amber, EffectiveOn: new DateOnly(2019, 7, 1));
        var plan = PlanDecisions.APlanWithHeadingKF1();

        add.Decide("msg-plan", plan, null, On(new(2019, 7, 1))).ThenRecords(Added());
        add.Decide("msg-plan", null, null, By).ThenRefuses(404);
        add.Decide("msg-plan", plan with { Status = PlanStatus.Superseded }, null, By).ThenRefuses(409);
        (add with { Heading = "KF9" }).Decide("msg-plan", plan, null, By).ThenRefuses(422, "heading");
        add.Decide("msg-plan", plan, AnAmberAction(), By).ThenRefuses(409, "reference");
    }

    [Fact]
    public void a_delay_with_no_new_date_is_recorded_with_its_reason_and_leaves_the_timescale()
    {
        var covid = new RecordDelay("Delayed due to COVID 19");
        AnAmberAction().When(covid).ThenRecords(new ActionDelayed("Delayed due to COVID 19", null, null, By));

        var delayed = AnAmberAction(new ActionDelayed("Delayed due to COVID 19", null, null, By));
        delayed.Delays.ShouldBe([new Delay(Today, "Delayed due to COVID 19", null, null)]);
        delayed.Timescale.ShouldBe(January2020);
        (delayed.Slips, delayed.IsDelayed).ShouldBe((0, true));
        delayed.When(covid).ThenNothing();
        AnAmberAction(new ActionWithdrawn("No longer needed", By)).When(covid).ThenRefuses(409);
    }

    [Fact]
    public void a_delay_with_a_new_date_also_slips_the_timescale()
    {
        var june = Timescale.Read("30 June 2020");
        AnAmberAction().When(new RecordDelay("Delayed due to COVID 19", new TimescaleInput("30 June 2020")))
            .ThenRecords(
                new ActionDelayed("Delayed due to COVID 19", "30 June 2020", new DateOnly(2020, 6, 30), By),
                new TimescaleSlipped(January2020, june, 151, "Delayed due to COVID 19", By));
    }

    [Fact]
    public void the_progress_report_to_the_board_is_a_detail_of_its_own_not_a_milestone()
    {
        var withReport = Given<ActionRecord>(Key, Added() with { Details = Added().Details with { ProgressReportDue = "Aug 16" } });
        (withReport.ProgressReportDue, withReport.Milestones.Count).ShouldBe(("Aug 16", 0));
        withReport.When(new AmendDetails(ProgressReportDue: "Nov 16", Reason: "Moved to the November IJB"))
            .ThenRecords(new ActionDetailsAmended(withReport.Details, withReport.Details with { ProgressReportDue = "Nov 16" }, "Moved to the November IJB", By));
        withReport.When(new AmendDetails(ProgressReportDue: "Aug 16")).ThenNothing();
    }
}
