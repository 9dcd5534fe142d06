using PlanLedger.Actions;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using static PlanLedger.Decisions.Tests.Specification;

namespace PlanLedger.Decisions.Tests;

public sealed class ReturnDecisions
{
    private static readonly ActionRecord Amber = Given<ActionRecord>(ActionDecisions.Key, ActionDecisions.Added());
    private static readonly Dictionary<string, ActionRecord> Actions = new() { ["1.1"] = Amber };

    private static ReturnDecision Decide(params ReturnItem[] items) =>
        ReturnDecision.Of(new PostReturn("November 2020", items), "msg-plan", PlanDecisions.APlanWithHeadingKF1(), Actions, ProvenanceFor);

    [Fact]
    public void every_item_is_decided_against_what_the_items_before_it_left()
    {
        var decision = Decide(
            new ReturnItem("1.1", Status: new ChangeStatus(DeliveryStatus.Green)),
            new ReturnItem("1.2", NewAction: new AddAction("1.2", "KF1", "Raise awareness"), Status: new ChangeStatus(DeliveryStatus.Amber)),
            new ReturnItem("1.1", Status: new ChangeStatus(DeliveryStatus.Green), ExpectedVersion: 2));

        decision.Refusal.ShouldBeNull();
        decision.Result.ShouldBeTheSameAs(new ReturnResult("November 2020", [
            new ReturnItemResult(0, "1.1", WriteResult.Appended, 1, 2),
            new ReturnItemResult(1, "1.2", WriteResult.Appended, 2, 2),
            new ReturnItemResult(2, "1.1", WriteResult.Unchanged, 0, 2)]));
        decision.Streams["action/msg-plan/1.1"].ReadAt.ShouldBe(1);
        decision.Streams["action/msg-plan/1.2"].ReadAt.ShouldBeNull();
        decision.EventsAppended.ShouldBe(3);
    }

    [Fact]
    public void one_refused_item_refuses_the_return_and_marks_every_other_item_not_recorded()
    {
        var decision = Decide(
            new ReturnItem("1.1", Status: new ChangeStatus(DeliveryStatus.Green)),
            new ReturnItem("9.9", Status: new ChangeStatus(DeliveryStatus.Red)));

        var refusal = decision.Refusal.ShouldNotBeNull();
        refusal.Status.ShouldBe(422);
        var items = (IEnumerable<ReturnItemProblem>)refusal.Extensions["items"]!;
        items.Select(i => (i.Index, i.Outcome)).ShouldBe([(0, ReturnItemRefusal.NotRecorded), (1, ReturnItemRefusal.Refused)]);
        items.Last().Problem!.Status.ShouldBe(404);
    }

    [Fact]
    public void a_stale_expected_version_refuses_the_return_with_412()
    {
        Decide(new ReturnItem("1.1", Status: new ChangeStatus(DeliveryStatus.Green), ExpectedVersion: 4)).Refusal!.Status.ShouldBe(412);
    }

    [Fact]
    public void a_return_to_a_plan_that_does_not_exist_is_404()
    {
        ReturnDecision.Of(new PostReturn("November 2020", [new ReturnItem("1.1", Status: new ChangeStatus(DeliveryStatus.Green))]),
            "no-plan", null, Actions, ProvenanceFor).Refusal!.Status.ShouldBe(404);
    }

    [Fact]
    public void items_take_the_return_date_unless_they_name_their_own()
    {
        var decision = ReturnDecision.Of(new PostReturn("November 2020", [
                new ReturnItem("1.1", ProgressUpdate: new RecordProgressUpdate("November 2020", "Drafted", EffectiveOn: new DateOnly(2020, 11, 1)),
                    Status: new ChangeStatus(DeliveryStatus.Green))], new DateOnly(2020, 11, 30)),
            "msg-plan", PlanDecisions.APlanWithHeadingKF1(), Actions, ProvenanceFor);

        decision.Streams["action/msg-plan/1.1"].Events.Select(e => e.Provenance.EffectiveOn)
            .ShouldBe([new DateOnly(2020, 11, 1), new DateOnly(2020, 11, 30)]);
    }
}
