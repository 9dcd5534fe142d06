using System.Net;

namespace PlanLedger.Tests.Audit;

/// <summary>Issue 14, item 7: a value read rather than written carries the writer's note, and history shows it.</summary>
public sealed class ReadingNoteTests(LedgerHost host) : LedgerTest(host)
{
    private const string Action = "/partnerships/orkney/plans/msg-plan/actions/1.1";

    [Fact]
    public async Task a_note_on_a_write_is_recorded_on_its_events_and_shown_in_history()
    {
        var writer = await Host.PlanWithActionAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Action}/status")
        {
            Content = new StringContent("""{"status":"Green","effectiveOn":"2020-11-30"}""", System.Text.Encoding.UTF8, "application/json")
        };
        request.Headers.Add("Ledger-Note", Uri.EscapeDataString("A reading: the paper’s RAG is given once per priority"));
        (await writer.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var entries = (await writer.GetJson($"{Action}/history"))["entries"]!.AsArray();
        entries[0]!["note"].ShouldBeNull();
        entries[^1]!["note"].Text().ShouldBe("A reading: the paper’s RAG is given once per priority");
    }

    [Fact]
    public async Task an_oversized_note_is_refused_naming_the_header_and_appends_nothing()
    {
        var writer = await Host.PlanWithActionAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Action}/status")
        {
            Content = new StringContent("""{"status":"Green"}""", System.Text.Encoding.UTF8, "application/json")
        };
        request.Headers.Add("Ledger-Note", new string('x', 1001));
        var problem = await (await writer.SendAsync(request)).Problem(400);
        problem["errors"]!["Ledger-Note"].ShouldNotBeNull();
        (await writer.GetJson(Action))["status"].Text().ShouldBe("Amber");
    }
}
