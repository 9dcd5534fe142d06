using System.Security.Claims;

namespace PlanLedger.Security;

/// <summary>The roles a credential can carry.</summary>
public static class Roles
{
    /// <summary>A partner system writing (and reading) its own partnership's ledger.</summary>
    public const string PartnerWriter = "partner-writer";
    /// <summary>Reads its own partnership's ledger.</summary>
    public const string PartnerReader = "partner-reader";
    /// <summary>Internal audit, the Care Inspectorate, Audit Scotland: reads and history for listed partnerships, or all ("*").</summary>
    public const string Auditor = "auditor";
    /// <summary>National leadership: cross-partnership views and reads of every partnership; no writes.</summary>
    public const string National = "national";
    /// <summary>Onboards partnerships; nothing else.</summary>
    public const string Admin = "admin";

    public static readonly string[] All = [PartnerWriter, PartnerReader, Auditor, National, Admin];
}

public static class Claims
{
    public const string Role = "role";
    public const string Partnership = "partnership";
    public const string SourceSystem = "source_system";
    public const string AllPartnerships = "*";
}

/// <summary>Who is calling, read from the credential alone (never from a body or header).</summary>
public sealed record Caller(string Actor, string SourceSystem, IReadOnlySet<string> Roles, IReadOnlySet<string> Partnerships)
{
    public static Caller From(ClaimsPrincipal user)
    {
        var actor = user.FindFirst("name")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.FindFirst("sub")?.Value ?? "anonymous";
        var source = user.FindFirst(Claims.SourceSystem)?.Value ?? user.FindFirst("azp")?.Value ?? user.FindFirst("client_id")?.Value ?? actor;
        var roles = user.FindAll(Claims.Role).Concat(user.FindAll(ClaimTypes.Role)).Select(c => c.Value).ToHashSet();
        var partnerships = user.FindAll(Claims.Partnership).Select(c => c.Value).ToHashSet();
        return new Caller(actor, source, roles, partnerships);
    }

    /// <summary>Whether this credential may see the partnership at all; national leadership reads every partnership.</summary>
    public bool MaySee(string partnership) =>
        Roles.Contains(Security.Roles.National)
        || Partnerships.Contains(partnership)
        || (Roles.Contains(Security.Roles.Auditor) && Partnerships.Contains(Claims.AllPartnerships));
}

public static class CallerContext
{
    private const string PartnershipKey = "planledger.partnership";

    public static Caller Caller(this HttpContext http) =>
        http.Items.TryGetValue(nameof(Caller), out var c) && c is Caller caller
            ? caller
            : (Caller)(http.Items[nameof(Caller)] = Security.Caller.From(http.User));

    /// <summary>The partnership named in the route, after <see cref="PartnershipAccess"/> checked it against the credential.</summary>
    public static string Partnership(this HttpContext http) =>
        http.Items[PartnershipKey] as string
        ?? throw new InvalidOperationException("No checked partnership on this request: the route has no {partnershipId}");

    internal static void SetPartnership(this HttpContext http, string partnership) => http.Items[PartnershipKey] = partnership;
}
