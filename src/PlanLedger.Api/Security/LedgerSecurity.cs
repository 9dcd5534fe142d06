using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;
using PlanLedger.Infrastructure;

namespace PlanLedger.Security;

public static class Policies
{
    /// <summary>Write to the partnership in the route.</summary>
    public const string Write = "write";
    /// <summary>Read the partnership in the route.</summary>
    public const string Read = "read";
    /// <summary>Views across all partnerships.</summary>
    public const string ReadAcross = "read-across";
    /// <summary>Onboard partnerships.</summary>
    public const string Onboard = "onboard";
}

/// <summary>JWT bearer authentication as an OAuth2 client-credentials provider would issue, roles, and abuse limits.</summary>
public static class LedgerSecurity
{
    public static WebApplicationBuilder AddLedgerSecurity(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection("Auth");
        var issuer = auth["Issuer"] ?? DevelopmentTokens.Issuer;
        var audience = auth["Audience"] ?? DevelopmentTokens.Audience;
        var authority = auth["Authority"];
        var signingKey = auth["SigningKey"];
        if (authority is null && string.IsNullOrWhiteSpace(signingKey))
            throw new InvalidOperationException(
                "No token validation configured: set Auth:Authority (an OpenID Connect issuer) or Auth:SigningKey (base64, at least 32 bytes). deploy/run.sh makes a development key.");

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                if (authority is not null) o.Authority = authority;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = issuer,
                    ValidAudience = audience,
                    IssuerSigningKey = signingKey is null ? null : new SymmetricSecurityKey(Convert.FromBase64String(signingKey)),
                    RoleClaimType = Claims.Role,
                    NameClaimType = "sub",
                    ClockSkew = TimeSpan.FromSeconds(30)
                };
                o.Events = new JwtBearerEvents { OnTokenValidated = CredentialRules.RequireSubject };
            });

        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(CredentialRules.Coherent(new AuthorizationPolicyBuilder().RequireAuthenticatedUser()).Build())
            .AddPolicy(Policies.Write, p => CredentialRules.Coherent(p.RequireRole(Roles.PartnerWriter)))
            .AddPolicy(Policies.Read, p => CredentialRules.Coherent(p.RequireRole(Roles.PartnerWriter, Roles.PartnerReader, Roles.Auditor, Roles.National)))
            .AddPolicy(Policies.ReadAcross, p => CredentialRules.Coherent(p.RequireRole(Roles.National)))
            .AddPolicy(Policies.Onboard, p => CredentialRules.Coherent(p.RequireRole(Roles.Admin)));

        var permits = builder.Configuration.GetValue("Ledger:RateLimit:PermitsPerSecond", 200);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter(
                    http.User.FindFirst("sub")?.Value ?? http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = permits * 2,
                        TokensPerPeriod = permits,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true
                    }));
            o.OnRejected = async (context, token) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await Problems.Result(429, "Too many requests", "This client has sent too many requests; retry after the number of seconds in Retry-After.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>The policy an endpoint needs when it names none: reads need read, every other verb needs write.</summary>
    public static string DefaultPolicy(IEnumerable<string> httpMethods) =>
        httpMethods.All(m => m is "GET" or "HEAD") ? Policies.Read : Policies.Write;

    public static WebApplication UseLedgerSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<QueryInput>();
        app.UseMiddleware<PartnershipAccess>();
        return app;
    }
}
