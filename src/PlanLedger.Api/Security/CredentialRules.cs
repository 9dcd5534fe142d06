using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace PlanLedger.Security;

/// <summary>
/// What a credential must be, beyond a valid signature: a subject (the actor every event records), and
/// roles that cannot widen one another (see <see cref="Caller.IsCoherent"/>).
/// </summary>
public static class CredentialRules
{
    /// <summary>No subject, no actor: the token is refused (401) rather than recorded as someone else.</summary>
    public static Task RequireSubject(TokenValidatedContext context)
    {
        if (string.IsNullOrWhiteSpace(context.Principal?.FindFirst(Claims.Subject)?.Value))
            context.Fail("The token has no subject ('sub'): every change records its actor.");
        return Task.CompletedTask;
    }

    /// <summary>Every policy refuses (403) a credential mixing the writer role with another role.</summary>
    public static AuthorizationPolicyBuilder Coherent(AuthorizationPolicyBuilder policy) =>
        policy.RequireAssertion(context => Caller.From(context.User).IsCoherent);
}
