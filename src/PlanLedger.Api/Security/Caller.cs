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
    public const string Subject = "sub";
    public const string AllPartnerships = "*";
}

/// <summary>Who is calling, read from the credential alone (never from a body or header).</summary>
public sealed record Caller(string Actor, string SourceSystem, IReadOnlySet<string> Roles, IReadOnlySet<string> Partnerships)
{
    public static Caller From(ClaimsPrincipal user)
    {
        // The actor is the token's subject and nothing else: a "name" claim is display text anyone's
        // identity provider may set. Authentication refuses a token without a subject (CredentialRules).
        var actor = user.FindFirst(Claims.Subject)?.Value ?? "";
        var source = user.FindFirst(Claims.SourceSystem)?.Value ?? user.FindFirst("azp")?.Value ?? user.FindFirst("client_id")?.Value ?? actor;
        var roles = user.FindAll(Claims.Role).Concat(user.FindAll(ClaimTypes.Role)).Select(c => c.Value).ToHashSet();
        var partnerships = user.FindAll(Claims.Partnership).Select(c => c.Value).ToHashSet();
        return new Caller(actor, source, roles, partnerships);
    }

    /// <summary>
    /// A writer credential carries the writer role alone. A JWT cannot say which partnership goes with which
    /// role, so a credential mixing partner-writer with a reading role would let the reading role's reach
    /// (national: every partnership; auditor: "*") widen where it may write. Such a credential is refused.
    /// </summary>
    public bool IsCoherent => !Roles.Contains(Security.Roles.PartnerWriter) || Roles.Count == 1;

    /// <summary>
    /// Whether this credential may write to the partnership: the writer role alone, and the partnership named
    /// in the credential itself (never through "*", never through another role's reach).
    /// </summary>
    public bool MayWrite(string partnership) =>
        IsCoherent && Roles.Contains(Security.Roles.PartnerWriter)
        && partnership != Claims.AllPartnerships && Partnerships.Contains(partnership);

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
