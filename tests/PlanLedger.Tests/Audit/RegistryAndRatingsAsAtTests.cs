using System.Text.Json.Nodes;
using PlanLedger.Security;
using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Audit;

/// <summary>
/// The partnerships registry and a partnership's self-assessment list at a point in time: recorded by (asOf) and
/// effective by (effectiveOn), before and after a change, and as CSV.
/// </summary>
public sealed class RegistryAndRatingsAsAtTests(LedgerHost host) : LedgerTest(host)
{
    private static string Q(string time) => Uri.EscapeDataString(time);

    /// <summary>Orkney onboarded in 2019 and rated 2.3 Established; Angus onboarded (backdated) and 2.3 revised down in December 2019.</summary>
    private async Task StoryAsync()
    {
        using var admin = Host.ClientFor(Roles.Admin);
        Host.Clock.Set(At("2019-05-01T09:00:00Z"));
        await admin.Post("/partnerships", new { code = "orkney", name = "Orkney", effectiveOn = "2019-04-01" });
        Host.Clock.Set(At("2019-05-15T09:00:00Z"));
        var writer = Host.ClientFor(Roles.PartnerWriter, "orkney");
        await writer.Post("/partnerships/orkney/self-assessments/2.3", new { rating = "Established", evidence = "Budgets are set aside", assessedBy = "IJB" });
        Host.Clock.Set(At("2019-12-11T10:00:00Z"));
        await admin.Post("/partnerships", new { code = "angus", name = "Angus", effectiveOn = "2019-06-01" });
        await writer.Post("/partnerships/orkney/self-assessments/2.3/revisions", new { rating = "NotYetEstablished", reason = "An over estimation", effectiveOn = "2019-11-30" });
    }

    private async Task<string[]> Registry(string query) =>
        (await Host.ClientFor(Roles.National).GetJson($"/partnerships?{query}")).AsArray().Select(p => p!["code"].Text()).ToArray();

    private async Task<JsonNode> Rating(string query) =>
        (await Host.ClientFor(Roles.Auditor, "orkney").GetJson($"/partnerships/orkney/self-assessments?{query}")).AsArray().Single()!;

    [Fact]
    public async Task the_registry_as_of_a_recorded_time_holds_only_the_partnerships_onboarded_by_then()
    {
        await StoryAsync();

        (await Registry($"asOf={Q("2019-04-30T00:00:00Z")}")).ShouldBeEmpty();
        (await Registry($"asOf={Q("2019-06-01T00:00:00Z")}")).ShouldBe(["orkney"]);
        (await Registry($"asOf={Q("2019-12-11T10:00:00Z")}")).ShouldBe(["angus", "orkney"]);
        (await Registry("")).ShouldBe(["angus", "orkney"]);
    }

    [Fact]
    public async Task the_registry_on_a_business_date_includes_an_onboarding_recorded_later_but_effective_before_it()
    {
        await StoryAsync();

        (await Registry("effectiveOn=2019-03-31")).ShouldBeEmpty();
        (await Registry("effectiveOn=2019-05-31")).ShouldBe(["orkney"]);
        var june = await Host.ClientFor(Roles.National).GetJson("/partnerships?effectiveOn=2019-06-01");
        june.AsArray().Select(p => p!["code"].Text()).ShouldBe(["angus", "orkney"]);
        june[0]!["onboardedOn"].Text().ShouldBe("2019-06-01");
        // Known by the end of June about 1 June: Angus was not yet recorded.
        (await Registry($"effectiveOn=2019-06-01&asOf={Q("2019-06-30T00:00:00Z")}")).ShouldBe(["orkney"]);
    }

    [Fact]
    public async Task the_self_assessment_list_shows_the_rating_in_force_by_recorded_time_and_by_business_date()
    {
        await StoryAsync();

        var before = await Rating($"asOf={Q("2019-12-01T00:00:00Z")}");
        before["rating"].Text().ShouldBe("Established");
        before["revisions"].Int().ShouldBe(0);
        var after = await Rating($"asOf={Q("2019-12-11T10:00:00Z")}");
        after["rating"].Text().ShouldBe("NotYetEstablished");
        after["firstRating"].Text().ShouldBe("Established");
        after["revisions"].Int().ShouldBe(1);

        (await Rating("effectiveOn=2019-11-29"))["rating"].Text().ShouldBe("Established");
        (await Rating("effectiveOn=2019-11-30"))["rating"].Text().ShouldBe("NotYetEstablished");
        // Known on 1 December about 30 November: the revision was not yet recorded.
        (await Rating($"effectiveOn=2019-11-30&asOf={Q("2019-12-01T00:00:00Z")}"))["rating"].Text().ShouldBe("Established");
        (await Host.ClientFor(Roles.Auditor, "orkney").GetJson("/partnerships/orkney/self-assessments?effectiveOn=2019-05-01")).AsArray().ShouldBeEmpty();

        var now = await Host.ClientFor(Roles.Auditor, "orkney").GetJson("/partnerships/orkney/self-assessments");
        (await Host.ClientFor(Roles.Auditor, "orkney").GetJson($"/partnerships/orkney/self-assessments?asOf={Q("2030-01-01T00:00:00Z")}"))
            .ToJsonString().ShouldBe(now.ToJsonString());
    }

    [Fact]
    public async Task both_lists_download_as_csv_at_a_point_in_time()
    {
        await StoryAsync();

        var registry = await Host.ClientFor(Roles.National).GetAsync("/partnerships?format=csv&effectiveOn=2019-05-31");
        registry.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        (await registry.Content.ReadAsStringAsync()).ShouldBe(
            "code,name,integrationAuthority,statutoryPartners,onboardedOn,database\r\norkney,Orkney,,,2019-04-01,\r\n");

        var ratings = await Host.ClientFor(Roles.Auditor, "orkney").GetAsync($"/partnerships/orkney/self-assessments?format=csv&asOf={Q("2019-12-01T00:00:00Z")}");
        ratings.Content.Headers.ContentDisposition!.ToString().ShouldContain("orkney-self-assessments-ratings.csv");
        var lines = (await ratings.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("proposal,rating,firstRating,firstRatedOn,revisions,");
        lines.Skip(1).ShouldHaveSingleItem().ShouldStartWith("2.3,Established,Established,2019-05-15,0,");
    }

    [Theory]
    [InlineData("/partnerships?asOf=yesterday", "asOf")]
    [InlineData("/partnerships?effectiveOn=2019-02-30", "effectiveOn")]
    [InlineData("/partnerships?format=xml", "format")]
    [InlineData("/partnerships/orkney/self-assessments?asOf=30/06/2019", "asOf")]
    [InlineData("/partnerships/orkney/self-assessments?effectiveOn=tomorrow", "effectiveOn")]
    [InlineData("/partnerships/orkney/self-assessments?format=docx", "format")]
    public async Task a_bad_point_in_time_or_format_is_the_one_400_problem_naming_the_parameter(string path, string parameter)
    {
        await Host.OnboardAsync("orkney");
        var problem = await (await Host.ClientFor(Roles.National).GetAsync(path)).Problem(400);
        problem["parameter"].Text().ShouldBe(parameter);
        problem["title"].Text().ShouldBe("Invalid query string value");
    }
}
