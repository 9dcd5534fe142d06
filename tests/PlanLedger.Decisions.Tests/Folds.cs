using PlanLedger.Actions;
using PlanLedger.Ledger;
using PlanLedger.Partnerships;
using PlanLedger.Plans;
using PlanLedger.SelfAssessments;
using static PlanLedger.Decisions.Tests.Specification;

namespace PlanLedger.Decisions.Tests;

/// <summary>Each stream's fold, event by event: the one place its events are interpreted.</summary>
public sealed class Folds
{
    private static readonly DateTimeOffset Recorded = By.RecordedAt;
    private static readonly Timescale January2020 = Timescale.Read("January 2020 IJB");
    private static readonly Timescale March2021 = Timescale.Read("31 March 2021");

    private static ActionRecord Amber => Given<ActionRecord>(ActionDecisions.Key, ActionDecisions.Added());

    [Fact]
    public void an_added_action_is_version_1_with_its_details_and_first_timescale()
    {
        Amber.ShouldBeTheSameAs(new ActionRecord
        {
            Id = ActionDecisions.Key, Version = 1, Plan = "msg-plan", Reference = "1.1", Heading = "KF1", Description = "Review the workforce plan",
            Leads = [new Lead("Bill Troup", null, null)], Timescale = January2020, OriginalTimescale = January2020, Status = DeliveryStatus.Amber,
            EffectiveOn = new DateOnly(2019, 7, 1), RecordedAt = Recorded
        });
    }

    [Fact]
    public void status_changes_to_blue_complete_and_away_from_blue_reopen()
    {
        var blue = ActionRecord.Fold(Amber, Amber.Id, new ActionStatusChanged(DeliveryStatus.Amber, DeliveryStatus.Blue, null, By))!;
        blue.ShouldBeTheSameAs(Amber with
        {
            Version = 2, Status = DeliveryStatus.Blue, Closure = ActionClosure.Completed, CompletedOn = Today, EffectiveOn = Today
        });
        ActionRecord.Fold(blue, blue.Id, new ActionStatusChanged(DeliveryStatus.Blue, DeliveryStatus.Red, null, By))!
            .ShouldBeTheSameAs(blue with { Version = 3, Status = DeliveryStatus.Red, Closure = ActionClosure.Open, CompletedOn = null });
    }

    [Fact]
    public void slips_count_and_add_their_days_and_the_original_target_is_kept()
    {
        var slipped = ActionRecord.Fold(Amber, Amber.Id, new TimescaleSlipped(January2020, March2021, 425, "COVID", By))!;
        slipped.ShouldBeTheSameAs(Amber with { Version = 2, Timescale = March2021, Slips = 1, DaysSlipped = 425, EffectiveOn = Today });
        ActionRecord.Fold(slipped, slipped.Id, new TimescaleBroughtForward(March2021, January2020, 425, null, By))!
            .ShouldBeTheSameAs(slipped with { Version = 3, Timescale = January2020 });
    }

    [Fact]
    public void the_latest_update_is_the_latest_effective_and_a_backdated_one_is_history()
    {
        var november = ActionRecord.Fold(Amber, Amber.Id, new ProgressUpdateRecorded("November 2020", "Drafted", "Consult", DeliveryStatus.Green, By))!;
        november.LatestUpdate.ShouldBe(new LatestUpdate("November 2020", "Drafted", "Consult", DeliveryStatus.Green, Today));
        ActionRecord.Fold(november, november.Id, new ProgressUpdateRecorded("June 2020", "Started", null, null, On(new(2020, 6, 30))))!
            .ShouldBeTheSameAs(november with { Version = 3 });
    }

    [Fact]
    public void milestones_leads_details_cross_references_and_closures_fold_into_the_state()
    {
        var state = Amber;
        ILedgerEvent[] events =
        [
            new MilestoneAdded(1, "Draft", new DateOnly(2020, 3, 31), null, false, By),
            new MilestoneCompleted(1, By),
            new ActionLeadsChanged([], [new Lead(null, "Chief Officer", null)], null, By),
            new ActionDetailsAmended(Amber.Details, Amber.Details with { Comment = "Joint with NHS" }, null, By),
            new ActionCrossReferenced(["2.6"], By),
            new TimescaleSet(January2020, March2021, null, By),
            new ActionSuperseded("Remobilisation Plan", null, By)
        ];
        state = StreamState.FoldAll(state, state.Id, events);
        state.ShouldBeTheSameAs(Amber with
        {
            Version = 8, EffectiveOn = Today,
            Milestones = [new Milestone(1, "Draft", new DateOnly(2020, 3, 31), null, true, Today)],
            Leads = [new Lead(null, "Chief Officer", null)], Comment = "Joint with NHS", CrossReferences = ["2.6"],
            Timescale = March2021, Closure = ActionClosure.Superseded, SupersededBy = "Remobilisation Plan"
        });
        ActionRecord.Fold(Amber, Amber.Id, new ActionWithdrawn("x", By))!.Closure.ShouldBe(ActionClosure.Withdrawn);
        ActionRecord.Fold(Amber, Amber.Id, new ActionCompleted(DeliveryStatus.Amber, null, By))!
            .ShouldBeTheSameAs(Amber with { Version = 2, Status = DeliveryStatus.Blue, Closure = ActionClosure.Completed, CompletedOn = Today, EffectiveOn = Today });
    }

    [Fact]
    public void a_plan_folds_registration_headings_approval_and_supersession()
    {
        var plan = StreamState.FoldAll<PlanRecord>(null, "plan/msg-plan", [
            new PlanRegistered("msg-plan", PlanKind.MsgImprovementActionPlan, "Plan", null, null, null, On(new(2019, 7, 1))),
            new HeadingAdded("KF1", HeadingKind.StrategicPriority, "Leadership", null, On(new(2019, 7, 1))),
            new PlanApproved("Orkney IJB", new DateOnly(2019, 12, 11), "v2", On(new(2019, 12, 11))),
            new PlanSuperseded("Remobilisation Plan", null, By)
        ]);
        plan.ShouldBeTheSameAs(new PlanRecord
        {
            Id = "plan/msg-plan", Version = 4, Reference = "msg-plan", Kind = PlanKind.MsgImprovementActionPlan, Title = "Plan", VersionLabel = "v2",
            Status = PlanStatus.Superseded, ApprovingBody = "Orkney IJB", ApprovedOn = new DateOnly(2019, 12, 11), SupersededBy = "Remobilisation Plan",
            Headings = [new Heading("KF1", HeadingKind.StrategicPriority, "Leadership", null)], EffectiveOn = Today, RecordedAt = Recorded
        });
    }

    [Fact]
    public void a_rating_folds_its_first_level_and_revisions()
    {
        var rating = StreamState.FoldAll<SelfAssessment>(null, "rating/2.3", [
            new RatingRecorded("2.3", Rating.PartlyEstablished, "Evidence", "Actions", "Chief Officer", "msg-plan", On(new(2019, 5, 1))),
            new RatingRevised("2.3", Rating.PartlyEstablished, Rating.NotYetEstablished, RevisionDirection.Down, "Over estimation", null, By)
        ]);
        rating.ShouldBeTheSameAs(new SelfAssessment
        {
            Id = "rating/2.3", Version = 2, Proposal = "2.3", Rating = Rating.NotYetEstablished, FirstRating = Rating.PartlyEstablished,
            FirstRatedOn = new DateOnly(2019, 5, 1), Evidence = "Evidence", ProposedImprovementActions = "Actions", AssessedBy = "Chief Officer",
            Plan = "msg-plan", Revisions = 1, EffectiveOn = Today, RecordedAt = Recorded
        });
    }

    [Fact]
    public void a_partnership_folds_its_onboarding()
    {
        Given<Partnership>("partnership/orkney", new PartnershipOnboarded("orkney", "Orkney", "Orkney IJB", ["NHS Orkney"], By))
            .ShouldBeTheSameAs(new Partnership
            {
                Id = "partnership/orkney", Version = 1, Code = "orkney", Name = "Orkney", IntegrationAuthority = "Orkney IJB",
                StatutoryPartners = ["NHS Orkney"], OnboardedOn = Today
            });
    }
}
