using PlanLedger.Ledger;
using PlanLedger.Plans;
using static PlanLedger.Decisions.Tests.Specification;

namespace PlanLedger.Decisions.Tests;

public sealed class PlanDecisions
{
    private const string Key = "plan/msg-plan";
    private static readonly PlanRegistered Registered = new("msg-plan", PlanKind.MsgImprovementActionPlan, "MSG improvement action plan", null, null, null, By);

    public static PlanRecord APlanWithHeadingKF1() =>
        Given<PlanRecord>(Key, Registered, new HeadingAdded("KF1", HeadingKind.StrategicPriority, "Collaborative leadership", null, By));

    [Fact]
    public void registering_a_plan_starts_its_stream_once()
    {
        var register = new RegisterPlan("msg-plan", PlanKind.MsgImprovementActionPlan, "MSG improvement action plan");
        register.Decide(null, By).ThenRecords(Registered);
        register.Decide(APlanWithHeadingKF1(), By).ThenRefuses(409, "reference");
    }

    [Fact]
    public void a_heading_is_added_once_and_its_reference_is_unique()
    {
        var plan = APlanWithHeadingKF1();
        plan.When(new AddHeading("KF2", HeadingKind.StrategicPriority, "Integrated finances"))
            .ThenRecords(new HeadingAdded("KF2", HeadingKind.StrategicPriority, "Integrated finances", null, By));
        plan.When(new AddHeading("KF1", HeadingKind.StrategicPriority, "Collaborative leadership")).ThenNothing();
        plan.When(new AddHeading("KF1", HeadingKind.StrategicPriority, "Something else")).ThenRefuses(409, "reference");
    }

    [Fact]
    public void approval_takes_effect_on_the_approval_date_and_is_recorded_once()
    {
        var approve = new ApprovePlan("Orkney IJB", new DateOnly(2019, 12, 11), "v2");
        var plan = APlanWithHeadingKF1();
        plan.When(approve).ThenRecords(new PlanApproved("Orkney IJB", new DateOnly(2019, 12, 11), "v2", On(new(2019, 12, 11))));
        Given<PlanRecord>(Key, Registered, new PlanApproved("Orkney IJB", new DateOnly(2019, 12, 11), "v2", By)).When(approve).ThenNothing();
    }

    [Fact]
    public void a_superseded_plan_takes_no_headings_or_approval()
    {
        var superseded = Given<PlanRecord>(Key, Registered, new PlanSuperseded("Remobilisation Plan", null, By));
        superseded.When(new AddHeading("KF2", HeadingKind.StrategicPriority, "x")).ThenRefuses(409);
        superseded.When(new ApprovePlan("IJB", new DateOnly(2020, 1, 1))).ThenRefuses(409);
        superseded.When(new SupersedePlan("Remobilisation Plan")).ThenNothing();
        APlanWithHeadingKF1().When(new SupersedePlan("Remobilisation Plan", "COVID"))
            .ThenRecords(new PlanSuperseded("Remobilisation Plan", "COVID", By));
    }

    [Fact]
    public void a_heading_has_its_own_status_with_its_reason_and_period_beside_its_actions()
    {
        var plan = APlanWithHeadingKF1();
        var amber = new ChangeHeadingStatus(DeliveryStatus.Amber, "Nov Overall RAG", "November 2020");
        plan.When(new ChangeHeadingStatus.ForHeading("KF1", amber))
            .ThenRecords(new HeadingStatusChanged("KF1", null, DeliveryStatus.Amber, "Nov Overall RAG", "November 2020", By));

        var rated = Given<PlanRecord>(Key, Registered, new HeadingAdded("KF1", HeadingKind.StrategicPriority, "Collaborative leadership", null, By),
            new HeadingStatusChanged("KF1", null, DeliveryStatus.Amber, "Nov Overall RAG", "November 2020", By));
        rated.When(new ChangeHeadingStatus.ForHeading("KF1", amber)).ThenNothing();
        rated.When(new ChangeHeadingStatus.ForHeading("KF1", new ChangeHeadingStatus(DeliveryStatus.Green, "Workforce plan published")))
            .ThenRecords(new HeadingStatusChanged("KF1", DeliveryStatus.Amber, DeliveryStatus.Green, "Workforce plan published", null, By));
        plan.When(new ChangeHeadingStatus.ForHeading("KF9", amber)).ThenRefuses(404, "heading");
    }

    [Fact]
    public void a_heading_status_folds_into_the_heading_and_a_backdated_one_is_history_only()
    {
        var november = new HeadingStatusChanged("KF1", null, DeliveryStatus.Amber, "Nov Overall RAG", "November 2020", By);
        var june = new HeadingStatusChanged("KF1", DeliveryStatus.Amber, DeliveryStatus.Red, "Paused", "June 2020", On(new(2020, 6, 30)));
        var plan = Given<PlanRecord>(Key, Registered, new HeadingAdded("KF1", HeadingKind.StrategicPriority, "Collaborative leadership", null, By), november, june);

        plan.Headings.Single().ShouldBeTheSameAs(new Heading("KF1", HeadingKind.StrategicPriority, "Collaborative leadership", null)
        {
            Status = DeliveryStatus.Amber,
            StatusHistory =
            [
                new HeadingStatus(null, DeliveryStatus.Amber, "Nov Overall RAG", "November 2020", Today, By.RecordedAt),
                new HeadingStatus(DeliveryStatus.Amber, DeliveryStatus.Red, "Paused", "June 2020", new(2020, 6, 30), By.RecordedAt)
            ]
        });
        plan.Version.ShouldBe(4);
    }

    [Fact]
    public void a_plan_names_its_priority_themes_when_registered()
    {
        PriorityTheme[] themes = [new(2, "Person centred health, care and support"), new(1, "Prevention and early intervention")];
        var register = new RegisterPlan("scp", PlanKind.StrategicCommissioningPlan, "Strategic Commissioning Plan", PriorityThemes: themes);
        var registered = new PlanRegistered("scp", PlanKind.StrategicCommissioningPlan, "Strategic Commissioning Plan", null, null, null, By,
            [new(1, "Prevention and early intervention"), new(2, "Person centred health, care and support")]);
        register.Decide(null, By).ThenRecords(registered);
        Given<PlanRecord>("plan/scp", registered).PriorityThemes.Select(t => t.Name)
            .ShouldBe(["Prevention and early intervention", "Person centred health, care and support"]);
    }
}
