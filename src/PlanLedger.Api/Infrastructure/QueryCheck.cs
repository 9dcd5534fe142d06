namespace PlanLedger.Infrastructure;

/// <summary>JSON, or one of the answer's tables as CSV.</summary>
public sealed record TableOutput(bool Csv, string Table)
{
    /// <summary>The body as JSON, or the chosen table as a CSV attachment named "{name}-{table}.csv".</summary>
    public IResult Send<T>(HttpContext http, string name, T body, Func<string, CsvTable> tables)
    {
        if (!Csv) return Results.Json(body);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}-{Table}.csv\"";
        return Results.Text(Infrastructure.Csv.Write(tables(Table)), Infrastructure.Csv.ContentType);
    }
}

/// <summary>Checks a query string; every bad parameter is named in one 400 (<see cref="QueryProblem"/>), never a 500.</summary>
internal sealed class QueryCheck
{
    private readonly Dictionary<string, string> _errors = new();

    public void Require(bool valid, string parameter, string message)
    {
        if (!valid) _errors[parameter] = message;
    }

    /// <summary>format=json (the default) or csv; table picks one of the answer's tables for CSV, the first by default.</summary>
    public TableOutput Output(string? format, string? table, params string[] tables)
    {
        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        Require(format is null || csv || string.Equals(format, "json", StringComparison.OrdinalIgnoreCase),
            "format", "'format' must be json or csv.");
        Require(table is null || tables.Contains(table), "table", $"'table' must be one of: {string.Join(", ", tables)}.");
        return new TableOutput(csv, table ?? tables[0]);
    }

    /// <summary>page and pageSize checked; CSV is the whole list, every page.</summary>
    public Paging Paging(int? page, int? pageSize, TableOutput output)
    {
        Require(Infrastructure.Paging.IsPage(page), "page", "'page' must be 1 or more.");
        Require(Infrastructure.Paging.IsPageSize(pageSize), "pageSize", $"'pageSize' must be from 1 to {Infrastructure.Paging.MaxSize}.");
        return output.Csv ? new Paging(1, int.MaxValue) : new Paging(page ?? 1, pageSize ?? Infrastructure.Paging.DefaultSize);
    }

    public IResult? Problem => _errors.Count == 0 ? null : QueryProblem.For(_errors);
}
