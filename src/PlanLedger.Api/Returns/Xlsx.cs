using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using PlanLedger.Infrastructure;
using PlanLedger.National;

namespace PlanLedger.Returns;

/// <summary>
/// The return template as an .xlsx workbook (one sheet, the same columns as the CSV, every cell text), and an
/// uploaded workbook's first sheet read back as the same CSV, so one reader checks both.
/// </summary>
public static class Xlsx
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static byte[] Write(CsvTable table)
    {
        using var memory = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(memory, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(Row(table.Columns.Cast<object?>().ToList()));
            foreach (var row in table.Rows) data.Append(Row(row));
            sheetPart.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "Return" }));
            workbook.Workbook.Save();
        }
        return memory.ToArray();

        // Inline strings: every cell is text, so a spreadsheet never evaluates partner narrative as a formula.
        static Row Row(IReadOnlyList<object?> cells) => new(cells.Select(c => new Cell
        {
            DataType = CellValues.InlineString,
            InlineString = new InlineString(new Text(Format(c)) { Space = SpaceProcessingModeValues.Preserve })
        }));
    }

    /// <summary>The first sheet as CSV (as <see cref="XlsxRecords"/> reads it), for checking a downloaded workbook.</summary>
    public static string ReadAsCsv(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        using var records = XlsxRecords.Open(copy);
        var rows = new List<IReadOnlyList<object?>>();
        while (records.Next() is { } record) rows.Add(record.Cast<object?>().ToList());
        if (rows.Count == 0) return "";
        var width = rows.Max(r => r.Count);
        var padded = rows.Select(r => (IReadOnlyList<object?>)[.. r, .. Enumerable.Repeat<object?>("", width - r.Count)]).ToList();
        return Csv.Write(new CsvTable(padded[0].Select(c => c?.ToString() ?? "").ToList(), padded.Skip(1)));
    }

    internal static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        var index = 0;
        foreach (var c in reference.TakeWhile(char.IsAsciiLetter)) index = index * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        return index - 1;
    }

    private static string Format(object? cell) => cell switch
    {
        null => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? ""
    };
}

/// <summary>
/// An uploaded workbook's first sheet a row at a time, read with the SAX-style <see cref="OpenXmlReader"/> so no
/// document model of the sheet is built: only the current row's cells (by their column letters, so a blank cell
/// stays in its column) and the shared strings the sheet refers to are held.
/// </summary>
public sealed class XlsxRecords : IRecords
{
    private readonly SpreadsheetDocument _document;
    private readonly OpenXmlReader _reader;
    private readonly List<string> _shared;
    private int _row;

    private XlsxRecords(SpreadsheetDocument document, OpenXmlReader reader, List<string> shared) => (_document, _reader, _shared) = (document, reader, shared);

    /// <summary>Opens the workbook (a seekable stream); throws when it is not one.</summary>
    public static XlsxRecords Open(Stream stream)
    {
        var document = SpreadsheetDocument.Open(stream, false);
        try
        {
            var workbook = document.WorkbookPart ?? throw new FormatException("The workbook has no workbook part");
            var first = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new FormatException("The workbook has no sheet");
            var sheet = workbook.GetPartById(first.Id?.Value ?? "") as WorksheetPart ?? throw new FormatException("The first sheet is not a worksheet");
            var shared = new List<string>();
            if (workbook.SharedStringTablePart is { } strings)
            {
                using var reader = OpenXmlReader.Create(strings);
                while (reader.Read())
                    if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement) shared.Add(reader.LoadCurrentElement()!.InnerText);
            }
            return new XlsxRecords(document, OpenXmlReader.Create(sheet), shared);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string>? Next()
    {
        List<string>? cells = null;
        var column = 0;
        var shared = false;
        var text = new System.Text.StringBuilder();
        try
        {
            while (_reader.Read())
            {
                var type = _reader.ElementType;
                if (type == typeof(Row))
                {
                    if (_reader.IsStartElement) { cells = []; _row++; }
                    else if (cells is not null) return cells;
                }
                else if (cells is null) continue;
                else if (type == typeof(Cell) && _reader.IsStartElement)
                {
                    var reference = _reader.Attributes.FirstOrDefault(a => a.LocalName == "r").Value;
                    column = Xlsx.ColumnIndex(reference) ?? cells.Count;
                    shared = _reader.Attributes.FirstOrDefault(a => a.LocalName == "t").Value == "s";
                    text.Clear();
                }
                else if (type == typeof(Cell))
                {
                    var value = text.ToString();
                    if (shared) value = int.TryParse(value, out var i) && i >= 0 && i < _shared.Count ? _shared[i] : throw new FormatException($"row {_row}: a cell refers to a shared string the workbook does not have");
                    while (cells.Count < column) cells.Add("");
                    if (cells.Count == column) cells.Add(value);
                    else throw new FormatException($"row {_row}: two cells in column {column + 1}");
                }
                else if ((type == typeof(CellValue) || type == typeof(Text)) && _reader.IsStartElement) text.Append(_reader.GetText());
            }
        }
        catch (Exception e) when (e is System.Xml.XmlException or InvalidDataException or IOException or OpenXmlPackageException)
        {
            throw new FormatException($"row {_row}: the sheet cannot be read: {e.Message}", e);
        }
        return cells;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _document.Dispose();
    }
}
