using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PlanLedger.Infrastructure;

namespace PlanLedger.Security;

/// <summary>
/// What every answer and every log line holds back: no server banner, no content sniffing, a restrictive
/// Content-Security-Policy, and nothing that looks like a credential in any log, wherever it was sent.
/// </summary>
public static class HttpHardening
{
    /// <summary>Every answer: nothing may load, frame or post anywhere. An HTML page widens it only for what it holds.</summary>
    public const string DefaultPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    // Swagger UI is a page of scripts and styles served from its own path.
    private const string SwaggerPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplicationBuilder AddHttpHardening(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Services.Configure<ProblemDetailsOptions>(o =>
        {
            var before = o.CustomizeProblemDetails;
            o.CustomizeProblemDetails = context =>
            {
                before?.Invoke(context);
                Infrastructure.JsonProblems.Rewrite(context);
            };
        });
        // Every logger the host creates (ASP.NET Core's request log included) goes through the policy.
        builder.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(services => new LogPolicyFactory(new LoggerFactory(
            services.GetServices<ILoggerProvider>(),
            services.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            services.GetService<IOptions<LoggerFactoryOptions>>(),
            services.GetService<IExternalScopeProvider>()))));
        return builder;
    }

    public static WebApplication UseHttpHardening(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.Remove("Server");
                if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
                    headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/swagger") ? SwaggerPolicy : DefaultPolicy;
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }
}

/// <summary>Finds what looks like a credential in text: a JWT, a bearer or basic credential, a token-like query parameter.</summary>
public static partial class Credentials
{
    public const string Redacted = "[redacted]";

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"(?i)((?:^|[?&;\s])(?:access_token|id_token|refresh_token|token|api_key|apikey|key|code|password|secret|client_secret|signature|sig|authorization|auth)=)[^&\s""',;]*")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"(?i)(eyJ|bearer|basic|token|key|code|password|secret|sig|auth)")]
    private static partial Regex Hint();

    public static bool MayHold(string? text) => text is not null && Hint().IsMatch(text);

    public static string Redact(string text) =>
        Parameter().Replace(Scheme().Replace(Jwt().Replace(text, Redacted), m => $"{m.Groups[1].Value} {Redacted}"), m => m.Groups[1].Value + Redacted);
}

