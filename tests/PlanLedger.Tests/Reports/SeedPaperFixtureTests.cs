using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using PlanLedger.Security;
using PlanLedger.Seeder;
using PlanLedger.Tests.Seeds;

namespace PlanLedger.Tests.Reports;

/// <summary>
/// Issue 14: each seed document's appendix, reproduced by the ledger from the seeds, compared cell by cell with a
/// fixture transcribed from the document (Fixtures/*.json: the document's own cells, HTML and all). Cells compare
/// as text: markup, bullets and runs of white space are not content.
/// </summary>
public sealed partial class SeedPaperFixtureTests(LedgerHost host) : LedgerTest(host)
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Reports", "Fixtures");

    [Theory]
    [InlineData("000-perth-kinross-g-20-132")]
    [InlineData("001-angus-draft-improvement-action-plan-2019")]
    [InlineData("002-orkney-ijb-2019-12-11-item-16")]
    [InlineData("003-perth-kinross-scp-update-2016-05-13")]
    [InlineData("004-dundee-dijb27-2019")]
    public async Task the_reproduced_appendix_matches_the_document_cell_by_cell(string fixture)
    {
        var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Fixtures, fixture + ".json"))).RootElement;
        var partnership = expected.GetProperty("partnership").GetString()!;
        await SeedLoader.LoadAsync(Host.Client, SeedsDirectory.Find(), (role, p) =>
            DevelopmentTokens.Mint(Host.SigningKey, p is null ? "seed-admin" : SeedLoader.ClientFor(p), [role], p is null ? [] : [p]));

        using var reader = Host.ClientFor(Roles.PartnerReader, partnership);
        var paper = await reader.GetJson($"/partnerships/{partnership}/reports/{expected.GetProperty("report").GetString()}");
        var appendix = paper["appendices"]!.AsArray()[0]!;

        var differences = new List<string>();
        var columns = appendix["columns"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        var expectedColumns = expected.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList();
        if (!columns.Select(Text).SequenceEqual(expectedColumns.Select(Text)))
            differences.Add($"columns: [{string.Join(" | ", columns)}] but the document prints [{string.Join(" | ", expectedColumns)}]");
        var rows = appendix["rows"]!.AsArray();
        // A whole transcription ("complete") has every row the ledger prints, and no more.
        var expectedRows = expected.GetProperty("rows").GetArrayLength();
        if (expected.TryGetProperty("complete", out var complete) && complete.GetBoolean() && rows.Count != expectedRows)
            differences.Add($"the ledger prints {rows.Count} rows but the document has {expectedRows}");
        // Cells where the ledger holds a reading of the document rather than its words (seeds' "readings"): they must
        // still differ, so that a reading made faithful is taken off the list.
        var readings = expected.TryGetProperty("readings", out var r)
            ? r.EnumerateArray().Select(x => (x.GetProperty("row").GetInt32(), x.GetProperty("column").GetInt32())).ToHashSet()
            : [];
        foreach (var row in expected.GetProperty("rows").EnumerateArray())
        {
            var index = row.GetProperty("row").GetInt32();
            var cells = row.GetProperty("cells").EnumerateArray().Select(c => c.GetString()).ToList();
            var actual = rows[index]!.AsArray().Select(c => c?.GetValue<string>()).ToList();
            for (var i = 0; i < Math.Max(cells.Count, actual.Count); i++)
            {
                var want = Text(i < cells.Count ? cells[i] : null);
                var got = Text(i < actual.Count ? actual[i] : null);
                if (readings.Contains((index, i + 1)))
                {
                    if (want == got) differences.Add($"row {index}, column {i + 1} now reads as the document: take it off the fixture's readings");
                    continue;
                }
                if (want != got) differences.Add($"row {index}, column {i + 1} ({(i < expectedColumns.Count ? expectedColumns[i] : "?")}):\n  document: {want}\n  ledger:   {got}");
            }
        }
        differences.ShouldBeEmpty(string.Join("\n", differences));
    }

    /// <summary>
    /// A cell's text: markup, entities, bullets and emphasis removed, white space collapsed. Inline tags (bold, italic,
    /// span, link) are not word breaks ("<b>ill health</b>, to" is "ill health, to"); every other tag is.
    /// </summary>
    public static string Text(string? cell)
    {
        var text = WebUtility.HtmlDecode(Markup().Replace(Inline().Replace(cell ?? "", ""), " "));
        text = Bullets().Replace(text, " ").Replace("**", "");
        return Space().Replace(text, " ").Trim();
    }

    [GeneratedRegex("</?(?:b|i|u|em|strong|span|a)(?:\\s[^>]*)?>", RegexOptions.IgnoreCase)] private static partial Regex Inline();
    [GeneratedRegex("<[^>]+>")] private static partial Regex Markup();
    [GeneratedRegex("[•●○]")] private static partial Regex Bullets();
    [GeneratedRegex(@"\s+")] private static partial Regex Space();
}
