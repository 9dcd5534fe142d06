using FluentValidation;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Http.CodeGen;

namespace PlanLedger.Infrastructure;

/// <summary>
/// Runs the FluentValidation validator of every endpoint's body before the endpoint, once for all
/// endpoints. (WolverineFx.Http.FluentValidation is not on our package mirror; this is its small core.)
/// </summary>
internal sealed class ValidateBodies : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains.Where(c => c.HasRequestType))
        {
            if (!container.RegistrationsFor(typeof(IValidator<>).MakeGenericType(chain.RequestType!)).Any()) continue;
            chain.Metadata.ProducesValidationProblem();
            var method = typeof(BodyValidation).GetMethod(nameof(BodyValidation.Check))!.MakeGenericMethod(chain.RequestType!);
            var call = new MethodCall(typeof(BodyValidation), method) { CommentText = "FluentValidation of the request body" };
            chain.Middleware.InsertRange(0, [call, new MaybeEndWithResultFrame(call.ReturnVariable!)]);
        }
    }
}

public static class BodyValidation
{
    public static async Task<IResult> Check<T>(IValidator<T> validator, T body, HttpContext http)
    {
        if (body is null)
            return Problems.Result(400, "Missing body", "The request needs a JSON body.");
        var result = await validator.ValidateAsync(body, http.RequestAborted);
        if (result.IsValid) return WolverineContinue.Result();
        var errors = result.Errors
            .GroupBy(e => JsonPath(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        return Results.Problem(new ValidationProblemDetails(errors)
        {
            Status = 400,
            Title = "Invalid request",
            Detail = $"Invalid: {string.Join(", ", errors.Keys)}",
            Type = "https://httpstatuses.io/400"
        });
    }

    /// <summary>"Items[0].Status.Reason" becomes "items[0].status.reason": the field as the caller wrote it.</summary>
    private static string JsonPath(string property) =>
        string.Join('.', property.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}
