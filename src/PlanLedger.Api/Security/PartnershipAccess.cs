using PlanLedger.Infrastructure;
using PlanLedger.Partnerships;

namespace PlanLedger.Security;

/// <summary>
/// Checks the partnership named in the route against the directory and the credential on every request.
/// Marten and Wolverine take any tenant id given to them, so this is where isolation holds:
/// another partnership's data is indistinguishable from missing data (404).
/// </summary>
public sealed class PartnershipAccess(RequestDelegate next)
{
    public const string RouteKey = "partnershipId";

    public async Task InvokeAsync(HttpContext http, PartnershipDirectory directory)
    {
        if (http.GetRouteValue(RouteKey) is string partnership)
        {
            var caller = http.Caller();
            if (!(caller.MaySee(partnership) || AdministeredByAdmin(http, caller)) || !await directory.ExistsAsync(partnership, http.RequestAborted))
            {
                await Problems.Result(404, "Not found", $"Partnership '{partnership}' was not found.").ExecuteAsync(http);
                return;
            }
            http.SetPartnership(partnership);
        }
        await next(http);
    }

    private static bool AdministeredByAdmin(HttpContext http, Caller caller) =>
        caller.Roles.Contains(Roles.Admin)
        && http.GetEndpoint()?.Metadata.GetMetadata<Wolverine.Http.HttpChain>()?.Method.Method.IsDefined(typeof(PartnershipAdministrationAttribute), false) == true;
}

/// <summary>An operation the admin may also perform on any partnership (its policy still decides who else may).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PartnershipAdministrationAttribute : Attribute;
