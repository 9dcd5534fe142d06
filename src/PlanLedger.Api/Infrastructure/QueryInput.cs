using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace PlanLedger.Infrastructure;

/// <summary>
/// The path and query string by the rules of <see cref="InputText"/>, before anything reads them (the
/// partnership check queries PostgreSQL with the path's values): clean text in every value, and exactly
/// one documented name in every enum parameter. A refusal is a 400 naming the parameter.
/// </summary>
internal sealed class QueryInput(RequestDelegate next)
{
    private static readonly ConcurrentDictionary<MethodInfo, (string Name, Type Enum)[]> EnumParameters = new();

    public Task InvokeAsync(HttpContext http)
    {
        foreach (var (name, value) in http.Request.RouteValues)
            if (value is string text && !InputText.IsClean(text)) return Refuse(http, name, InputText.ControlCharacters);
        foreach (var (name, values) in http.Request.Query)
            if (!InputText.IsClean(name) || values.Any(v => !InputText.IsClean(v)))
                return Refuse(http, InputText.IsClean(name) ? name : "query", InputText.ControlCharacters);

        if (http.GetEndpoint()?.Metadata.GetMetadata<HttpChain>()?.Method.Method is { } method)
        {
            foreach (var (name, type) in EnumParameters.GetOrAdd(method, EnumsOf))
                if (http.Request.Query.TryGetValue(name, out var values) && values.Any(v => !InputText.TryParseEnum(type, v, out _)))
                    return Refuse(http, name, $"must be one of: {InputText.EnumNames(type)}.");
        }
        return next(http);
    }

    private static Task Refuse(HttpContext http, string parameter, string detail) => QueryProblem.For(parameter, detail).ExecuteAsync(http);

    /// <summary>The endpoint's enum query parameters, including those of an [AsParameters] filter.</summary>
    private static (string, Type)[] EnumsOf(MethodInfo method) =>
        method.GetParameters().SelectMany(p => p.GetCustomAttribute<AsParametersAttribute>() is not null
                ? p.ParameterType.GetProperties().Select(m => (m.GetCustomAttribute<FromQueryAttribute>()?.Name ?? m.Name, m.PropertyType))
                : [(p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name!, p.ParameterType)])
            .Select(x => (x.Item1, Type: Nullable.GetUnderlyingType(x.Item2) ?? x.Item2))
            .Where(x => x.Type.IsEnum)
            .ToArray();
}
