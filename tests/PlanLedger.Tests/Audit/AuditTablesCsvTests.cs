using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PlanLedger.Returns;
using PlanLedger.Security;
using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Audit;

/// <summary>
/// The overview's plans, a plan's summary by heading and the two histories as CSV: the JSON answer's rows for the same
/// asOf/effectiveOn, every history entry whatever the page, the one 400 for a bad format, formula cells neutralised.
/// </summary>
public sealed class AuditTablesCsvTests(LedgerHost host) : LedgerTest(host)
{
    private const string Overview = $"/partnerships/{Partnership}/overview";
    private const string Summary = $"/partnerships/{Partnership}/plans/{Plan}/summary";
    private const string RatingHistory = $"/partnerships/{Partnership}/self-assessments/2.3/history";
    private static string ActionHistory => $"{ActionUrl}/history";

    private static readonly string[] Points = ["", "effectiveOn=2020-07-01", $"asOf={Uri.EscapeDataString("2020-04-01T00:00:00Z")}",
        $"asOf={Uri.EscapeDataString("2021-01-01T00:00:00Z")}&effectiveOn=2020-12-31"];

    private async Task<HttpClient> StoryAsync()
    {
        var writer = await ScriptAsync(Host);
        Host.Clock.Set(At("2021-05-01T09:00:00Z"));
        await writer.Post($"/partnerships/{Partnership}/self-assessments/2.3", new { rating = "Established", evidence = "Budgets are set aside", assessedBy = "IJB", effectiveOn = "2020-01-31" });
        await writer.Post($"/partnerships/{Partnership}/self-assessments/2.3/revisions", new { rating = "PartlyEstablished", reason = "An over estimation", effectiveOn = "2021-04-30" });
        return Host.ClientFor(Roles.Auditor, Partnership);
    }

    private static async Task<List<IReadOnlyList<string>>> CsvAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var reader = new CsvReader(new StringReader(await response.Content.ReadAsStringAsync()));
        var records = new List<IReadOnlyList<string>>();
        while (reader.Next() is { } record) records.Add(record.Select(CsvReader.Unguard).ToList());
        return records;
    }

    /// <summary>A JSON value as the CSV writes it.</summary>
    private static string Cell(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "",
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        _ => value.ToJsonString()
    };

    /// <summary>
    /// Each CSV record against the JSON item in the same place: every column but <paramref name="skip"/> is the item's
    /// property of that name (<paramref name="key"/> names the first), or its counts' or counts-by-status'.
    /// </summary>
    private static void RowsMatch(List<IReadOnlyList<string>> csv, JsonArray items, string key, string path, params string[] skip)
    {
        var columns = csv[0];
        csv.Count.ShouldBe(items.Count + 1, path);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i]!;
            for (var c = 0; c < columns.Count; c++)
            {
                if (skip.Contains(columns[c])) continue;
                var name = c == 0 ? key : columns[c];
                var value = item[name] ?? item["counts"]?[name] ?? item["counts"]?["byStatus"]?[name];
                var expected = columns[c] == "recordedAt"
                    ? DateTimeOffset.Parse(Cell(value), CultureInfo.InvariantCulture).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)
                    : Cell(value);
                csv[i + 1][c].ShouldBe(expected, $"{path} row {i + 1} {columns[c]}");
            }
        }
    }

    [Fact]
    public async Task the_overview_plans_and_the_summary_by_heading_are_the_json_rows_at_each_point_in_time()
    {
        var auditor = await StoryAsync();
        foreach (var point in Points)
        {
            var overview = $"{Overview}?{point}";
            RowsMatch(await CsvAsync(auditor, $"{overview}&format=csv"), (await auditor.GetJson(overview))["plans"]!.AsArray(), "plan", overview);
            var summary = $"{Summary}?{point}";
            RowsMatch(await CsvAsync(auditor, $"{summary}&format=csv"), (await auditor.GetJson(summary))["byHeading"]!.AsArray(), "reference", summary);
        }
        var slipped = await CsvAsync(auditor, $"{Summary}?effectiveOn=2020-07-01&format=csv");
        slipped[0].ShouldBe(["heading", "kind", "title", "proposal", "status", "actions", "red", "amber", "green", "blue", "notRated", "open", "overdue", "slipped",
            "delayed", "completed", "completedByOriginalTarget", "withdrawn", "superseded"]);
        slipped[1][slipped[0].ToList().IndexOf("slipped")].ShouldBe("1");
        (await CsvAsync(auditor, $"{Overview}?asOf={Uri.EscapeDataString("2019-06-30T00:00:00Z")}&format=csv")).Count.ShouldBe(1, "no plan was recorded yet");
    }

    [Fact]
    public async Task a_history_as_csv_is_every_entry_whatever_the_page_as_the_json_gives_them()
    {
        var auditor = await StoryAsync();
        foreach (var history in new[] { ActionHistory, RatingHistory })
        {
            var json = await auditor.GetJson($"{history}?pageSize=500");
            var csv = await CsvAsync(auditor, $"{history}?format=csv&page=2&pageSize=1");
            csv[0].ShouldBe(["version", "what", "eventType", "effectiveOn", "recordedAt", "recordedBy", "sourceSystem", "correlationId", "reason", "direction",
                "backdated", "changes", "note"]);
            RowsMatch(csv, json["entries"]!.AsArray(), "version", history, "changes");
            csv.Count.ShouldBe(1 + (int)json["totalEntries"]!);
        }
        var action = await CsvAsync(auditor, $"{ActionHistory}?format=csv");
        action.ShouldContain(r => r[7] == Correlation && r[11].Contains("\"Green\""));
        var response = await auditor.GetAsync($"{RatingHistory}?format=csv");
        response.Content.Headers.ContentDisposition!.ToString().ShouldContain("rating-2.3-history-entries.csv");
    }

    [Theory]
    [InlineData(Overview + "?format=xml")]
    [InlineData(Summary + "?format=docx&effectiveOn=2020-07-01")]
    [InlineData(RatingHistory + "?format=html")]
    [InlineData($"/partnerships/{Partnership}/plans/{Plan}/actions/{ActionRef}/history?format=XLSX")]
    public async Task a_bad_format_is_the_one_400_problem_naming_it(string path)
    {
        await Host.OnboardAsync(Partnership);
        var problem = await (await Host.ClientFor(Roles.Auditor, Partnership).GetAsync(path)).Problem(400);
        problem["parameter"].Text().ShouldBe("format");
        problem["title"].Text().ShouldBe("Invalid query string value");
    }

    [Fact]
    public async Task formula_cells_in_the_four_tables_are_neutralised()
    {
        await Host.OnboardAsync("orkney");
        var writer = Host.ClientFor(Roles.PartnerWriter, "orkney");
        await writer.Post("/partnerships/orkney/plans", new { reference = "p", kind = "MsgImprovementActionPlan", title = "@SUM(A1)", effectiveOn = "2019-07-01" });
        await writer.Post("/partnerships/orkney/plans/p/headings", new { reference = "h", kind = "StrategicPriority", title = "+1", effectiveOn = "2019-07-01" });
        await writer.Post("/partnerships/orkney/plans/p/actions", new { reference = "1", heading = "h", description = "d", status = "Amber", effectiveOn = "2019-07-01" });
        await writer.Post("/partnerships/orkney/plans/p/actions/1/status", new { status = "Red", reason = "-2+3+cmd|' /C calc'!A0" });
        await writer.Post("/partnerships/orkney/self-assessments/2.3", new { rating = "Established", evidence = "e", assessedBy = "IJB" });
        await writer.Post("/partnerships/orkney/self-assessments/2.3/revisions", new { rating = "PartlyEstablished", reason = "＝1+1" });

        var auditor = Host.ClientFor(Roles.Auditor, "orkney");
        async Task<string> Text(string path) => await (await auditor.GetAsync(path)).Content.ReadAsStringAsync();
        (await Text("/partnerships/orkney/overview?format=csv")).ShouldContain("\r\np,'@SUM(A1),");
        (await Text("/partnerships/orkney/plans/p/summary?format=csv")).ShouldContain("\r\nh,StrategicPriority,'+1,");
        (await Text("/partnerships/orkney/plans/p/actions/1/history?format=csv")).ShouldContain(",'-2+3+cmd|' /C calc'!A0,");
        (await Text("/partnerships/orkney/self-assessments/2.3/history?format=csv")).ShouldContain(",'＝1+1,");
    }
}
