using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PlanLedger.Web.Pages;

public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/web");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(WebScreens.CookieScheme);
        return Redirect("/web/sign-in");
    }
}
