using System.Globalization;
using System.Text;

namespace PlanLedger.National;

/// <summary>One table of a view, as CSV gives it: a header row and one row of cells per line.</summary>
public sealed record CsvTable(IReadOnlyList<string> Columns, IEnumerable<IReadOnlyList<object?>> Rows);

/// <summary>The one CSV writer (RFC 4180) behind every national view's <c>?format=csv</c>.</summary>
public static class Csv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static string Write(CsvTable table)
    {
        var text = new StringBuilder();
        AppendRow(text, table.Columns);
        foreach (var row in table.Rows) AppendRow(text, row);
        return text.ToString();
    }

    private static void AppendRow<T>(StringBuilder text, IReadOnlyList<T> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(Escape(Format(cells[i])));
        }
        text.Append("\r\n");
    }

    private static string Format(object? cell) => cell switch
    {
        null => "",
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? ""
    };

    private static string Escape(string value)
    {
        // Narratives come from partner systems and are opened in spreadsheets: a leading = + - @ would run as a formula.
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0]) && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
