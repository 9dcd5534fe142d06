using System.Net;
using System.Text.Json.Nodes;
using PlanLedger.National;
using PlanLedger.Security;

namespace PlanLedger.Tests.National;

/// <summary>Only national leadership reads the national views; bad query input is a 400 naming the parameter, never a 500.</summary>
public sealed class NationalAccessTests(LedgerHost host) : LedgerTest(host)
{
    public static TheoryData<string, string> PartnershipCredentialsOnEveryView()
    {
        var data = new TheoryData<string, string>();
        foreach (var view in NationalScenarios.Views)
        foreach (var role in new[] { Roles.PartnerWriter, Roles.PartnerReader })
            data.Add(role, view);
        return data;
    }

    [Theory]
    [MemberData(nameof(PartnershipCredentialsOnEveryView))]
    public async Task a_partnership_credential_is_refused_every_national_view(string role, string view)
    {
        await Host.OnboardAsync("orkney");

        var response = await Host.ClientFor(role, "orkney").GetAsync(view);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task an_auditor_of_every_partnership_and_an_anonymous_caller_are_refused_too()
    {
        foreach (var view in NationalScenarios.Views)
        {
            (await Host.ClientFor(Roles.Auditor, Claims.AllPartnerships).GetAsync(view)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, view);
            (await Host.Client.GetAsync(view)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, view);
        }
    }

    [Theory]
    [InlineData("/national/slippage?minDays=-1", "minDays")]
    [InlineData("/national/slippage?minDays=abc", "minDays")]
    [InlineData("/national/msg-ratings?asOf=notadate", "asOf")]
    [InlineData("/national/msg-ratings?effectiveOn=2019-02-30", "effectiveOn")]
    [InlineData("/national/delivery?effectiveOn=31/12/2020", "effectiveOn")]
    [InlineData("/national/slippage?asOf=yesterday", "asOf")]
    [InlineData("/national/rating-movement?asOf=soon", "asOf")]
    [InlineData("/national/msg-ratings?asOf=30/06/2019", "asOf")]
    [InlineData("/national/msg-ratings?format=xml", "format")]
    [InlineData("/national/rating-movement?format=xml", "format")]
    [InlineData("/national/delivery?format=xml", "format")]
    [InlineData("/national/slippage?format=xml", "format")]
    [InlineData("/national/delivery?format=csv&table=actions", "table")]
    [InlineData("/national/slippage?keyFeature=7", "keyFeature")]
    [InlineData("/national/slippage?keyFeature=two", "keyFeature")]
    [InlineData("/national/slippage?proposal=9.9", "proposal")]
    [InlineData("/national/slippage?partnership=atlantis", "partnership")]
    [InlineData("/national/slippage?page=0", "page")]
    [InlineData("/national/slippage?pageSize=501", "pageSize")]
    public async Task bad_query_input_answers_400_problem_details_naming_the_parameter(string path, string parameter)
    {
        var response = await Host.ClientFor(Roles.National).GetAsync(path);

        var problem = await response.Problem(400);
        Named(problem).ShouldContain(parameter);
    }

    [Fact]
    public async Task several_bad_parameters_are_all_named_in_one_answer()
    {
        var response = await Host.ClientFor(Roles.National).GetAsync("/national/slippage?minDays=-1&proposal=9.9&format=xml");

        var problem = await response.Problem(400);
        Named(problem).ShouldBe(["format", "minDays", "proposal"], ignoreOrder: true);
    }

    /// <summary>The parameters a problem names: ours in "errors", Wolverine's unparseable query values in "parameter".</summary>
    private static IReadOnlyList<string> Named(JsonNode problem) =>
        problem["errors"] is JsonObject errors ? errors.Select(e => e.Key).ToList()
        : problem["parameter"]?.GetValue<string>() is { } parameter ? [parameter]
        : [];

    [Fact]
    public async Task csv_gives_the_ratings_matrix_with_a_row_for_every_partnership_and_the_same_positions()
    {
        await Host.OnboardAsync("orkney", "angus");
        var orkney = Host.ClientFor(Roles.PartnerWriter, "orkney");
        await orkney.Rate("orkney", "2.3", "NotYetEstablished", "2019-05-31");
        await Host.NationalViewsCaughtUpAsync();

        var response = await Host.ClientFor(Roles.National).GetAsync("/national/msg-ratings?format=csv");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Headers.GetValues(ViewPosition.ProjectionHeader).Single().ShouldBe(response.Headers.GetValues(ViewPosition.LedgerHeader).Single());
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("partnership,name,1.1,1.2,1.3,2.1,2.2,2.3,2.4,2.5,2.6,3.1,3.4,3.5,4.1,4.2,4.3,4.4,4.5,5.1,5.2,6.1,6.2,6.3");
        lines[1].ShouldBe("angus,angus partnership" + new string(',', 22));
        lines[2].ShouldBe("orkney,orkney partnership,,,,,,NotYetEstablished" + new string(',', 16));
    }

    [Fact]
    public async Task csv_quotes_commas_and_quotes_and_defuses_spreadsheet_formulas_in_partner_text()
    {
        await Host.OnboardAsync("orkney");
        var orkney = Host.ClientFor(Roles.PartnerWriter, "orkney");
        await orkney.Plan("orkney", "msg-plan", "2.3");
        await orkney.Action("orkney", "msg-plan", "1", "2.3", "Amber", "31 March 2020", leadRole: "Chief Officer",
            description: "=HYPERLINK(\"http://example.test\"), then \"review\"");
        await orkney.Slip("orkney", "msg-plan", "1", "30 September 2020", "Delayed, due to COVID 19", "2020-03-31");
        await Host.NationalViewsCaughtUpAsync();

        var csv = await Host.ClientFor(Roles.National).GetStringAsync("/national/slippage?format=csv");

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2);
        lines[1].ShouldBe("orkney,msg-plan,1,2.3,2.3,2,\"'=HYPERLINK(\"\"http://example.test\"\"), then \"\"review\"\"\",\"Named lead, Chief Officer\","
                          + "Amber,Open,31 March 2020,2020-03-31,30 September 2020,2020-09-30,1,183,\"Delayed, due to COVID 19\",0,0,");
    }
}
