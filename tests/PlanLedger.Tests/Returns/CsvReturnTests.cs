using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PlanLedger.Tests.Audit;

namespace PlanLedger.Tests.Returns;

/// <summary>Issue 14: the appendix comes back as a return — download the template, edit it, dry run, commit.</summary>
public sealed class CsvReturnTests(LedgerHost host) : LedgerTest(host)
{
    private const string Plan = "/partnerships/orkney/plans/msg-plan";
    private const string Header = "Reference,Heading,Action,Status,Update,Next Steps,Timescale";

    private static Task<HttpResponseMessage> Upload(HttpClient client, string csv, bool dryRun, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Plan}/returns/csv?period=November%202020&effectiveOn=2020-11-30&dryRun={(dryRun ? "true" : "false")}")
        {
            Content = new StringContent(csv, Encoding.UTF8, "text/csv")
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task a_downloaded_template_edited_round_trips_through_dry_run_and_commit_once()
    {
        var writer = await Host.PlanWithActionAsync();
        var template = await writer.GetStringAsync($"{Plan}/return-template");
        template.ShouldBe($"{Header}\r\n1.1,KF1,Review the workforce plan,AMBER,,,January 2020 IJB\r\n");

        var edited = $"{Header}\r\n1.1,KF1,Review the workforce plan,GREEN,\"Workforce plan published, 2019-2022\",Monitor,31 March 2020\r\n";
        var events = await Host.EventCountAsync();
        var preview = await Json(await Upload(writer, edited, dryRun: true), HttpStatusCode.OK);
        preview["problems"]!.AsArray().ShouldBeEmpty();
        var row = preview["changes"]!.AsArray().Single()!;
        (row["row"].Int(), row["reference"].Text()).ShouldBe((2, "1.1"));
        row["changes"]!.AsArray().Select(c => $"{c!["field"].Text()}: {c["before"]?.GetValue<string>()} -> {c["after"].Text()}").ShouldBe([
            "status: Amber -> Green", "update:  -> Workforce plan published, 2019-2022", "nextSteps:  -> Monitor",
            "timescale: January 2020 IJB -> 31 March 2020"]);
        preview["eventsWouldAppend"].Int().ShouldBe(3, "an update with its status change, and a slip");
        (await Host.EventCountAsync()).ShouldBe(events, "a dry run records nothing");

        var committed = await Json(await Upload(writer, edited, dryRun: false, key: "nov-2020-return"), HttpStatusCode.OK);
        (committed["outcome"].Text(), committed["eventsAppended"].Int()).ShouldBe(("Appended", 3));
        var action = await writer.GetJson($"{Plan}/actions/1.1");
        (action["status"].Text(), action["latestUpdate"]!["period"].Text(), action["timescale"]!["text"].Text(), action["slips"].Int())
            .ShouldBe(("Green", "November 2020", "31 March 2020", 1));

        var retry = await Upload(writer, edited, dryRun: false, key: "nov-2020-return");
        retry.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
        (await Json(await Upload(writer, edited, dryRun: false), HttpStatusCode.OK))["outcome"].Text().ShouldBe("Unchanged");
        (await Host.EventCountAsync()).ShouldBe(events + 3);
    }

    [Theory]
    [InlineData("Reference,Heading,Action,Status,Update,Next Steps,Timescale,Colour\r\n1.1,KF1,Review the workforce plan,GREEN,,,January 2020 IJB,Red\r\n", 1, "Colour")]
    [InlineData(Header + "\r\n1.1,KF1,Review the workforce plan,PURPLE,,,January 2020 IJB\r\n", 2, "Status")]
    [InlineData(Header + "\r\n1.1,KF2,Review the workforce plan,GREEN,,,January 2020 IJB\r\n", 2, "Heading")]
    [InlineData(Header + "\r\n9.9,KF1,Review the workforce plan,GREEN,,,January 2020 IJB\r\n", 2, "Reference")]
    [InlineData(Header + "\r\n1.1,KF1,Review the workforce plan,GREEN,,Monitor,January 2020 IJB\r\n", 2, "Update")]
    [InlineData(Header + "\r\n1.1,KF1,Review the workforce plan,GREEN,\"unclosed,,January 2020 IJB\r\n", 2, "")]
    public async Task a_bad_file_is_refused_naming_row_and_column_and_records_nothing(string csv, int row, string column)
    {
        var writer = await Host.PlanWithActionAsync();
        var events = await Host.EventCountAsync();

        var preview = await Json(await Upload(writer, csv, dryRun: true), HttpStatusCode.OK);
        var problem = preview["problems"]!.AsArray().First()!;
        (problem["row"].Int(), problem["column"].Text()).ShouldBe((row, column));
        preview["eventsWouldAppend"].Int().ShouldBe(0);

        var refused = await (await Upload(writer, csv, dryRun: false)).Problem(422);
        var cell = refused["cells"]!.AsArray().First()!;
        (cell["row"].Int(), cell["column"].Text()).ShouldBe((row, column));
        (await Host.EventCountAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task an_upload_that_is_not_csv_or_has_no_period_is_refused()
    {
        var writer = await Host.PlanWithActionAsync();
        var json = await writer.PostAsync($"{Plan}/returns/csv?period=November%202020", new StringContent("{}", Encoding.UTF8, "application/json"));
        await json.Problem(415);
        var noPeriod = await writer.PostAsync($"{Plan}/returns/csv", new StringContent(Header + "\r\n", Encoding.UTF8, "text/csv"));
        (await noPeriod.Problem(400))["errors"]!["period"].ShouldNotBeNull();
    }

    [Fact]
    public async Task a_downloaded_workbook_edited_round_trips_through_dry_run_and_commit()
    {
        var writer = await Host.PlanWithActionAsync();
        var download = await writer.GetAsync($"{Plan}/return-template?format=xlsx");
        download.Content.Headers.ContentType!.MediaType.ShouldBe(PlanLedger.Returns.Xlsx.ContentType);
        var sheet = PlanLedger.Returns.Xlsx.ReadAsCsv(await download.Content.ReadAsStreamAsync());
        sheet.ShouldBe($"{Header}\r\n1.1,KF1,Review the workforce plan,AMBER,,,January 2020 IJB\r\n");

        // As a spreadsheet user edits it: status and a new update in the row's cells.
        var edited = PlanLedger.Returns.Xlsx.Write(new PlanLedger.Infrastructure.CsvTable(Header.Split(','),
            [["1.1", "KF1", "Review the workforce plan", "Red", "=Paused: no workforce lead", "", "January 2020 IJB"]]));
        HttpRequestMessage Request(bool dryRun) => new(HttpMethod.Post, $"{Plan}/returns/csv?period=November%202020&effectiveOn=2020-11-30&dryRun={dryRun}")
        {
            Content = new ByteArrayContent(edited) { Headers = { ContentType = new(PlanLedger.Returns.Xlsx.ContentType) } }
        };
        var preview = await Json(await writer.SendAsync(Request(true)), HttpStatusCode.OK);
        preview["changes"]!.AsArray().Single()!["changes"]!.AsArray().Select(c => c!["field"].Text()).ShouldBe(["status", "update"]);
        var committed = await Json(await writer.SendAsync(Request(false)), HttpStatusCode.OK);
        committed["eventsAppended"].Int().ShouldBe(2);
        var action = await writer.GetJson($"{Plan}/actions/1.1");
        (action["status"].Text(), action["latestUpdate"]!["narrative"].Text()).ShouldBe(("Red", "=Paused: no workforce lead"));

        var broken = new HttpRequestMessage(HttpMethod.Post, $"{Plan}/returns/csv?period=November%202020")
        {
            Content = new ByteArrayContent("not a workbook"u8.ToArray()) { Headers = { ContentType = new(PlanLedger.Returns.Xlsx.ContentType) } }
        };
        (await (await writer.SendAsync(broken)).Problem(400))["errors"]!["file"].ShouldNotBeNull();
    }
}
