using PlanLedger.Framework;
using PlanLedger.Ledger;
using PlanLedger.Partnerships;
using PlanLedger.SelfAssessments;
using static PlanLedger.Decisions.Tests.Specification;

namespace PlanLedger.Decisions.Tests;

public sealed class RatingDecisions
{
    private static readonly MsgFramework Framework = MsgFramework.Current;
    private static readonly RatingRecorded Recorded = new("2.3", Rating.PartlyEstablished, "Evidence", null, null, "msg-plan", By);

    [Fact]
    public void a_proposal_is_rated_once_and_the_same_rating_again_changes_nothing()
    {
        var record = new RecordRating(Rating.PartlyEstablished, "Evidence", Plan: "msg-plan");
        record.Decide(Framework.Find("2.3"), "2.3", null, By).ThenRecords(Recorded);
        var rated = Given<SelfAssessment>("rating/2.3", Recorded);
        record.Decide(Framework.Find("2.3"), "2.3", rated, By).ThenNothing();
        (record with { Rating = Rating.Exemplary }).Decide(Framework.Find("2.3"), "2.3", rated, By).ThenRefuses(409, "rating");
    }

    [Fact]
    public void proposals_not_for_local_completion_and_unknown_ones_are_refused()
    {
        var record = new RecordRating(Rating.Established);
        record.Decide(Framework.Find("3.2"), "3.2", null, By).ThenRefuses(422, "proposal");
        record.Decide(Framework.Find("9.9"), "9.9", null, By).ThenRefuses(404, "proposal");
    }

    [Fact]
    public void a_revision_records_its_direction_and_reason()
    {
        var rated = Given<SelfAssessment>("rating/2.3", Recorded);
        rated.When(new ReviseRating(Rating.NotYetEstablished, "We now consider this an over estimation"))
            .ThenRecords(new RatingRevised("2.3", Rating.PartlyEstablished, Rating.NotYetEstablished, RevisionDirection.Down,
                "We now consider this an over estimation", null, By));
        rated.When(new ReviseRating(Rating.Established, "Progress"))
            .ThenRecords(new RatingRevised("2.3", Rating.PartlyEstablished, Rating.Established, RevisionDirection.Up, "Progress", null, By));
        rated.When(new ReviseRating(Rating.PartlyEstablished, "No change")).ThenNothing();
    }

    [Fact]
    public void a_partnership_is_onboarded_once()
    {
        var onboard = new OnboardPartnership("orkney", "Orkney Health and Social Care Partnership");
        var onboarded = new PartnershipOnboarded("orkney", "Orkney Health and Social Care Partnership", null, [], By);
        onboard.Decide(null, By).ThenRecords(onboarded);
        var existing = Given<Partnership>("partnership/orkney", onboarded);
        onboard.Decide(existing, By).ThenNothing();
        (onboard with { Name = "Orkney" }).Decide(existing, By).ThenRefuses(409, "code");
    }
}
