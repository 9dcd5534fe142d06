using PlanLedger.Infrastructure;

namespace PlanLedger.Security;

/// <summary>Which partnerships exist: Marten and Wolverine accept any tenant id, so every request is checked against this.</summary>
public interface IPartnershipRegistry
{
    ValueTask<bool> ExistsAsync(string code, CancellationToken token);
}

/// <summary>
/// Checks the partnership named in the route against the directory and the credential on every request.
/// Marten and Wolverine take any tenant id given to them, so this is where isolation holds:
/// another partnership's data is indistinguishable from missing data (404).
/// </summary>
public sealed class PartnershipAccess(RequestDelegate next)
{
    public const string RouteKey = "partnershipId";

    public async Task InvokeAsync(HttpContext http, IPartnershipRegistry directory)
    {
        if (http.GetRouteValue(RouteKey) is string partnership)
        {
            // Reading reach never becomes writing reach: a write needs the partnership named for the writer.
            var caller = http.Caller();
            var write = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
            var allowed = AdministeredByAdmin(http, caller) || (write ? caller.MayWrite(partnership) : caller.MaySee(partnership));
            if (!allowed || !await directory.ExistsAsync(partnership, http.RequestAborted))
            {
                await Problems.Result(404, "Not found", $"Partnership '{partnership}' was not found.").ExecuteAsync(http);
                return;
            }
            http.SetPartnership(partnership);
        }
        await next(http);
    }

    /// <summary>The one check, for the API and the web screens alike: the credential may see the partnership, and it exists.</summary>
    public static async ValueTask<bool> MaySeeAsync(HttpContext http, string partnership, IPartnershipRegistry directory) =>
        http.Caller().MaySee(partnership) && await directory.ExistsAsync(partnership, http.RequestAborted);

    private static bool AdministeredByAdmin(HttpContext http, Caller caller) =>
        caller.Roles.Contains(Roles.Admin)
        && http.GetEndpoint()?.Metadata.GetMetadata<Wolverine.Http.HttpChain>()?.Method.Method.IsDefined(typeof(PartnershipAdministrationAttribute), false) == true;
}

/// <summary>An operation the admin may also perform on any partnership (its policy still decides who else may).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PartnershipAdministrationAttribute : Attribute;
