using PlanLedger.Actions;
using PlanLedger.Framework;
using PlanLedger.Ledger;
using PlanLedger.National;
using PlanLedger.Security;
using PlanLedger.SelfAssessments;
using Microsoft.Extensions.DependencyInjection;

namespace PlanLedger.Tests.National;

/// <summary>Every national figure equals what the partnerships' own views say, now and at a past date.</summary>
public sealed class NationalFiguresTests(LedgerHost host) : LedgerTest(host)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(NationalScenarios.Today.UtcDateTime);
    private MsgFramework Framework => Host.Services.GetRequiredService<MsgFramework>();
    private HttpClient National => Host.ClientFor(Roles.National);

    private async Task<Dictionary<string, List<SelfAssessment>>> OwnRatingsNow()
    {
        var own = new Dictionary<string, List<SelfAssessment>>();
        foreach (var partnership in NationalScenarios.Partnerships) own[partnership] = await Host.OwnRatings(partnership);
        return own;
    }

    /// <summary>The matrix and counts the partnerships' own ratings imply.</summary>
    private void ShouldMatch(MsgRatingsView view, Dictionary<string, List<SelfAssessment>> own)
    {
        view.Partnerships.Select(p => p.Partnership).ShouldBe(NationalScenarios.Partnerships.Order());
        foreach (var row in view.Partnerships)
        {
            row.Ratings.Select(c => c.Proposal).ShouldBe(Framework.LocallyRated.Select(p => p.Number));
            foreach (var cell in row.Ratings)
                cell.Rating.ShouldBe(own[row.Partnership].SingleOrDefault(a => a.Proposal == cell.Proposal)?.Rating,
                    $"{row.Partnership} {cell.Proposal}");
        }
        foreach (var counts in view.ByProposal)
        {
            var ratings = NationalScenarios.Partnerships.Select(p => own[p].SingleOrDefault(a => a.Proposal == counts.Proposal)?.Rating);
            counts.Counts.ShouldBe(RatingCounts.Of(ratings), counts.Proposal);
        }
        foreach (var feature in view.ByKeyFeature)
        {
            var proposals = Framework.LocallyRated.Where(p => p.KeyFeature == feature.KeyFeature).Select(p => p.Number).ToList();
            var ratings = NationalScenarios.Partnerships.SelectMany(p => proposals.Select(n => own[p].SingleOrDefault(a => a.Proposal == n)?.Rating));
            feature.Counts.ShouldBe(RatingCounts.Of(ratings), $"key feature {feature.KeyFeature}");
        }
    }

    [Fact]
    public async Task the_msg_ratings_matrix_equals_every_partnerships_own_current_ratings()
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();

        var view = await National.Read<MsgRatingsView>("/national/msg-ratings");

        view.AsOf.ShouldBeNull();
        ShouldMatch(view, await OwnRatingsNow());
        view.ByProposal.Single(p => p.Proposal == "2.3").Counts.ShouldBe(new RatingCounts(NotYetEstablished: 2, 0, 0, 0, NotRated: 2));
        view.ByProposal.Single(p => p.Proposal == "1.1").Counts.ShouldBe(new RatingCounts(0, 0, Established: 2, Exemplary: 1, NotRated: 1));
        view.ByKeyFeature.Select(k => k.KeyFeature).ShouldBe([1, 2, 3, 4, 5, 6]);
        view.ByKeyFeature.Single(k => k.KeyFeature == 3).Counts.NotRated.ShouldBe(3 * 4, "key feature 3 has three proposals rated locally (3.2 and 3.3 are not)");
    }

    [Fact]
    public async Task the_msg_ratings_matrix_as_at_a_past_date_equals_what_the_partnerships_said_then()
    {
        var endOfJune2019 = await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();

        var view = await National.Read<MsgRatingsView>("/national/msg-ratings?effectiveOn=2019-06-30");

        view.EffectiveOn.ShouldBe(new DateOnly(2019, 6, 30));
        view.AsOf.ShouldBeNull();
        ShouldMatch(view, endOfJune2019);
        view.ByProposal.Single(p => p.Proposal == "2.3").Counts.ShouldBe(new RatingCounts(NotYetEstablished: 1, 0, Established: 1, 0, NotRated: 2));
        view.Partnerships.Single(p => p.Partnership == "orkney").Ratings.Single(c => c.Proposal == "5.1")
            .ShouldBe(new RatingCell("5.1", Rating.Established, new DateOnly(2019, 4, 30), "Unchanged"));
    }

    [Fact]
    public async Task a_backdated_revision_counts_from_its_effective_date_not_from_when_it_was_recorded()
    {
        await Host.OnboardAsync("orkney");
        var orkney = Host.ClientFor(Roles.PartnerWriter, "orkney");
        await orkney.Rate("orkney", "2.3", "Established", "2019-05-31");
        await orkney.Revise("orkney", "2.3", "NotYetEstablished", "Should be at 'not yet established'", "2019-06-15");
        await Host.NationalViewsCaughtUpAsync();

        Rating? RatingIn(MsgRatingsView view) => view.Partnerships.Single().Ratings.Single(c => c.Proposal == "2.3").Rating;
        RatingIn(await National.Read<MsgRatingsView>("/national/msg-ratings?effectiveOn=2019-05-30")).ShouldBeNull();
        RatingIn(await National.Read<MsgRatingsView>("/national/msg-ratings?effectiveOn=2019-06-14")).ShouldBe(Rating.Established);
        RatingIn(await National.Read<MsgRatingsView>("/national/msg-ratings?effectiveOn=2019-06-15")).ShouldBe(Rating.NotYetEstablished);
    }

    [Fact]
    public async Task rating_movement_gives_each_partnerships_first_current_and_revised_ratings_as_its_own_view_does()
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();

        var view = await National.Read<RatingMovementView>("/national/rating-movement");

        var own = await OwnRatingsNow();
        view.Partnerships.Select(p => p.Partnership).ShouldBe(NationalScenarios.Partnerships.Order());
        foreach (var partnership in view.Partnerships)
        {
            partnership.Proposals.Select(m => m.Proposal).ShouldBe(own[partnership.Partnership].Select(a => a.Proposal));
            foreach (var movement in partnership.Proposals)
            {
                var assessment = own[partnership.Partnership].Single(a => a.Proposal == movement.Proposal);
                (movement.FirstRating, movement.FirstRatedOn, movement.CurrentRating, movement.EffectiveOn, movement.Revisions)
                    .ShouldBe((assessment.FirstRating, assessment.FirstRatedOn, assessment.Rating, assessment.EffectiveOn, assessment.Revisions));
                movement.RevisionHistory.Count.ShouldBe(assessment.Revisions);
            }
        }
        view.Partnerships.Single(p => p.Partnership == "shetland").Proposals.ShouldBeEmpty();

        var revision = view.Partnerships.Single(p => p.Partnership == "orkney").Proposals.Single(m => m.Proposal == "2.3").RevisionHistory.Single();
        (revision.From, revision.To, revision.Direction, revision.EffectiveOn, revision.Reason)
            .ShouldBe((Rating.Established, Rating.NotYetEstablished, RevisionDirection.Down, new DateOnly(2019, 12, 13), "We now consider this to be an over estimation"));
        revision.RecordedAt.ShouldBe(new DateTimeOffset(2019, 12, 16, 9, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task the_quarterly_distribution_equals_the_matrix_as_at_each_quarter_end()
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();

        var view = await National.Read<RatingMovementView>("/national/rating-movement");

        view.Quarters.Select(q => q.Quarter).ShouldBe(["2019-Q2", "2019-Q3", "2019-Q4", "2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4", "2021-Q1"]);
        foreach (var quarter in view.Quarters.Where(q => q.Quarter is "2019-Q2" or "2019-Q4" or "2021-Q1"))
        {
            var matrix = await National.Read<MsgRatingsView>($"/national/msg-ratings?effectiveOn={quarter.EndsOn:yyyy-MM-dd}");
            quarter.ByProposal.Select(p => (p.Proposal, p.Counts)).ShouldBe(matrix.ByProposal.Select(p => (p.Proposal, p.Counts)));
            quarter.Overall.ShouldBe(RatingCounts.Of(matrix.Partnerships.SelectMany(p => p.Ratings).Select(c => c.Rating)));
        }
        view.Quarters[0].Overall.ShouldBe(new RatingCounts(NotYetEstablished: 1, PartlyEstablished: 2, Established: 3, Exemplary: 0, NotRated: 4 * 22 - 6));
    }

    [Fact]
    public async Task the_delivery_overview_equals_what_each_partnerships_own_actions_say()
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();

        var view = await National.Read<DeliveryView>("/national/delivery");

        var own = new List<(string Partnership, ActionRecord Action)>();
        foreach (var (partnership, plan, action) in NationalScenarios.Actions) own.Add((partnership, await Host.OwnAction(partnership, plan, action)));
        view.Today.ShouldBe(Today);
        view.Partnerships.Select(p => p.Partnership).ShouldBe(NationalScenarios.Partnerships.Order());
        foreach (var row in view.Partnerships)
            row.Figures.ShouldBe(DeliveryFigures.Of(own.Where(o => o.Partnership == row.Partnership).Select(o => o.Action).ToList(), Today), row.Partnership);

        Figures("orkney").ShouldBe(new DeliveryFigures(Actions: 4, Red: 1, Amber: 1, Green: 0, Blue: 1, NoStatus: 1, Open: 3, Completed: 1, Withdrawn: 0,
            Superseded: 0, Overdue: 1, Slipped: 1, Slips: 2, DaysSlipped: 183 + 182, Delayed: 1, CompletedByOriginalTarget: 1));
        // Action 3 was Amber when withdrawn: counted as withdrawn, under no status (as a plan summary counts it).
        Figures("angus").ShouldBe(new DeliveryFigures(Actions: 3, Red: 0, Amber: 1, Green: 1, Blue: 0, NoStatus: 0, Open: 2, Completed: 0, Withdrawn: 1,
            Superseded: 0, Overdue: 1, Slipped: 1, Slips: 1, DaysSlipped: 184, Delayed: 1, CompletedByOriginalTarget: 0));
        Figures("dundee").ShouldBe(new DeliveryFigures(Actions: 1, Red: 0, Amber: 0, Green: 0, Blue: 1, NoStatus: 0, Open: 0, Completed: 1, Withdrawn: 0,
            Superseded: 0, Overdue: 0, Slipped: 0, Slips: 0, DaysSlipped: 0, Delayed: 0, CompletedByOriginalTarget: 1));
        Figures("shetland").ShouldBe(DeliveryFigures.Of([], Today));
        DeliveryFigures Figures(string partnership) => view.Partnerships.Single(p => p.Partnership == partnership).Figures;
    }

    [Fact]
    public async Task the_delivery_overview_per_msg_proposal_adds_up_the_actions_under_headings_about_it()
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();

        var view = await National.Read<DeliveryView>("/national/delivery");

        view.Proposals.Select(p => p.Proposal).ShouldBe(Framework.Proposals.Select(p => p.Number));
        var own23 = new List<ActionRecord>();
        foreach (var (partnership, plan, action) in NationalScenarios.Actions.Where(a => a.Action.StartsWith("2.3") || a.Partnership == "angus"))
            own23.Add(await Host.OwnAction(partnership, plan, action));
        var proposal23 = view.Proposals.Single(p => p.Proposal == "2.3");
        (proposal23.KeyFeature, proposal23.Partnerships).ShouldBe((2, 2));
        proposal23.Figures.ShouldBe(DeliveryFigures.Of(own23, Today));
        view.Proposals.Single(p => p.Proposal == "1.1").Figures.Actions.ShouldBe(1);
        view.Proposals.Single(p => p.Proposal == "6.1").Figures.Completed.ShouldBe(1);
        view.Proposals.Sum(p => p.Figures.Actions).ShouldBe(NationalScenarios.Actions.Length - 1, "L1 sits under a local heading, about no proposal");
    }

    [Fact]
    public async Task the_slippage_list_gives_each_slipped_action_as_its_partnership_sees_it_most_days_first()
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();

        var view = await National.Read<SlippageView>("/national/slippage");

        view.Actions.Select(a => (a.Partnership, a.Action)).ShouldBe([("orkney", "2.3(a)"), ("angus", "1")]);
        foreach (var slipped in view.Actions)
        {
            var own = await Host.OwnAction(slipped.Partnership, slipped.Plan, slipped.Action);
            (slipped.Slips, slipped.DaysSlipped, slipped.Timescale, slipped.OriginalTimescale, slipped.Status, slipped.Closure)
                .ShouldBe((own.Slips, own.DaysSlipped, own.Timescale, own.OriginalTimescale, own.Status, own.Closure));
            slipped.SlipHistory.Sum(s => s.DaysSlipped).ShouldBe(own.DaysSlipped);
        }
        var orkney = view.Actions[0];
        (orkney.Proposal, orkney.KeyFeature).ShouldBe(("2.3", 2));
        orkney.SlipHistory.Select(s => (s.EffectiveOn, s.To.Text, s.Reason)).ShouldBe(
            [(new DateOnly(2020, 3, 31), "30 September 2020", "Delayed due to COVID 19"), (new DateOnly(2020, 9, 30), "31 March 2021", "Remobilisation")]);
    }

    [Theory]
    [InlineData("minDays=200", "orkney/2.3(a)")]
    [InlineData("minDays=365", "orkney/2.3(a)")]
    [InlineData("minDays=366", "")]
    [InlineData("partnership=angus", "angus/1")]
    [InlineData("proposal=2.3", "orkney/2.3(a) angus/1")]
    [InlineData("proposal=1.1", "")]
    [InlineData("keyFeature=2", "orkney/2.3(a) angus/1")]
    [InlineData("keyFeature=1", "")]
    [InlineData("leadRole=head%20of", "angus/1")]
    [InlineData("leadRole=CHIEF%20OFFICER&minDays=1", "orkney/2.3(a)")]
    public async Task the_slippage_list_filters_by_days_partnership_proposal_key_feature_and_lead_role(string query, string expected)
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();

        var view = await National.Read<SlippageView>($"/national/slippage?{query}");

        string.Join(' ', view.Actions.Select(a => $"{a.Partnership}/{a.Action}")).ShouldBe(expected);
    }

    [Fact]
    public async Task the_slippage_list_is_paged_as_json_and_whole_as_csv()
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();

        var first = await National.Read<SlippageView>("/national/slippage?pageSize=1");
        var second = await National.Read<SlippageView>("/national/slippage?pageSize=1&page=2");
        var beyond = await National.Read<SlippageView>("/national/slippage?pageSize=1&page=3");

        (first.TotalActions, first.TotalPages, first.Page).ShouldBe((2, 2, 1));
        first.Actions.Select(a => a.Partnership).ShouldBe(["orkney"]);
        second.Actions.Select(a => a.Partnership).ShouldBe(["angus"]);
        (beyond.TotalActions, beyond.Actions.Count).ShouldBe((2, 0));
        var csv = await National.GetStringAsync("/national/slippage?format=csv&pageSize=1");
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(3);
    }

    [Fact]
    public async Task every_onboarded_partnership_is_listed_before_any_partnership_records_anything()
    {
        await Host.OnboardAsync("orkney", "angus");

        var ratings = await National.Read<MsgRatingsView>("/national/msg-ratings");
        var movement = await National.Read<RatingMovementView>("/national/rating-movement");
        var delivery = await National.Read<DeliveryView>("/national/delivery");

        ratings.Partnerships.Select(p => (p.Partnership, p.Ratings.Count(c => c.Rating is null))).ShouldBe([("angus", 22), ("orkney", 22)]);
        movement.Partnerships.Select(p => (p.Partnership, p.Proposals.Count)).ShouldBe([("angus", 0), ("orkney", 0)]);
        movement.Quarters.ShouldBeEmpty();
        delivery.Partnerships.Select(p => (p.Partnership, p.Figures.Actions)).ShouldBe([("angus", 0), ("orkney", 0)]);
        (await National.Read<SlippageView>("/national/slippage")).Actions.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_delay_with_no_new_date_is_listed_in_slippage_and_counted_as_delayed()
    {
        var writer = await Host.PlanWithActionAsync("perth-kinross", "joint-inspection-improvement-plan", "6.1");
        await writer.Post("/partnerships/perth-kinross/plans/joint-inspection-improvement-plan/actions/6.1/delays",
            new { reason = "The development of the Market Facilitation Plan has been delayed due to COVID 19.", effectiveOn = "2020-11-30" });
        await Host.NationalViewsCaughtUpAsync();

        var view = await National.Read<SlippageView>("/national/slippage");
        var delayed = view.Actions.ShouldHaveSingleItem();
        (delayed.Partnership, delayed.Action, delayed.Slips, delayed.DaysSlipped).ShouldBe(("perth-kinross", "6.1", 0, 0));
        delayed.Delays.ShouldBe([new Delay(new DateOnly(2020, 11, 30), "The development of the Market Facilitation Plan has been delayed due to COVID 19.", null, null)]);
        (await National.Read<SlippageView>("/national/slippage?minDays=1")).Actions.ShouldBeEmpty("an undated delay has slipped no days");
        var csv = await National.GetStringAsync("/national/slippage?format=csv");
        csv.ShouldContain(",0,0,,1,1,The development of the Market Facilitation Plan has been delayed due to COVID 19.\r\n");

        var figures = (await National.Read<DeliveryView>("/national/delivery")).Partnerships.Single(p => p.Partnership == "perth-kinross").Figures;
        (figures.Slipped, figures.Delayed).ShouldBe((0, 1));
    }
}
