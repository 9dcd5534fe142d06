using PlanLedger.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PlanLedger.National;
using PlanLedger.Partnerships;
using PlanLedger.Security;

namespace PlanLedger.Web.Pages;

/// <summary>Development and Testing only: choose a role and partnership. Production signs in through OpenID Connect.</summary>
public sealed class SignInModel(IWebHostEnvironment environment, WebOptions options, IDocumentStore store) : PageModel
{
    public static readonly (string Role, string Words)[] RoleChoices =
    [
        (Roles.National, "National leadership"), (Roles.Auditor, "Auditor"),
        (Roles.PartnerReader, "Partnership staff (read)"), (Roles.PartnerWriter, "Partnership staff (partner system)")
    ];

    public bool Allowed => WebScreens.SignInPageAllowed(environment);
    public IReadOnlyList<Partnership> Partnerships { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!Allowed && options.UseOidc) return Challenge(new AuthenticationProperties { RedirectUri = SafeReturn() }, WebScreens.OidcScheme);
        if (Allowed)
        {
            await using var session = store.QuerySession(NationalLedger.Tenant);
            Partnerships = await AcrossPartnerships.PartnershipsAsync(session, HttpContext.RequestAborted);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string role, string partnership, string? name)
    {
        if (!Allowed) return NotFound();
        if (!RoleChoices.Any(r => r.Role == role) || string.IsNullOrWhiteSpace(partnership) || partnership.Length > 64)
            return BadRequest();
        var who = string.IsNullOrWhiteSpace(name) ? $"{role}-web" : name.Trim()[..Math.Min(name.Trim().Length, 100)];
        // A partnership's own staff belong to one partnership; "all" is only for national leadership and auditors.
        if (partnership == Claims.AllPartnerships && role is Roles.PartnerReader or Roles.PartnerWriter) return BadRequest();
        var partnerships = role == Roles.National ? [] : new[] { partnership };
        await HttpContext.SignInAsync(WebScreens.CookieScheme, WebScreens.DevelopmentPrincipal(who, role, partnerships));
        return LocalRedirect(SafeReturn());
    }

    private string SafeReturn() => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/web";
}
