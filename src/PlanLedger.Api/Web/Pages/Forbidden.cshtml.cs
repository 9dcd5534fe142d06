using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PlanLedger.Web.Pages;

public sealed class ForbiddenModel : PageModel
{
    public void OnGet() => Response.StatusCode = 403;
}
