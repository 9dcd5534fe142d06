using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using JasperFx.CodeGeneration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.OpenApi;
using PlanLedger.Ledger;
using PlanLedger.Security;
using Wolverine;
using Wolverine.Http;
using JasperFx;

namespace PlanLedger.Infrastructure;

/// <summary>HTTP: JSON rules, problem details for every error, Wolverine endpoints, OpenAPI.</summary>
public static class LedgerHttp
{
    public static WebApplicationBuilder AddLedgerHttp(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = Limits.MaxRequestBytes);
        builder.Services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? c.HttpContext.TraceIdentifier);
        builder.Services.AddExceptionHandler<LedgerExceptionHandler>();
        builder.Services.AddHttpContextAccessor();

        builder.Services.AddValidatorsFromAssemblyContaining<LedgerWrites>(ServiceLifetime.Singleton, includeInternalTypes: true);
        builder.Services.AddScoped<LedgerWrites>();
        builder.Services.AddSingleton<GroupCommit>();

        builder.Host.UseWolverine(opts =>
        {
            LedgerCluster.ConfigureDurability(opts, builder.Configuration);
            // Generated endpoint code is compiled at start-up (see README, "Code generation").
            opts.CodeGeneration.TypeLoadMode = builder.Configuration.GetValue("Ledger:TypeLoadMode", TypeLoadMode.Dynamic);
            opts.UseRuntimeCompilation();
        });
        builder.Services.AddWolverineHttp();

        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(c => OpenApiDocument.Configure(c));
        return builder;
    }

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.MaxDepth = 32;
        o.NumberHandling = JsonNumberHandling.Strict;
        return InputText.Configure(o);
    }

    public static WebApplication UseLedgerHttp(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "PlanLedger v1");
            o.RoutePrefix = "swagger";
        });
        app.UseRouting();
        app.UseMiddleware<BodyLimit>();
        app.UseLedgerSecurity();
        app.MapWolverineEndpoints(opts =>
        {
            opts.AddPolicy<ValidateBodies>();
            opts.RejectUnparseableQueryValues = true;
            opts.ConfigureEndpoints(chain =>
            {
                var method = chain.Method.Method;
                if (method.GetCustomAttribute<AllowAnonymousAttribute>() is not null) return;
                if (method.GetCustomAttribute<AuthorizeAttribute>() is not null) { chain.RequireAuthorization(); return; }
                chain.RequireAuthorization(LedgerSecurity.DefaultPolicy(chain.HttpMethods));
            });
        });
        return app;
    }

    /// <summary>
    /// Runs the API; a first argument naming a command (codegen, projections, db-apply, …) runs that
    /// Critter Stack command instead. Host settings such as --urls pass straight to the host.
    /// </summary>
    public static async Task<int> RunLedgerAsync(this WebApplication app, string[] args)
    {
        if (args.Length > 0 && !args[0].StartsWith('-')) return await app.RunJasperFxCommands(args);
        await app.RunAsync();
        return 0;
    }
}

/// <summary>
/// Refuses bodies over the limit with 413 before anything reads them, on any server. The limit is
/// <see cref="Limits.MaxRequestBytes"/> unless the endpoint declares its own ([RequestSizeLimit]: a file it streams).
/// </summary>
internal sealed class BodyLimit(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize
            ?? Limits.MaxRequestBytes;
        if (http.Request.ContentLength > limit)
        {
            await Problems.Result(413, "Body too large", $"Request bodies are limited to {limit} bytes.").ExecuteAsync(http);
            return;
        }
        if (limit != Limits.MaxRequestBytes && http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
            server.MaxRequestBodySize = limit;
        await next(http);
    }
}

/// <summary>The one place unexpected exceptions become problem details; a client's fault is never a 500.</summary>
internal sealed class LedgerExceptionHandler(IProblemDetailsService problems, ILogger<LedgerExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken token)
    {
        var (status, title) = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } => (413, "Body too large"),
            BadHttpRequestException b => (b.StatusCode, "Bad request"),
            JsonException => (400, "Invalid JSON"),
            JasperFx.ConcurrencyException => (409, "Concurrent change"),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "Client closed request"),
            _ when LedgerUnavailable.Is(exception) => (503, "Ledger unavailable"),
            _ => (500, "Unexpected error")
        };
        if (status == 503) logger.LogWarning("Ledger unavailable: {Path} answered 503 ({Reason})", http.Request.Path, exception.GetBaseException().Message);
        else if (status >= 500) logger.LogError(exception, "Request failed: {Path}", http.Request.Path);
        http.Response.StatusCode = status;
        if (status == 503) LedgerUnavailable.Answer(http.Response);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = status >= 500 ? "The ledger could not complete this request." : exception.Message }
        });
    }
}
