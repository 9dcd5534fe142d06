using PlanLedger.Security;
using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Audit;

public sealed class RatingHistoryTests(LedgerHost host) : LedgerTest(host)
{
    [Fact]
    public async Task a_ratings_history_shows_the_first_rating_then_each_revision_with_its_reason_and_direction()
    {
        Host.Clock.Set(At("2019-05-15T09:00:00Z"));
        await Host.OnboardAsync("orkney");
        var writer = Host.ClientFor(Roles.PartnerWriter, "orkney");
        await writer.Post("/partnerships/orkney/self-assessments/2.3", new { rating = "Established", evidence = "Budgets are set aside", assessedBy = "IJB" });
        Host.Clock.Set(At("2019-12-11T10:00:00Z"));
        await writer.Post("/partnerships/orkney/self-assessments/2.3/revisions", new { rating = "NotYetEstablished", reason = "We now consider this to be an over estimation", effectiveOn = "2019-12-11" });
        Host.Clock.Set(At("2020-06-01T10:00:00Z"));
        await writer.Post("/partnerships/orkney/self-assessments/2.3/revisions", new { rating = "PartlyEstablished", reason = "Set-aside arrangements agreed" });

        var history = await Host.ClientFor(Roles.Auditor, "orkney").GetJson("/partnerships/orkney/self-assessments/2.3/history");

        var entries = history["entries"]!.AsArray();
        entries.Select(e => e!["what"].Text()).ShouldBe([
            "First rated Established",
            "Rating revised down from Established to Not yet established",
            "Rating revised up from Not yet established to Partly established"
        ]);
        entries.Select(e => e!["direction"]?.GetValue<string>()).ShouldBe([null, "Down", "Up"]);
        entries[1]!["reason"].Text().ShouldBe("We now consider this to be an over estimation");
        entries[1]!["effectiveOn"].Text().ShouldBe("2019-12-11");
        var rating = entries[1]!["changes"]!.AsArray().Single(c => c!["field"].Text() == "rating")!;
        rating["before"].Text().ShouldBe("Established");
        rating["after"].Text().ShouldBe("NotYetEstablished");
        entries[2]!["changes"]!.AsArray().Single(c => c!["field"].Text() == "revisions")!["after"].Int().ShouldBe(2);
    }

    [Fact]
    public async Task the_history_of_an_unrated_proposal_is_not_found()
    {
        await Host.OnboardAsync("orkney");
        await (await Host.ClientFor(Roles.Auditor, "orkney").GetAsync("/partnerships/orkney/self-assessments/1.1/history")).Problem(404);
    }
}
