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

    /// <summary>The first sheet as CSV (cells by their column letters, so a blank cell stays in its column).</summary>
    public static string ReadAsCsv(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        using var document = SpreadsheetDocument.Open(copy, false);
        var workbook = document.WorkbookPart ?? throw new FormatException("The workbook has no workbook part");
        var first = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new FormatException("The workbook has no sheet");
        var sheet = (WorksheetPart)workbook.GetPartById(first.Id!.Value!);
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var row in sheet.Worksheet.Descendants<Row>())
        {
            var cells = new List<object?>();
            foreach (var cell in row.Elements<Cell>())
            {
                var column = ColumnIndex(cell.CellReference?.Value) ?? cells.Count;
                while (cells.Count < column) cells.Add("");
                cells.Add(Text(cell, shared));
            }
            rows.Add(cells);
        }
        if (rows.Count == 0) return "";
        var width = rows.Max(r => r.Count);
        var padded = rows.Select(r => (IReadOnlyList<object?>)[.. r, .. Enumerable.Repeat<object?>("", width - r.Count)]).ToList();
        return Csv.Write(new CsvTable(padded[0].Select(c => c?.ToString() ?? "").ToList(), padded.Skip(1)));
    }

    private static string Text(Cell cell, IReadOnlyList<string> shared) =>
        cell.DataType?.Value == CellValues.SharedString && int.TryParse(cell.CellValue?.Text, out var i) && i < shared.Count ? shared[i]
        : cell.DataType?.Value == CellValues.InlineString ? cell.InlineString?.InnerText ?? ""
        : cell.CellValue?.Text ?? "";

    private static int? ColumnIndex(string? reference)
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
