using System.Net;
using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Audit;

public sealed class BoardReportTests(LedgerHost host) : LedgerTest(host)
{
    private static string Report => $"/partnerships/{Partnership}/plans/{Plan}/board-report";
    private const string NovemberBoard = "asOf=2020-11-30T16:00:00Z";

    [Fact]
    public async Task the_board_report_as_of_the_november_board_has_the_appendix_columns_as_they_stood_then()
    {
        await ScriptAsync(Host);
        var report = await Auditor(Host).GetJson($"{Report}?{NovemberBoard}");

        report["title"].Text().ShouldBe("Joint Inspection Improvement Plan");
        report["date"].Text().ShouldBe("2020-11-30");
        var row = report["rows"]!.AsArray().Single()!;
        row["priority"].Text().ShouldBe("2. The partnership should improve its strategic planning and commissioning processes");
        row["action"].Text().ShouldStartWith("1. Ensure effective programme");
        row["measureImpact"].Text().ShouldStartWith("Ability to prioritise key deliverables");
        row["responsibility"].Text().ShouldBe("Chief Finance Officer");
        row["updatePeriod"].Text().ShouldBe("November 2020");
        row["update"].Text().ShouldBe("The framework has been superseded by the Workforce Matching Unit.");
        row["nextSteps"].Text().ShouldBe("We are presenting an update to the IJB in December.");
        row["timescale"].Text().ShouldBe("31 March 2021");
        row["status"].Text().ShouldBe("GREEN");
    }

    [Fact]
    public async Task the_board_report_now_shows_the_latest_update_and_blue()
    {
        await ScriptAsync(Host);
        var row = (await Auditor(Host).GetJson(Report))["rows"]!.AsArray().Single()!;
        row["status"].Text().ShouldBe("BLUE");
        row["updatePeriod"].Text().ShouldBe("February 2021");
    }

    [Fact]
    public async Task the_board_report_as_csv_has_a_header_row_and_quotes_fields_that_need_it()
    {
        var writer = await ScriptAsync(Host);
        await writer.Post($"/partnerships/{Partnership}/plans/{Plan}/actions", new
        {
            reference = "2", heading = "2", description = "Agree the \"commissioning\" calendar, with partners",
            measures = "=HYPERLINK(\"http://example.org\")", status = "Red",
            leads = new[] { new { name = "Gordon Paterson", role = "Chief Officer", organisation = (string?)null } }
        });

        var response = await Auditor(Host).GetAsync($"{Report}?format=csv");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");

        lines[0].ShouldBe("Priority,Action,Measure / Impact,Responsibility,Update,Next Steps,Timescale,Status");
        lines[1].ShouldEndWith(",31 March 2021,BLUE");
        lines[2].ShouldBe("2. The partnership should improve its strategic planning and commissioning processes,"
                          + "\"2. Agree the \"\"commissioning\"\" calendar, with partners\","
                          + "\"'=HYPERLINK(\"\"http://example.org\"\")\","
                          + "\"Gordon Paterson, Chief Officer\",,,,RED");
        lines[3].ShouldBe("");
        lines.Length.ShouldBe(4);
    }

    [Fact]
    public async Task the_board_report_as_html_is_a_printable_table_with_every_value_escaped()
    {
        var writer = await ScriptAsync(Host);
        await writer.Post($"/partnerships/{Partnership}/plans/{Plan}/actions", new
        {
            reference = "2", heading = "2", description = "<script>alert('x')</script> & more", status = "Amber"
        });

        var response = await Auditor(Host).GetAsync($"{Report}?format=html");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync();

        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain("<th>Measure / Impact</th>");
        html.ShouldContain("<td class=\"BLUE\">BLUE</td>");
        html.ShouldContain("<td class=\"AMBER\">AMBER</td>");
        html.ShouldContain("Workforce Matching Unit stood down; project support resumed.");
        html.ShouldNotContain("<script>");
        html.ShouldContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more");
        html.ShouldContain("@media print");
    }

    [Fact]
    public async Task an_unknown_board_report_format_is_refused_naming_the_parameter()
    {
        await ScriptAsync(Host);
        var problem = await (await Auditor(Host).GetAsync($"{Report}?format=pdf")).Problem(400);
        problem["errors"]!["format"].ShouldNotBeNull();
    }
}
