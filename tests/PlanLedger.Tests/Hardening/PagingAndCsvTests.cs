using System.Text.Json.Nodes;
using PlanLedger.Infrastructure;
using PlanLedger.Security;
using PlanLedger.Tests.National;

namespace PlanLedger.Tests.Hardening;

public sealed class PagingAndCsvTests(LedgerHost host) : LedgerTest(host)
{
    [Fact]
    public async Task a_page_past_the_last_is_empty_on_every_paged_endpoint()
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();
        using var national = Host.ClientFor(Roles.National);
        var paged = new (string Path, string Items, string Total)[]
        {
            ("/partnerships/orkney/plans/msg-plan/actions/2.3(a)/history?pageSize=2", "entries", "totalEntries"),
            ("/partnerships/orkney/self-assessments/2.3/history?pageSize=2", "entries", "totalEntries"),
            ("/national/slippage?pageSize=2", "actions", "totalActions")
        };
        foreach (var (path, items, total) in paged)
        {
            var first = await national.GetJson(path);
            first[items]!.AsArray().Count.ShouldBeGreaterThan(0, path);
            var pages = (int)first["totalPages"]!;
            foreach (var page in new[] { pages + 1, int.MaxValue / 2, int.MaxValue })
            {
                var beyond = await national.GetJson($"{path}&page={page}");
                beyond[items]!.AsArray().ShouldBeEmpty($"{path}&page={page}");
                ((int)beyond["page"]!).ShouldBe(page);
                ((int)beyond[total]!).ShouldBe((int)first[total]!);
            }
        }
    }

    public static readonly string[] FormulaPayloads =
    [
        "=1+1", "+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1+1", "\r=1+1", "\n=1+1", " =1+1", "  @SUM(A1)",
        "\u00a0=1+1", "\u3000+1", "＝1+1", "＋1", "－1", "＠SUM(A1)", " ＝HYPERLINK(\"http://example.com\")"
    ];

    private static string Unquoted(string cell) => cell.StartsWith('"') ? cell[1..^1].Replace("\"\"", "\"") : cell;

    [Fact]
    public void every_text_cell_a_spreadsheet_could_read_as_a_formula_is_prefixed_and_plain_text_and_numbers_are_not()
    {
        foreach (var payload in FormulaPayloads)
            Unquoted(Csv.Cell(payload)).ShouldBe("'" + payload, payload);
        foreach (var plain in new[] { "Plain text", "1-2", "a=b", "Head of Health" })
            Csv.Cell(plain).ShouldBe(plain);
        Csv.Cell(-3).ShouldBe("-3");
        Csv.Cell("a,b").ShouldBe("\"a,b\"");
    }

    [Fact]
    public async Task the_board_report_and_the_national_views_write_csv_through_the_one_neutralising_writer()
    {
        var writer = await Host.PlanWithActionAsync();
        await writer.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/progress-updates",
            new { period = "May 2020", narrative = "-2+3+cmd|' /C calc'!A0", nextSteps = "\u00a0=HYPERLINK(\"http://example.com\")" });
        var report = await (await writer.GetAsync("/partnerships/orkney/plans/msg-plan/board-report?format=csv")).Content.ReadAsStringAsync();
        report.ShouldContain(",'-2+3+cmd|' /C calc'!A0,");
        report.ShouldContain(",\"'\u00a0=HYPERLINK(\"\"http://example.com\"\")\",");

        using var admin = Host.ClientFor(Roles.Admin);
        await admin.Post("/partnerships", new { code = "shetland", name = "＝1+1" });
        using var national = Host.ClientFor(Roles.National);
        var delivery = await (await national.GetAsync("/national/delivery?format=csv")).Content.ReadAsStringAsync();
        delivery.ShouldContain("shetland,'＝1+1,");
    }
}
