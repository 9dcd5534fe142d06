using System.Text;

namespace PlanLedger.Returns;

/// <summary>Reads RFC 4180 CSV a record at a time (quoted fields, doubled quotes, CRLF or LF); a malformed file says where.</summary>
public sealed class CsvReader(TextReader text) : IRecords
{
    public int Line { get; private set; }

    /// <summary>The next record's fields; null at the end of the file.</summary>
    public IReadOnlyList<string>? Next()
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        Line++;
        while (true)
        {
            var c = text.Read();
            if (c == -1)
            {
                if (quoted) throw new FormatException($"line {Line}: a quoted field is not closed");
                if (!any) return null;
                fields.Add(field.ToString());
                return fields;
            }
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (text.Peek() == '"') { text.Read(); field.Append('"'); }
                    else quoted = false;
                }
                else field.Append((char)c);
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: quoted = true; break;
                case '"': throw new FormatException($"line {Line}: a quote inside an unquoted field");
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r' when text.Peek() == '\n': break;
                case '\n' or '\r': fields.Add(field.ToString()); return fields;
                default: field.Append((char)c); break;
            }
        }
    }

    public void Dispose() => text.Dispose();

    /// <summary>A cell as written, without the apostrophe a spreadsheet-safe writer puts before formula characters.</summary>
    public static string Unguard(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && "=+-@\t\r".Contains(cell[1]) ? cell[1..] : cell;
}
