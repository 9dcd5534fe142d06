using System.Net;
using PlanLedger.Security;
using PlanLedger.Tests.Audit;
using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Reports;

/// <summary>Issue 14: a committee report is recorded once and reproduced as presented, on every later day.</summary>
public sealed class CommitteeReportTests(LedgerHost host) : LedgerTest(host)
{
    private static string Reports => $"/partnerships/{Partnership}/reports";
    private static string Paper => $"{Reports}/g-20-132";

    private static object Report(string plan = Plan, string title = "Joint Inspection Plan Update") => new
    {
        report = new
        {
            reference = "g-20-132", number = "G/20/132", title,
            committee = "Audit & Performance Committee, Perth and Kinross Integration Joint Board", meetingDate = "2020-11-30",
            authors = new[] { new { name = "Gordon Paterson", designation = "Chief Officer", contact = "Gordon.paterson2@nhs.scot" } },
            purpose = "This report provides an update to the Audit & Performance Committee on the progress against the Joint Inspection Action Plan.",
            recommendations = new[] { "Note the progress that the HSCP has made in responding to the findings of the Joint Inspection, as outlined in Appendix 1" },
            areasOfNote = new[] { "Performance monitoring is now routinely considered at this Committee." },
            nextSteps = "Liaise with the Lead Inspector.", conclusion = "We will seek to make further progress in 2021.",
            plans = new[] { plan }
        }
    };

    /// <summary>The story up to its February 2021 update, then the report recorded on 1 May 2021 for the meeting of 30 November 2020.</summary>
    private async Task<HttpClient> RecordedAsync()
    {
        var writer = await ScriptAsync(Host);
        Host.Clock.Set(At("2021-05-01T09:00:00Z"));
        var written = await writer.Post(Reports, Report(), "report-g-20-132");
        written["outcome"].Text().ShouldBe("Appended");
        return writer;
    }

    [Fact]
    public async Task a_recorded_report_reproduces_its_covering_report_and_its_appendix_as_things_stood_on_its_date()
    {
        await RecordedAsync();

        var paper = await Auditor(Host).GetJson(Paper);

        paper["report"]!["number"].Text().ShouldBe("G/20/132");
        paper["report"]!["recommendations"]!.AsArray().Single().Text().ShouldStartWith("Note the progress");
        paper["effectiveOn"].Text().ShouldBe("2020-11-30");
        paper["recordedAt"].Text().ShouldBe("2021-05-01T09:00:00+00:00");
        var appendix = paper["appendices"]!.AsArray().Single()!;
        appendix["columns"]!.AsArray().Select(c => c.Text()).ShouldBe(["Inspection Priority", "Action", "Measure / Impact", "Responsibility",
            "November 2020 Update", "Next Steps", "Timescale", "Nov Overall RAG"]);
        var row = appendix["rows"]!.AsArray().Single()!.AsArray();
        row[7].Text().ShouldBe("GREEN", "Blue took effect on 31 March 2021, after the meeting");
        row[4].Text().ShouldBe("The framework has been superseded by the Workforce Matching Unit.");
        row[6].Text().ShouldBe("31 March 2021");
    }

    [Fact]
    public async Task a_report_reads_the_same_after_later_and_backdated_changes()
    {
        var writer = await RecordedAsync();
        var before = await (await Auditor(Host).GetAsync(Paper)).Content.ReadAsStringAsync();

        Host.Clock.Set(At("2021-06-01T09:00:00Z"));
        await writer.Post($"{ActionUrl}/status", new { status = "Red", reason = "Reopened", effectiveOn = "2020-11-15" });
        await writer.Post($"{ActionUrl}/delays", new { reason = "Delayed due to COVID 19", effectiveOn = "2020-11-20" });
        Host.Clock.Set(At("2022-01-01T09:00:00Z"));

        (await (await Auditor(Host).GetAsync(Paper)).Content.ReadAsStringAsync()).ShouldBe(before);
        (await Auditor(Host).GetJson($"/partnerships/{Partnership}/plans/{Plan}/board-report?effectiveOn=2020-11-30"))["rows"]![0]!["status"].Text()
            .ShouldBe("RED", "the live board report as now known for that date does change");
    }

    [Fact]
    public async Task a_report_is_recorded_once_and_names_only_plans_the_partnership_has()
    {
        var writer = await RecordedAsync();

        (await writer.Post(Reports, Report()))["outcome"].Text().ShouldBe("Unchanged");
        var different = await (await writer.Send(HttpMethod.Post, Reports, Report(title: "Another title"))).Problem(409);
        different["errors"]!["report.reference"].ShouldNotBeNull();
        var refused = await (await writer.Send(HttpMethod.Post, Reports, new { report = new { reference = "other", title = "x", meetingDate = "2020-11-30", authors = Array.Empty<object>(), recommendations = Array.Empty<string>(), areasOfNote = Array.Empty<string>(), plans = new[] { "no-such-plan" } } })).Problem(422);
        refused["errors"]!["report.plans"].ShouldNotBeNull();
        (await (await writer.Send(HttpMethod.Post, Reports, new { report = new { reference = "bad/slash", title = "x", authors = Array.Empty<object>(), recommendations = Array.Empty<string>(), areasOfNote = Array.Empty<string>(), plans = new[] { Plan } } })).Problem(400))
            ["errors"].ShouldNotBeNull();
        (await Auditor(Host).GetAsync($"{Reports}/other")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task another_partnership_cannot_see_a_report()
    {
        await RecordedAsync();
        await Host.OnboardAsync("angus");
        using var angus = Host.ClientFor(Roles.PartnerReader, "angus");
        (await angus.GetAsync(Paper)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var none = Host.ClientFor(Roles.PartnerReader, "angus");
        (await none.GetAsync($"/partnerships/angus/reports/g-20-132")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_report_as_csv_holds_the_covering_report_then_the_appendix()
    {
        await RecordedAsync();
        var response = await Auditor(Host).GetAsync($"{Paper}?format=csv");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");
        lines[0].ShouldBe("Covering report,");
        lines.ShouldContain("Report number,G/20/132");
        lines.ShouldContain("Effective on,2020-11-30");
        lines.ShouldContain("Inspection Priority,Action,Measure / Impact,Responsibility,November 2020 Update,Next Steps,Timescale,Nov Overall RAG");
        lines.ShouldContain(l => l.EndsWith(",31 March 2021,GREEN"));
    }

    [Fact]
    public async Task a_report_as_html_is_a_printable_paper_that_runs_nothing()
    {
        await RecordedAsync();
        var response = await Auditor(Host).GetAsync($"{Paper}?format=html");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        policy.ShouldContain("default-src 'none'");
        policy.ShouldNotContain("script-src");
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("size: A4 landscape");
        html.ShouldContain("counter(page)");
        html.ShouldContain("Report No. G/20/132");
        html.ShouldContain("<td class=\"GREEN\">GREEN</td>");
        html.ShouldNotContain("<script");
        (await Auditor(Host).GetAsync($"{Paper}?format=pdf")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
