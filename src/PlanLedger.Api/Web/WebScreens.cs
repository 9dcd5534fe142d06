using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.FileProviders;
using PlanLedger.Security;

namespace PlanLedger.Web;

/// <summary>
/// The read-only web screens for auditors, national leadership and partnership staff: Razor Pages under /web,
/// signed in with a cookie session (OpenID Connect in production, a sign-in page in Development and Testing),
/// with the same role and partnership checks as the API.
/// </summary>
public static class WebScreens
{
    public const string CookieScheme = "web";
    public const string OidcScheme = "web-oidc";
    /// <summary>The default scheme: a bearer token where a request carries one, else the web session for reads.</summary>
    public const string ApiOrWebScheme = "api-or-web";
    public const string ReadPolicy = "web-read";
    public const string NationalPolicy = "web-national";
    public const string AssetsPath = "/web/assets";

    /// <summary>Only pages; the API keeps its own headers (Swagger UI needs inline script).</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static bool SignInPageAllowed(IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment("Testing");

    public static WebApplicationBuilder AddWebScreens(this WebApplicationBuilder builder)
    {
        var oidc = builder.Configuration.GetSection("Web:Oidc");
        var useOidc = !string.IsNullOrWhiteSpace(oidc["Authority"]);

        var auth = builder.Services.AddAuthentication()
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "planledger-web";
                o.Cookie.HttpOnly = true;
                // Secure always outside Development/Testing (TLS may end at a proxy); there, whenever the request is HTTPS.
                o.Cookie.SecurePolicy = SignInPageAllowed(builder.Environment) ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/web/sign-in";
                o.LogoutPath = "/web/sign-out";
                o.AccessDeniedPath = "/web/forbidden";
                if (useOidc) o.ForwardChallenge = OidcScheme;
            })
            // API clients are unchanged: a bearer token is checked as before, and an unauthenticated API call is
            // challenged with 401. A web session authenticates only reads (GET/HEAD), so a page's CSV link works and
            // a cookie can never write.
            .AddPolicyScheme(ApiOrWebScheme, null, o =>
            {
                o.ForwardDefaultSelector = http =>
                    http.Request.Headers.Authorization.Count == 0 && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                        ? CookieScheme
                        : JwtBearerDefaults.AuthenticationScheme;
                o.ForwardChallenge = JwtBearerDefaults.AuthenticationScheme;
                o.ForwardForbid = JwtBearerDefaults.AuthenticationScheme;
            });
        if (useOidc)
        {
            auth.AddOpenIdConnect(OidcScheme, o =>
            {
                o.SignInScheme = CookieScheme;
                o.Authority = oidc["Authority"];
                o.ClientId = oidc["ClientId"];
                o.ClientSecret = oidc["ClientSecret"];
                o.ResponseType = "code";
                o.UsePkce = true;
                o.SaveTokens = false;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = true;
                o.CallbackPath = "/web/signin-oidc";
                o.SignedOutCallbackPath = "/web/signout-callback-oidc";
                o.Scope.Clear();
                foreach (var scope in (oidc["Scopes"] ?? "openid profile").Split(' ', StringSplitOptions.RemoveEmptyEntries)) o.Scope.Add(scope);
                o.TokenValidationParameters.RoleClaimType = Claims.Role;
                o.TokenValidationParameters.NameClaimType = "name";
            });
        }
        // Runs after AddLedgerSecurity's AddAuthentication(JwtBearer), so this default wins.
        builder.Services.Configure<AuthenticationOptions>(o => o.DefaultScheme = ApiOrWebScheme);

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.AddAuthenticationSchemes(CookieScheme)
                .RequireRole(Roles.PartnerWriter, Roles.PartnerReader, Roles.Auditor, Roles.National))
            .AddPolicy(NationalPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(Roles.National));

        builder.Services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Web/Pages";
            o.Conventions.AuthorizeFolder("/", ReadPolicy);
            o.Conventions.AuthorizeFolder("/National", NationalPolicy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/Forbidden");
            o.Conventions.AllowAnonymousToPage("/SignOut");
            o.Conventions.ConfigureFilter(new PageChecks());
        });
        // With MVC registered, Swashbuckle describes schemas by MVC's JSON options: keep them the API's (enums as strings).
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => Infrastructure.LedgerHttp.Configure(o.JsonSerializerOptions));
        builder.Services.AddSingleton(new WebOptions(useOidc));
        return builder;
    }

    /// <summary>Security headers and the design system's files; call before UseLedgerHttp. Maps the pages.</summary>
    public static WebApplication UseWebScreens(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/web"))
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                if (!http.Request.Path.StartsWithSegments(AssetsPath)) headers.CacheControl = "no-store";
            }
            await next(http);
        });
        var assets = Path.Combine(AppContext.BaseDirectory, "web-assets");
        if (Directory.Exists(assets))
            app.UseStaticFiles(new StaticFileOptions { RequestPath = AssetsPath, FileProvider = new PhysicalFileProvider(assets) });

        app.MapRazorPages();
        app.MapGet("/", () => Results.Redirect("/web")).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>The principal a development sign-in gives: the claims a token of that role and partnership would carry.</summary>
    public static ClaimsPrincipal DevelopmentPrincipal(string name, string role, IEnumerable<string> partnerships)
    {
        var claims = new List<Claim>
        {
            new("sub", name), new("name", name), new(Claims.Role, role), new(Claims.SourceSystem, "planledger-web")
        };
        claims.AddRange(partnerships.Select(p => new Claim(Claims.Partnership, p)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieScheme, "name", Claims.Role));
    }
}

public sealed record WebOptions(bool UseOidc);
