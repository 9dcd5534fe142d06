namespace PlanLedger.Infrastructure;

/// <summary>
/// The one answer to invalid query string values, wherever they are read: 400, shaped like Wolverine's answer to a value
/// that does not parse ("parameter" names the first), with "errors" naming every bad parameter.
/// </summary>
public static class QueryProblem
{
    public static IResult For(string parameter, string detail) =>
        For(new Dictionary<string, string> { [parameter] = $"Query string parameter '{parameter}' {detail}" });

    public static IResult For(IReadOnlyDictionary<string, string> errors)
    {
        var problem = Problems.Of(400, "Invalid query string value", string.Join(" ", errors.Values));
        problem.Extensions["errors"] = errors.ToDictionary(e => e.Key, e => new[] { e.Value });
        problem.Extensions["parameter"] = errors.Keys.First();
        return Problems.Result(problem);
    }
}
