using PlanLedger.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.National;
using PlanLedger.Partnerships;
using PlanLedger.Security;

namespace PlanLedger.Web.Pages;

/// <summary>Where a signed-in person starts: national leadership at the MSG ratings, a partnership's staff at their overview.</summary>
public sealed class IndexModel(IDocumentStore store) : LedgerPage
{
    public IReadOnlyList<Partnership> Visible { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Caller.Roles.Contains(Roles.National)) return Redirect("/web/national");
        await using var session = store.QuerySession(NationalLedger.Tenant);
        Visible = (await AcrossPartnerships.PartnershipsAsync(session, HttpContext.RequestAborted)).Where(p => Caller.MaySee(p.Code)).ToList();
        return Visible.Count == 1 && !Caller.Partnerships.Contains(Claims.AllPartnerships) ? Redirect($"/web/partnerships/{Visible[0].Code}") : Page();
    }
}
