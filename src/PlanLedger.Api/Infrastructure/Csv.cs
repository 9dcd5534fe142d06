using System.Globalization;
using System.Text;

namespace PlanLedger.Infrastructure;

/// <summary>One table, as CSV gives it: a header row and one row of cells per line.</summary>
public sealed record CsvTable(IReadOnlyList<string> Columns, IEnumerable<IReadOnlyList<object?>> Rows);

/// <summary>
/// The one CSV writer (RFC 4180: CRLF, quoted where needed) behind every CSV answer. Text comes from partner
/// systems and is opened in spreadsheets, so a text cell that a spreadsheet could read as a formula is
/// prefixed with a single quote (OWASP, CSV injection).
/// </summary>
public static class Csv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static string Write(CsvTable table)
    {
        var text = new StringBuilder();
        AppendRow(text, table.Columns.ToArray<object?>());
        foreach (var row in table.Rows) AppendRow(text, row);
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, IReadOnlyList<object?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(Cell(cells[i]));
        }
        text.Append("\r\n");
    }

    /// <summary>One cell as written: numbers and dates as they are, text neutralised and quoted where needed.</summary>
    public static string Cell(object? cell) => cell switch
    {
        null => "",
        string s => Quote(Neutralise(s)),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        Enum e => e.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(Neutralise(cell.ToString() ?? ""))
    };

    // = + - @ start a formula; tab, CR and LF can start a cell's content on its own; spreadsheets also skip
    // leading spaces (any kind) and read the full-width forms as the ASCII ones.
    private const string FormulaStarts = "=+-@\t\r\n＝＋－＠";

    private static string Neutralise(string value)
    {
        var first = 0;
        while (first < value.Length && value[first] is not ('\t' or '\r' or '\n') && (char.IsWhiteSpace(value[first]) || char.IsControl(value[first]))) first++;
        return first < value.Length && FormulaStarts.Contains(value[first]) ? "'" + value : value;
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 || (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])))
            ? $"\"{value.Replace("\"", "\"\"")}\""
            : value;
}
