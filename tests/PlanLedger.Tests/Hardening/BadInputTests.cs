using System.Net;
using System.Text.Json.Nodes;
using PlanLedger.Infrastructure;
using PlanLedger.Security;

namespace PlanLedger.Tests.Hardening;

/// <summary>Input that used to answer 500 or be misread: each refused with a 400 naming the field, and nothing appended.</summary>
public sealed class BadInputTests(LedgerHost host) : LedgerTest(host)
{
    private const string Plan = "/partnerships/orkney/plans/msg-plan";
    private const string Action = Plan + "/actions/1.1";

    private async Task<JsonNode> Refused(HttpClient client, string path, string body, string field)
    {
        var before = await Host.EventCountAsync();
        var response = await client.Send(HttpMethod.Post, path, body);
        var problem = await response.Problem(400);
        problem["errors"].ShouldNotBeNull(problem.ToJsonString());
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldContain(field, problem.ToJsonString());
        (await Host.EventCountAsync()).ShouldBe(before);
        return problem;
    }

    public static TheoryData<string, string, string> ControlCharacters => new()
    {
        { "/status", """{"status":"Red","reason":"stalled\u0000"}""", "reason" },
        { "/status", """{"status":"Red","reason":"bell\u0007"}""", "reason" },
        { "/status", """{"status":"Red","reason":"half \ud800 a pair"}""", "reason" },
        { "/progress-updates", """{"period":"May 2020","narrative":"ok\u0000","status":"Green"}""", "narrative" },
        { "/leads", """{"leads":[{"name":"A\u0000B"}]}""", "leads[0].name" },
        { "/timescale", """{"timescale":{"text":"March\u00002021"},"reason":"x"}""", "timescale.text" },
    };

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task a_control_character_in_any_text_field_is_refused_naming_the_field(string path, string body, string field)
    {
        var writer = await Host.PlanWithActionAsync();
        await Refused(writer, Action + path, body, field);
    }

    [Fact]
    // (Kestrel itself refuses a NUL in the path with 400.)
    public async Task a_control_character_in_the_path_or_query_is_refused_naming_the_parameter()
    {
        var writer = await Host.PlanWithActionAsync();
        foreach (var (path, parameter) in new[] { ($"{Plan}/actions?lead=a%00b", "lead"), ("/partnerships/ork%07ney/plans", "partnershipId"), ($"{Plan}/actions/1%1B.1", "action") })
        {
            var problem = await (await writer.GetAsync(path)).Problem(400);
            problem["parameter"]!.GetValue<string>().ShouldBe(parameter, path);
        }
    }

    [Theory]
    [InlineData("/status", """{"status":"Amber,Green","reason":"x"}""", "status")]
    [InlineData("/status", """{"status":"Red, Amber","reason":"x"}""", "status")]
    [InlineData("/status", """{"status":" Red","reason":"x"}""", "status")]
    [InlineData("/status", """{"status":"red","reason":"x"}""", "status")]
    [InlineData("/status", """{"status":"2","reason":"x"}""", "status")]
    [InlineData("/status", """{"status":"Red","status":"Green","reason":"x"}""", "status")]
    [InlineData("/progress-updates", """{"period":"May","narrative":"n","narrative":"m"}""", "narrative")]
    public async Task enum_lists_spaces_numbers_and_duplicate_keys_are_refused(string path, string body, string field)
    {
        var writer = await Host.PlanWithActionAsync();
        await Refused(writer, Action + path, body, field);
    }

    [Theory]
    [InlineData("""{"rating":"Established, Exemplary"}""")]
    [InlineData("""{"rating":"Exemplary,Established"}""")]
    public async Task a_rating_is_exactly_one_documented_name(string body)
    {
        var writer = await Host.PlanWithActionAsync();
        await Refused(writer, "/partnerships/orkney/self-assessments/2.6", body, "rating");
    }

    [Fact]
    public async Task a_plan_kind_is_exactly_one_documented_name()
    {
        await Host.OnboardAsync("orkney");
        using var writer = Host.ClientFor(Roles.PartnerWriter, "orkney");
        await Refused(writer, "/partnerships/orkney/plans",
            """{"reference":"p2","kind":"MsgSelfEvaluation,InspectionImprovementPlan","title":"t"}""", "kind");
    }

    [Theory]
    [InlineData("status=Amber,Green")]
    [InlineData("status=%20Red")]
    [InlineData("status=1")]
    [InlineData("status=red")]
    public async Task an_enum_in_the_query_string_is_exactly_one_documented_name(string query)
    {
        var writer = await Host.PlanWithActionAsync();
        var problem = await (await writer.GetAsync($"{Plan}/actions?{query}")).Problem(400);
        problem["parameter"]!.GetValue<string>().ShouldBe("status");
        (await writer.GetJson($"{Plan}/actions?status=Amber")).AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task effective_today_is_the_partnerships_date_in_uk_time_and_tomorrow_is_refused()
    {
        var writer = await Host.PlanWithActionAsync();
        // 23:30 UTC on 15 June is 00:30 on 16 June in Orkney (BST).
        Host.Clock.Set(new DateTimeOffset(2026, 6, 15, 23, 30, 0, TimeSpan.Zero));
        await writer.Post($"{Action}/status", new { status = "Red", reason = "x", effectiveOn = "2026-06-16" });
        await Refused(writer, Action + "/status", """{"status":"Green","reason":"x","effectiveOn":"2026-06-17"}""", "effectiveOn");
        // In winter UK time is UTC: tomorrow in UTC is tomorrow there too.
        Host.Clock.Set(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
        await Refused(writer, Action + "/status", """{"status":"Green","reason":"x","effectiveOn":"2026-01-16"}""", "effectiveOn");
        await writer.Post($"{Action}/status", new { status = "Green", reason = "x", effectiveOn = "2026-01-15" });
    }
}
