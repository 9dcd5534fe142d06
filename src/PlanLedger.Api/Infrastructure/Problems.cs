using Microsoft.AspNetCore.Mvc;

namespace PlanLedger.Infrastructure;

/// <summary>RFC 7807 answers, naming the field at fault where there is one.</summary>
public static class Problems
{
    public static ProblemDetails Of(int status, string title, string detail, string? field = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }
        return problem;
    }

    public static IResult Result(int status, string title, string detail, string? field = null) =>
        Result(Of(status, title, detail, field));

    public static IResult Result(ProblemDetails problem) =>
        Results.Problem(problem);

    public static IResult NotFound(string what) =>
        Result(404, "Not found", $"{what} was not found in this partnership's ledger.");
}
