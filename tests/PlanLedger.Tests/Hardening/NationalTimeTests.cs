using PlanLedger.Actions;
using PlanLedger.Ledger;
using PlanLedger.National;
using PlanLedger.Plans;
using PlanLedger.Security;
using PlanLedger.Tests.National;

namespace PlanLedger.Tests.Hardening;

/// <summary>asOf is a recorded time and effectiveOn a business date on every national view, as on a partnership's own reads.</summary>
public sealed class NationalTimeTests(LedgerHost host) : LedgerTest(host)
{
    private static readonly (string Partnership, string Plan)[] Plans = [("orkney", "msg-plan"), ("angus", "msg-improvement"), ("dundee", "msg-response")];

    private async Task<HttpClient> ScotlandAsync()
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();
        return Host.ClientFor(Roles.National);
    }

    [Fact]
    public async Task national_delivery_counts_the_same_actions_under_each_status_as_the_plan_summary()
    {
        using var national = await ScotlandAsync();
        var delivery = await national.Read<DeliveryView>("/national/delivery");
        foreach (var (partnership, plan) in Plans)
        {
            var summary = await national.Read<PlanSummary>($"/partnerships/{partnership}/plans/{plan}/summary");
            var f = delivery.Partnerships.Single(p => p.Partnership == partnership).Figures;
            (f.Red, f.Amber, f.Green, f.Blue, f.NoStatus).ShouldBe(
                (summary.Counts.ByStatus.Red, summary.Counts.ByStatus.Amber, summary.Counts.ByStatus.Green, summary.Counts.ByStatus.Blue, summary.Counts.ByStatus.NotRated), partnership);
            (f.Red + f.Amber + f.Green + f.Blue + f.NoStatus + f.Withdrawn + f.Superseded).ShouldBe(f.Actions, partnership);
        }
    }

    public static TheoryData<string> Points => new()
    {
        "effectiveOn=2020-01-31", "effectiveOn=2020-06-30", "effectiveOn=2019-06-30",
        "asOf=2021-01-15T11:00:00Z", "asOf=2021-01-15T12:00:00Z", "asOf=2021-01-15T12:00:00Z&effectiveOn=2020-03-31"
    };

    [Theory]
    [MemberData(nameof(Points))]
    public async Task national_delivery_at_a_point_in_time_equals_each_partnerships_own_actions_at_that_point(string point)
    {
        using var national = await ScotlandAsync();
        var delivery = await national.Read<DeliveryView>($"/national/delivery?{point}");
        foreach (var (partnership, plan) in Plans)
        {
            var own = await national.GetAsync($"/partnerships/{partnership}/plans/{plan}/actions?{point}");
            var actions = own.IsSuccessStatusCode ? (await national.Read<List<ActionRecord>>($"/partnerships/{partnership}/plans/{plan}/actions?{point}")) : [];
            delivery.Partnerships.Single(p => p.Partnership == partnership).Figures.ShouldBe(DeliveryFigures.Of(actions, delivery.Today), $"{partnership} {point}");
        }
    }

    [Fact]
    public async Task national_delivery_and_slippage_answer_for_a_business_date_and_for_a_recorded_time()
    {
        using var national = await ScotlandAsync();
        // Orkney's 1.1(a) went Red with effect from 28 February 2020, recorded later.
        var before = await national.Read<DeliveryView>("/national/delivery?effectiveOn=2020-01-31");
        (before.EffectiveOn, before.AsOf, before.Today).ShouldBe((new DateOnly(2020, 1, 31), null, new DateOnly(2020, 1, 31)));
        before.Partnerships.Single(p => p.Partnership == "orkney").Figures.Red.ShouldBe(0);
        (await national.Read<DeliveryView>("/national/delivery?effectiveOn=2020-02-28")).Partnerships.Single(p => p.Partnership == "orkney").Figures.Red.ShouldBe(1);
        // Nothing of the plans had been recorded before the clock reached 15 January 2021, 12:00.
        (await national.Read<DeliveryView>("/national/delivery?asOf=2021-01-15T11:59:59Z")).Partnerships.Sum(p => p.Figures.Actions).ShouldBe(0);

        var slippedBy = async (string point) => (await national.Read<SlippageView>($"/national/slippage?{point}")).Actions
            .Select(a => (a.Partnership, a.Action, a.Slips)).ToList();
        (await slippedBy("effectiveOn=2020-04-30")).ShouldBe([("orkney", "2.3(a)", 1)]);
        (await slippedBy("effectiveOn=2020-06-30")).ShouldBe([("orkney", "2.3(a)", 1), ("angus", "1", 1)], ignoreOrder: true);
        (await slippedBy("asOf=2021-01-15T11:59:59Z")).ShouldBeEmpty();
        (await slippedBy("asOf=2021-01-15T12:00:00Z")).ShouldBe(await slippedBy(""), ignoreOrder: true);
    }

    [Fact]
    public async Task national_ratings_and_their_movement_answer_for_a_recorded_time_and_a_business_date()
    {
        using var national = await ScotlandAsync();
        Rating? Orkney23(MsgRatingsView view) => view.Partnerships.Single(p => p.Partnership == "orkney").Ratings.Single(c => c.Proposal == "2.3").Rating;

        // Revised to Not yet established on 16 December 2019, with effect from 13 December.
        Orkney23(await national.Read<MsgRatingsView>("/national/msg-ratings?effectiveOn=2019-12-31")).ShouldBe(Rating.NotYetEstablished);
        var recorded = await national.Read<MsgRatingsView>("/national/msg-ratings?asOf=2019-12-14T00:00:00Z");
        (recorded.AsOf, recorded.EffectiveOn).ShouldBe((new DateTimeOffset(2019, 12, 14, 0, 0, 0, TimeSpan.Zero), null));
        Orkney23(recorded).ShouldBe(Rating.Established);
        Orkney23(await national.Read<MsgRatingsView>("/national/msg-ratings?asOf=2019-12-14T00:00:00Z&effectiveOn=2019-12-31")).ShouldBe(Rating.Established);
        Orkney23(await national.Read<MsgRatingsView>("/national/msg-ratings?asOf=2019-06-01T00:00:00Z")).ShouldBeNull();

        ProposalMovement Movement(RatingMovementView view) => view.Partnerships.Single(p => p.Partnership == "orkney").Proposals.Single(p => p.Proposal == "2.3");
        var now = Movement(await national.Read<RatingMovementView>("/national/rating-movement"));
        (now.FirstRating, now.CurrentRating, now.Revisions).ShouldBe((Rating.Established, Rating.NotYetEstablished, 1));
        var then = Movement(await national.Read<RatingMovementView>("/national/rating-movement?asOf=2019-12-14T00:00:00Z"));
        (then.FirstRating, then.CurrentRating, then.Revisions, then.RevisionHistory.Count).ShouldBe((Rating.Established, Rating.Established, 0, 0));
        var june = await national.Read<RatingMovementView>("/national/rating-movement?effectiveOn=2019-06-30");
        june.Quarters.Last().Quarter.ShouldBe("2019-Q2");
        Movement(june).Revisions.ShouldBe(0);
    }
}
