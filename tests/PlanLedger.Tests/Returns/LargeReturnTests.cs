using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PlanLedger.Infrastructure;
using PlanLedger.Returns;
using PlanLedger.Tests.Audit;
using Xunit.Abstractions;

namespace PlanLedger.Tests.Returns;

/// <summary>Issue 14: a 10,000-row return, as CSV and as xlsx, is read a row at a time through dry run and commit.</summary>
public sealed class LargeReturnTests(LedgerHost host, ITestOutputHelper output) : LedgerTest(host)
{
    private const string Plan = "/partnerships/orkney/plans/msg-plan";
    private const int Actions = 10_000;

    /// <summary>The plan of <see cref="Scenarios.PlanWithActionAsync"/> grown to 10,000 actions through JSON returns that add them.</summary>
    private async Task<HttpClient> TenThousandActionsAsync()
    {
        var writer = await Host.PlanWithActionAsync();
        var references = Enumerable.Range(1, Actions - 1).Select(i => $"A{i:D5}").ToList();
        foreach (var chunk in references.Chunk(500))
            await writer.Post($"{Plan}/returns", new
            {
                period = "July 2019", effectiveOn = "2019-07-01",
                items = chunk.Select(r => new
                {
                    action = r,
                    newAction = new { reference = r, heading = "KF1", description = $"Action {r}", status = "Amber", timescale = new { text = "March 2021" } }
                })
            });
        return writer;
    }

    private static HttpRequestMessage Upload(HttpContent content, bool dryRun, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Plan}/returns/csv?period=November%202020&effectiveOn=2020-11-30&dryRun={(dryRun ? "true" : "false")}") { Content = content };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text.Length > 2000 ? text[..2000] : text);
        return JsonNode.Parse(text)!;
    }

    private static List<IReadOnlyList<string>> Records(IRecords records)
    {
        using (records)
        {
            var rows = new List<IReadOnlyList<string>>();
            while (records.Next() is { } record) rows.Add(record);
            return rows;
        }
    }

    /// <summary>The template's rows edited as a partnership would: a status, an update and a timescale, in three far-apart rows.</summary>
    private static List<IReadOnlyList<string>> Edited(List<IReadOnlyList<string>> rows, string update)
    {
        var edited = rows.Select(r => r.ToList()).ToList();
        edited[10][3] = "GREEN";
        edited[5_000][4] = update;
        edited[9_999][6] = "June 2021";
        return [.. edited];
    }

    private static string Csv(List<IReadOnlyList<string>> rows) =>
        PlanLedger.Infrastructure.Csv.Write(new CsvTable(rows[0], rows.Skip(1).Select(r => (IReadOnlyList<object?>)r.Cast<object?>().ToList())));

    private static void ShouldBeTheThreeEdits(JsonNode preview, List<IReadOnlyList<string>> rows, string update)
    {
        preview["problems"]!.AsArray().ShouldBeEmpty();
        preview["rows"].Int().ShouldBe(Actions);
        preview["changes"]!.AsArray().Select(c => $"{c!["row"].Int()} {c["reference"].Text()} {string.Join(";", c["changes"]!.AsArray().Select(f => $"{f!["field"].Text()}={f["after"].Text()}"))}")
            .ShouldBe([$"11 {rows[10][0]} status=Green", $"5001 {rows[5_000][0]} update={update}", $"10000 {rows[9_999][0]} timescale=June 2021"]);
        preview["eventsWouldAppend"].Int().ShouldBe(3);
    }

    [Fact]
    public async Task ten_thousand_rows_as_csv_and_as_xlsx_dry_run_and_commit_exactly_the_edited_rows()
    {
        var writer = await TenThousandActionsAsync();

        var csvRows = Records(new CsvReader(new StringReader(await writer.GetStringAsync($"{Plan}/return-template"))));
        csvRows.Count.ShouldBe(Actions + 1);
        var csvEdit = Edited(csvRows, "Reviewed in November");
        var csv = Csv(csvEdit);
        var events = await Host.EventCountAsync();
        ShouldBeTheThreeEdits(await Json(await writer.SendAsync(Upload(new StringContent(csv, Encoding.UTF8, "text/csv"), dryRun: true)), HttpStatusCode.OK), csvRows, "Reviewed in November");
        (await Host.EventCountAsync()).ShouldBe(events, "a dry run records nothing");
        var (committed, csvPeak) = await Measured(() => writer.SendAsync(Upload(new StringContent(csv, Encoding.UTF8, "text/csv"), dryRun: false, key: "csv-10k")));
        (await Json(committed, HttpStatusCode.OK))["eventsAppended"].Int().ShouldBe(3);
        (await Host.EventCountAsync()).ShouldBe(events + 3);
        (await writer.GetJson($"{Plan}/actions/{csvRows[10][0]}"))["status"].Text().ShouldBe("Green");
        (await writer.GetJson($"{Plan}/actions/{csvRows[9_999][0]}"))["timescale"]!["text"].Text().ShouldBe("June 2021");

        // The workbook as it stands now (with the CSV's edits), edited again in other ways and uploaded.
        var download = await writer.GetByteArrayAsync($"{Plan}/return-template?format=xlsx");
        var sheetRows = Records(XlsxRecords.Open(new MemoryStream(download)));
        sheetRows.Select(r => string.Join(",", r)).ShouldBe(Records(new CsvReader(new StringReader(await writer.GetStringAsync($"{Plan}/return-template")))).Select(r => string.Join(",", r)));
        var sheetEdit = Edited(sheetRows, "Reviewed again");
        sheetEdit[10] = [.. sheetEdit[10].Take(3), "RED", .. sheetEdit[10].Skip(4)];
        sheetEdit[9_999] = [.. sheetEdit[9_999].Take(6), "September 2021"];
        var workbook = Xlsx.Write(new CsvTable(sheetEdit[0], sheetEdit.Skip(1).Select(r => (IReadOnlyList<object?>)r.Cast<object?>().ToList())));
        ByteArrayContent Workbook() => new(workbook) { Headers = { ContentType = new(Xlsx.ContentType) } };
        var preview = await Json(await writer.SendAsync(Upload(Workbook(), dryRun: true)), HttpStatusCode.OK);
        preview["changes"]!.AsArray().Select(c => $"{c!["row"].Int()} {string.Join(";", c["changes"]!.AsArray().Select(f => $"{f!["field"].Text()}:{f["before"]?.GetValue<string>()}->{f["after"].Text()}"))}")
            .ShouldBe(["11 status:Green->Red", "5001 update:Reviewed in November->Reviewed again", "10000 timescale:June 2021->September 2021"]);
        events = await Host.EventCountAsync();
        var (workbookCommitted, xlsxPeak) = await Measured(() => writer.SendAsync(Upload(Workbook(), dryRun: false)));
        (await Json(workbookCommitted, HttpStatusCode.OK))["eventsAppended"].Int().ShouldBe(3);
        (await Host.EventCountAsync()).ShouldBe(events + 3);
        (await writer.GetJson($"{Plan}/actions/{csvRows[5_000][0]}"))["latestUpdate"]!["narrative"].Text().ShouldBe("Reviewed again");

        output.WriteLine($"10,000-row commit: CSV {csv.Length / 1024} KiB, managed heap peak +{csvPeak / (1024 * 1024)} MiB; " +
                         $"xlsx {workbook.Length / 1024} KiB, managed heap peak +{xlsxPeak / (1024 * 1024)} MiB over the heap before the upload");

        // A bad file at this size: every problem named by row and column, and nothing appended.
        var bad = csvEdit.Select(r => r.ToList()).ToList();
        bad[2_500][3] = "PURPLE";
        bad[7_500][0] = "Z99999";
        var refused = await (await writer.SendAsync(Upload(new StringContent(Csv([.. bad]), Encoding.UTF8, "text/csv"), dryRun: false))).Problem(422);
        refused["cells"]!.AsArray().Select(c => $"{c!["row"].Int()} {c["column"].Text()}").ShouldBe(["2501 Status", "7501 Reference"]);
        (await Host.EventCountAsync()).ShouldBe(events + 3);
    }

    [Fact]
    public async Task a_file_over_the_row_or_byte_limit_is_refused_naming_the_limit()
    {
        var writer = await Host.PlanWithActionAsync();
        var events = await Host.EventCountAsync();
        var rows = new StringBuilder("Reference,Heading,Action,Status,Update,Next Steps,Timescale\r\n");
        for (var i = 0; i <= PlanLedger.Ledger.Limits.ReturnFileRows; i++) rows.Append("1.1,KF1,Review the workforce plan,GREEN,,,January 2020 IJB\r\n");
        foreach (var dryRun in new[] { true, false })
        {
            var tooMany = await (await writer.SendAsync(Upload(new StringContent(rows.ToString(), Encoding.UTF8, "text/csv"), dryRun))).Problem(413);
            tooMany["detail"].Text().ShouldContain($"{PlanLedger.Ledger.Limits.ReturnFileRows} rows");
        }

        var huge = new ByteArrayContent(new byte[PlanLedger.Ledger.Limits.ReturnFileBytes + 1]) { Headers = { ContentType = new("text/csv") } };
        (await (await writer.SendAsync(Upload(huge, dryRun: true))).Problem(413))["detail"].Text().ShouldContain($"{PlanLedger.Ledger.Limits.ReturnFileBytes} bytes");
        (await Host.EventCountAsync()).ShouldBe(events);
    }

    /// <summary>
    /// The request's answer, and how far the managed heap rose above where it stood before it (sampled while it runs):
    /// a figure for the report, not an assertion, since the heap is the whole test process's.
    /// </summary>
    private static async Task<(HttpResponseMessage, long)> Measured(Func<Task<HttpResponseMessage>> send)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(true);
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
            while (await timer.WaitForNextTickAsync(CancellationToken.None) && !stop.IsCancellationRequested)
                peak = Math.Max(peak, GC.GetTotalMemory(false));
        });
        var response = await send();
        await stop.CancelAsync();
        await sampler;
        return (response, peak - before);
    }
}
