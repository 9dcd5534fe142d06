using PlanLedger.Infrastructure;

namespace PlanLedger.Audit;

/// <summary>
/// 400 for a query string value that parses but is out of range, shaped like Wolverine's answer to one that
/// does not parse ("parameter" names it), plus our usual "errors" member.
/// </summary>
public static class QueryProblem
{
    public static IResult For(string parameter, string detail)
    {
        var problem = Problems.Of(400, "Invalid query string value", $"Query string parameter '{parameter}' {detail}", parameter);
        problem.Extensions["parameter"] = parameter;
        return Problems.Result(problem);
    }
}
