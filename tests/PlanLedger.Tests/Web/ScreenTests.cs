using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.Playwright;
using PlanLedger.Security;
using PlanLedger.Seeder;
using PlanLedger.Tests.National;

namespace PlanLedger.Tests.Web;

/// <summary>
/// The web screens in a real headless Chromium: each role signs in, opens its pages, and every figure is checked
/// against the API's JSON for the same asOf/effectiveOn, read through the same browser session. axe-core runs on
/// every page (WCAG 2.2 AA, zero violations), and each main page is saved to docs/screens for the README.
/// </summary>
public sealed class ScreenTests(LedgerHost host) : LedgerTest(host)
{
    private const string Pk = "perth-kinross";
    private const string PkPlan = "joint-inspection-improvement-plan";
    private const string PkPlanPath = $"/partnerships/{Pk}/plans/{PkPlan}";
    private static readonly string[] AxeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
    private ScreenHost _screens = null!;
    private readonly List<string> _browserErrors = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _screens = await ScreenHost.GetAsync(Host);
    }

    [Fact]
    public async Task national_leadership_sees_the_heatmap_delivery_slippage_and_registry_with_the_apis_figures()
    {
        await SeedAsync();
        var page = await SignInAsync(Roles.National);
        page.Url.ShouldEndWith("/web/national");

        // The heatmap: every cell's level and every count is the API's.
        await OpenAsync(page, "/web/national", "national-heatmap");
        await HeatmapMatchesApi(page, "/national/msg-ratings");
        (await page.GetAttributeAsync("#matrix tr[data-partnership=orkney] td[data-proposal='2.6']", "data-rating")).ShouldBe("NotYetEstablished");
        (await page.InnerTextAsync("#matrix tr[data-partnership=orkney] td[data-proposal='2.6']")).ShouldContain("↓");

        // The date control: the page as at a past business date is the API's answer for that date.
        await page.FillAsync("#effectiveOn", "2019-06-30");
        await page.ClickAsync("form.pl-asat button[type=submit]");
        page.Url.ShouldContain("effectiveOn=2019-06-30");
        await AxeAsync(page);
        await HeatmapMatchesApi(page, "/national/msg-ratings?effectiveOn=2019-06-30");
        (await page.GetAttributeAsync("#matrix tr[data-partnership=orkney] td[data-proposal='2.6']", "data-rating")).ShouldBe("PartlyEstablished");
        await CsvLinkAsync(page, ".pl-downloads a");

        // Delivery by partnership.
        await OpenAsync(page, "/web/national/delivery", "national-delivery");
        var delivery = await ApiAsync(page, "/national/delivery");
        foreach (var p in delivery.GetProperty("partnerships").EnumerateArray())
        {
            var row = $"#delivery tr[data-partnership='{p.GetProperty("partnership").GetString()}']";
            var figures = p.GetProperty("figures");
            foreach (var figure in new[] { "actions", "overdue", "slipped", "completed", "completedByOriginalTarget" })
                (await page.InnerTextAsync($"{row} [data-figure={figure}]")).Trim().ShouldBe(figures.GetProperty(figure).GetInt32().ToString(), $"{row} {figure}");
        }

        // The slippage list, filtered through its form.
        await OpenAsync(page, "/web/national/slippage");
        await page.FillAsync("#minDays", "1");
        await page.SelectOptionAsync("#partnership", Pk);
        await page.ClickAsync("form.pl-filters button[type=submit]");
        page.Url.ShouldContain("minDays=1");
        await AxeAsync(page);
        await ShotAsync(page, "national-slippage");
        var slippage = await ApiAsync(page, $"/national/slippage?minDays=1&partnership={Pk}");
        slippage.GetProperty("totalActions").GetInt32().ShouldBe(1);
        (await page.Locator("#slippage tbody tr").CountAsync()).ShouldBe(1);
        (await page.GetAttributeAsync("#slippage tbody tr", "data-action")).ShouldBe(slippage.GetProperty("actions")[0].GetProperty("action").GetString());
        (await page.InnerTextAsync("#slippage [data-figure=daysSlipped]")).Trim().ShouldBe(slippage.GetProperty("actions")[0].GetProperty("daysSlipped").GetInt32().ToString());

        // The registry, now and through its as-at control: the seeds onboarded every partnership today, so none was
        // recorded by the start of 2020 and all of them by tomorrow.
        await OpenAsync(page, "/web/partnerships", "partnerships-registry");
        await RegistryMatchesApi(page, "/partnerships", 4);
        await page.FillAsync("#asOf", "2020-01-01T00:00");
        await page.ClickAsync("form.pl-asat button[type=submit]");
        page.Url.ShouldContain("asOf=2020-01-01");
        await AxeAsync(page);
        await RegistryMatchesApi(page, "/partnerships?asOf=2020-01-01T00:00:00Z", 0);
        (await page.IsVisibleAsync("#no-partnerships")).ShouldBeTrue();
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm");
        await page.FillAsync("#asOf", tomorrow);
        await page.ClickAsync("form.pl-asat button[type=submit]");
        await RegistryMatchesApi(page, $"/partnerships?asOf={tomorrow}:00Z", 4);
        var registryCsv = await page.GetAttributeAsync(".pl-downloads a", "href") ?? "";
        registryCsv.ShouldContain("format=csv");
        registryCsv.ShouldContain($"asOf={Uri.EscapeDataString(tomorrow + ":00Z")}");
        (await (await page.APIRequest.GetAsync(registryCsv)).TextAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1 + 4);

        // A rating's history, reached from its heatmap cell.
        await OpenAsync(page, "/web/national");
        await page.ClickAsync("#matrix tr[data-partnership=orkney] td[data-proposal='2.6'] a");
        page.Url.ShouldEndWith("/web/partnerships/orkney/self-assessments/2.6");
        await AxeAsync(page);
        await ShotAsync(page, "rating-history");
        (await page.Locator("#timeline [data-step]").EvaluateAllAsync<string[]>("s => s.map(x => x.dataset.step)"))
            .ShouldBe(["PartlyEstablished", "NotYetEstablished"]);
        var history = await ApiAsync(page, "/partnerships/orkney/self-assessments/2.6/history");
        (await page.Locator("#history tbody tr").CountAsync()).ShouldBe(history.GetProperty("totalEntries").GetInt32());
        (await page.Locator("#history .pl-flag--backdated").CountAsync()).ShouldBe(history.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("backdated").GetBoolean()));
        (await CsvLinkAsync(page, ".pl-downloads a[href*='format=csv']")).Length.ShouldBe(1 + history.GetProperty("totalEntries").GetInt32());
        await page.ClickAsync("#timeline a[data-step=PartlyEstablished]");
        (await page.GetAttributeAsync("#record [data-rating]", "data-rating")).ShouldBe("PartlyEstablished");

        // Orkney's self-assessments now, then through the as-at control on a business date before its December revisions.
        await OpenAsync(page, "/web/partnerships/orkney/self-assessments", "self-assessments");
        await RatingsMatchApi(page, "/partnerships/orkney/self-assessments");
        (await page.GetAttributeAsync("tr[data-proposal='2.6'] td[data-rating]", "data-rating")).ShouldBe("NotYetEstablished");
        await page.FillAsync("#effectiveOn", "2019-06-30");
        await page.ClickAsync("form.pl-asat button[type=submit]");
        page.Url.ShouldContain("effectiveOn=2019-06-30");
        await AxeAsync(page);
        await RatingsMatchApi(page, "/partnerships/orkney/self-assessments?effectiveOn=2019-06-30");
        (await page.GetAttributeAsync("tr[data-proposal='2.6'] td[data-rating]", "data-rating")).ShouldBe("PartlyEstablished");
        var ratingsCsv = await page.GetAttributeAsync(".pl-downloads a", "href") ?? "";
        ratingsCsv.ShouldContain("effectiveOn=2019-06-30");
        var ratingsText = await (await page.APIRequest.GetAsync(ratingsCsv)).TextAsync();
        ratingsText.ShouldContain("\r\n2.6,PartlyEstablished,");
        _browserErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task partnership_staff_see_their_overview_plan_and_board_paper_and_nothing_of_another_partnership()
    {
        await SeedAsync();
        var page = await SignInAsync(Roles.PartnerReader, Pk);
        page.Url.ShouldEndWith($"/web/partnerships/{Pk}");
        await AxeAsync(page);
        await ShotAsync(page, "partnership-overview");
        var overview = await ApiAsync(page, $"/partnerships/{Pk}/overview");
        foreach (var plan in overview.GetProperty("plans").EnumerateArray())
        {
            var row = $"#plans tr[data-plan='{plan.GetProperty("plan").GetString()}']";
            var counts = plan.GetProperty("counts");
            foreach (var figure in new[] { "actions", "overdue", "slipped", "completed" })
                (await page.InnerTextAsync($"{row} [data-figure={figure}]")).Trim().ShouldBe(counts.GetProperty(figure).GetInt32().ToString(), $"{row} {figure}");
        }

        // The overview as at a past business date: each plan summarised as the summary endpoint folds it then.
        await OpenAsync(page, $"/web/partnerships/{Pk}?effectiveOn=2020-12-31");
        var then = await ApiAsync(page, $"{PkPlanPath}/summary?effectiveOn=2020-12-31");
        foreach (var figure in new[] { "actions", "overdue", "slipped", "completed" })
            (await page.InnerTextAsync($"#plans tr[data-plan='{PkPlan}'] [data-figure={figure}]")).Trim()
                .ShouldBe(then.GetProperty("counts").GetProperty(figure).GetInt32().ToString(), $"as at 2020-12-31: {figure}");
        then.GetProperty("counts").GetProperty("slipped").GetInt32().ShouldBe(0, "action 3.4 slipped in January 2021");
        (await page.GetAttributeAsync($"#plans tr[data-plan='{PkPlan}'] th a", "href"))!.ShouldContain("effectiveOn=2020-12-31");
        var plansCsv = await CsvLinkAsync(page, ".pl-downloads a[href*='format=csv']", "effectiveOn=2020-12-31");
        plansCsv.Length.ShouldBe(1 + (await ApiAsync(page, $"/partnerships/{Pk}/overview?effectiveOn=2020-12-31")).GetProperty("plans").GetArrayLength());
        await page.GotoAsync($"/web/partnerships/{Pk}");

        // The plan, reached from the overview.
        await page.ClickAsync($"#plans tr[data-plan='{PkPlan}'] th a");
        page.Url.ShouldEndWith($"/web/partnerships/{Pk}/plans/{PkPlan}");
        await AxeAsync(page);
        await ShotAsync(page, "plan");
        var summary = await ApiAsync(page, $"{PkPlanPath}/summary");
        foreach (var figure in new[] { "actions", "overdue", "slipped", "completed" })
            (await page.InnerTextAsync($"#summary tfoot [data-figure={figure}]")).Trim().ShouldBe(summary.GetProperty("counts").GetProperty(figure).GetInt32().ToString(), figure);
        (await CsvLinkAsync(page, "a[href*='/summary?format=csv']")).Length.ShouldBe(1 + summary.GetProperty("byHeading").GetArrayLength());
        var actions = await ApiAsync(page, $"{PkPlanPath}/actions");
        (await page.Locator("#actions tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.action)"))
            .ShouldBe(actions.EnumerateArray().Select(a => a.GetProperty("reference").GetString()!).ToArray());

        // Filtered as the API filters.
        await page.SelectOptionAsync("#status", "Green");
        await page.ClickAsync("form.pl-filters button[type=submit]");
        var green = await ApiAsync(page, $"{PkPlanPath}/actions?status=Green");
        (await page.Locator("#actions tbody tr").CountAsync()).ShouldBe(green.GetArrayLength());

        // The board paper: the board report's rows, and printable without the site's furniture.
        await OpenAsync(page, $"/web/partnerships/{Pk}/plans/{PkPlan}/board-paper", "board-paper");
        var report = await ApiAsync(page, $"{PkPlanPath}/board-report");
        (await page.Locator("#board-report tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.cells[7].innerText.trim())"))
            .ShouldBe(report.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("status").GetString()!).ToArray());
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        (await page.IsVisibleAsync(".ds_site-header")).ShouldBeFalse();
        (await page.IsVisibleAsync("#board-report")).ShouldBeTrue();
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Screen });

        // What the API would refuse this caller, the screens refuse too.
        (await page.GotoAsync("/web/national"))!.Status.ShouldBe(403);
        (await page.GotoAsync("/web/partnerships/orkney"))!.Status.ShouldBe(404);
        (await page.APIRequest.GetAsync("/partnerships/orkney/overview")).Status.ShouldBe(404);

        // The partner system's role signs in too: the same overview, and its web session cannot write either.
        var writer = await SignInAsync(Roles.PartnerWriter, Pk);
        writer.Url.ShouldEndWith($"/web/partnerships/{Pk}");
        await AxeAsync(writer);
        var planCounts = overview.GetProperty("plans").EnumerateArray().Single(p => p.GetProperty("plan").GetString() == PkPlan).GetProperty("counts");
        (await writer.InnerTextAsync($"#plans tr[data-plan='{PkPlan}'] [data-figure=actions]")).Trim().ShouldBe(planCounts.GetProperty("actions").GetInt32().ToString());
        (await writer.APIRequest.PostAsync($"{PkPlanPath}/actions/3.4/status", new APIRequestContextOptions { DataObject = new { status = "Red" } })).Status.ShouldBe(401);
        _browserErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task an_auditor_follows_an_actions_story_by_keyboard_and_sees_it_as_it_stood_at_each_change()
    {
        await SeedAsync();
        var page = await SignInAsync(Roles.Auditor, Pk);
        await OpenAsync(page, $"/web/partnerships/{Pk}/plans/{PkPlan}");

        // Keyboard only: the skip link comes first and lands in the page; tabbing reaches action 3.4 and Enter opens it.
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.textContent.trim()")).ShouldBe("Skip to main content");
        await page.Keyboard.PressAsync("Enter");
        (await page.EvaluateAsync<string>("document.activeElement.id")).ShouldBe("main-content");
        for (var i = 0; i < 200 && await page.EvaluateAsync<string>("document.activeElement.textContent.trim()") != "3.4 story"; i++)
            await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await ArrivedAsync(page, @"/actions/3\.4$");
        await AxeAsync(page);
        await ShotAsync(page, "action-story");

        // The story is the API's history; the timeline is its status transitions and slips in order.
        var path = $"{PkPlanPath}/actions/3.4";
        var history = await ApiAsync(page, $"{path}/history");
        (await page.Locator("#history tbody tr").CountAsync()).ShouldBe(history.GetProperty("totalEntries").GetInt32());
        (await page.Locator("#history .pl-flag--backdated").CountAsync()).ShouldBe(history.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("backdated").GetBoolean()));
        (await CsvLinkAsync(page, ".pl-downloads a[href*='/history?format=csv']")).Length.ShouldBe(1 + history.GetProperty("totalEntries").GetInt32());
        (await page.Locator("#timeline [data-step]").EvaluateAllAsync<string[]>("s => s.map(x => x.dataset.step)"))
            .ShouldBe(["slipped", "Red", "Amber", "Green", "Blue"]);
        (await page.GetAttributeAsync("#record [data-status]", "data-status")).ShouldBe("Blue");

        // Each timeline step links to the action as it stood just after that change.
        await page.ClickAsync("#timeline li:nth-child(2) a");
        page.Url.ShouldContain("version=");
        var version = page.Url.Split("version=")[1];
        var then = await ApiAsync(page, $"{path}?version={version}");
        (await page.GetAttributeAsync("#record [data-status]", "data-status")).ShouldBe(then.GetProperty("status").GetString());
        then.GetProperty("status").GetString().ShouldBe("Red");

        // The as-at control: the action as at a business date, as the API answers for that date.
        await page.GotoAsync($"/web/partnerships/{Pk}/plans/{PkPlan}/actions/3.4");
        await page.FillAsync("#effectiveOn", "2021-03-15");
        await page.ClickAsync("form.pl-asat button[type=submit]");
        page.Url.ShouldContain("effectiveOn=2021-03-15");
        var asAt = await ApiAsync(page, $"{path}?effectiveOn=2021-03-15");
        (await page.GetAttributeAsync("#record [data-status]", "data-status")).ShouldBe(asAt.GetProperty("status").GetString());
        asAt.GetProperty("status").GetString().ShouldBe("Amber");
        await AxeAsync(page);

        // An auditor of every partnership starts from the list of them.
        var all = await SignInAsync(Roles.Auditor);
        all.Url.ShouldEndWith("/web");
        await AxeAsync(all);
        await ShotAsync(all, "partnerships-list");
        (await all.Locator("main li a").AllInnerTextsAsync()).Count.ShouldBe(4);

        // A web session reads; it never writes, whatever the role.
        var write = await page.APIRequest.PostAsync($"{path}/status", new APIRequestContextOptions { DataObject = new { status = "Red" } });
        write.Status.ShouldBe(401);
        _browserErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task pages_need_a_session_and_send_security_headers_while_the_api_still_answers_401()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(_screens.BaseUrl) };
        var page = await client.GetAsync("/web/national");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/web/sign-in");

        var signIn = await client.GetAsync("/web/sign-in");
        signIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = signIn.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("script-src 'self'");
        csp.ShouldNotContain("unsafe-inline");
        signIn.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");

        var api = await client.GetAsync("/national/msg-ratings");
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        api.Headers.WwwAuthenticate.ToString().ShouldContain("Bearer");

        // The design system is served by the app itself.
        var css = await client.GetAsync("/web/assets/design-system/design-system.min.css");
        css.StatusCode.ShouldBe(HttpStatusCode.OK);
        css.Content.Headers.ContentType!.MediaType.ShouldBe("text/css");
    }

    [Fact]
    public async Task in_production_pages_sign_in_through_openid_connect_with_pkce_and_the_development_sign_in_is_gone()
    {
        await using var factory = Host.Factory(Host.ConnectionString, "Disabled").WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Web:Oidc:Authority", "https://login.example.scot");
            b.UseSetting("Web:Oidc:ClientId", "planledger-web");
            // The provider's metadata, as its discovery document would give it (nothing is fetched in a test).
            b.ConfigureServices(s => s.Configure<OpenIdConnectOptions>(PlanLedger.Web.WebScreens.OidcScheme, o => o.Configuration = new OpenIdConnectConfiguration
            {
                Issuer = "https://login.example.scot", AuthorizationEndpoint = "https://login.example.scot/authorize", TokenEndpoint = "https://login.example.scot/token"
            }));
        });
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await client.GetAsync("/web/national");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var challenge = page.Headers.Location!;
        challenge.GetLeftPart(UriPartial.Path).ShouldBe("https://login.example.scot/authorize");
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(challenge.Query);
        query["response_type"].ToString().ShouldBe("code");
        query["client_id"].ToString().ShouldBe("planledger-web");
        query["code_challenge_method"].ToString().ShouldBe("S256");
        query["code_challenge"].ToString().ShouldNotBeNullOrEmpty();
        query["redirect_uri"].ToString().ShouldEndWith("/web/signin-oidc");

        // No development sign-in in production: the page challenges too, and posting to it is refused.
        (await client.GetAsync("/web/sign-in")).Headers.Location!.GetLeftPart(UriPartial.Path).ShouldBe("https://login.example.scot/authorize");
        (await client.PostAsync("/web/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["role"] = Roles.National, ["partnership"] = "*" })))
            .IsSuccessStatusCode.ShouldBeFalse();

        // The bearer API is as it was.
        (await client.GetAsync("/national/msg-ratings")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var national = factory.CreateClient();
        national.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Host.Token(Roles.National));
        (await national.GetAsync("/national/msg-ratings")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    // --- scenario and browser helpers ---

    /// <summary>The five seed board papers, then a story for Perth &amp; Kinross action 3.4: a slip, Red, Amber, Green, completed.</summary>
    private async Task SeedAsync()
    {
        var seeds = Path.Combine(ScreenHost.Root, "seeds");
        await SeedLoader.LoadAsync(Host.Client, seeds, (role, partnership) => DevelopmentTokens.Mint(Host.SigningKey,
            partnership is null ? "seed-admin" : SeedLoader.ClientFor(partnership), [role], partnership is null ? [] : [partnership]));
        using var writer = Host.ClientFor(Roles.PartnerWriter, Pk);
        await writer.Slip(Pk, PkPlan, "3.4", "30 September 2021", "Recruitment to the team took longer than planned", "2021-01-15");
        await writer.Post($"{PkPlanPath}/actions/3.4/status", new { status = "Red", reason = "Posts still vacant", effectiveOn = "2021-02-01" });
        await writer.Post($"{PkPlanPath}/actions/3.4/status", new { status = "Amber", reason = "Two posts filled", effectiveOn = "2021-03-01" });
        await writer.Post($"{PkPlanPath}/actions/3.4/status", new { status = "Green", reason = "Team in post", effectiveOn = "2021-06-30" });
        await writer.Complete(Pk, PkPlan, "3.4", "2021-09-30");
        await Host.NationalViewsCaughtUpAsync();
    }

    private async Task<IPage> SignInAsync(string role, string partnership = Claims.AllPartnerships)
    {
        var context = await _screens.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _screens.BaseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, Locale = "en-GB"
        });
        var page = await context.NewPageAsync();
        // Script errors and CSP refusals; the 403 and 404 pages the tests open on purpose log as failed loads.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource")) _browserErrors.Add(message.Text);
        };
        page.PageError += (_, error) => _browserErrors.Add(error);
        await page.GotoAsync("/web");
        page.Url.ShouldContain("/web/sign-in");
        await AxeAsync(page);
        if (role == Roles.National) await ShotAsync(page, "sign-in");
        await page.ClickAsync($"label[for=role-{role}]");
        await page.SelectOptionAsync("#partnership", partnership);
        await page.ClickAsync("main button[type=submit]");
        await ArrivedAsync(page, "^(?!/web/sign-in)");
        return page;
    }

    /// <summary>Waits, polling in the page itself, until it is a loaded document at a path matching the pattern.
    /// Not WaitForURLAsync: it checks for the load event and then subscribes to it, so it can miss it
    /// (playwright-dotnet#3364); that timed out a CI run.</summary>
    private static Task ArrivedAsync(IPage page, string pathPattern) =>
        page.WaitForFunctionAsync("p => new RegExp(p).test(location.pathname) && document.readyState === 'complete'", pathPattern);

    private static async Task OpenAsync(IPage page, string path, string? screenshot = null)
    {
        var response = await page.GotoAsync(path);
        response!.Status.ShouldBe(200, path);
        await AxeAsync(page);
        if (screenshot is not null) await ShotAsync(page, screenshot);
    }

    /// <summary>axe-core on the page as it is, WCAG 2.2 AA rules; evaluated over DevTools, so the page's CSP stays on.</summary>
    private static async Task AxeAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("typeof axe !== 'undefined'")) await page.EvaluateAsync(ScreenHost.Axe);
        var violations = await page.EvaluateAsync<JsonElement>(
            "async tags => (await axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations" +
            ".map(v => `${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)", AxeTags);
        violations.GetArrayLength().ShouldBe(0, $"{page.Url}\n{violations}");
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        var folder = Path.Combine(ScreenHost.Root, "docs", "screens");
        Directory.CreateDirectory(folder);
        // The top of the page, at most 1,800 pixels of it, keeps the committed images small.
        var height = await page.EvaluateAsync<int>("document.documentElement.scrollHeight");
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(folder, $"{name}.png"), FullPage = true, Clip = new Clip { X = 0, Y = 0, Width = 1280, Height = Math.Min(height, 1800) }
        });
    }

    /// <summary>The API's JSON for the same question, through the same browser session (a web session may read the API).</summary>
    /// <summary>Follows a page's CSV link, which must carry the given query text: 200 text/csv; its records (header first).</summary>
    private static async Task<IReadOnlyList<string>[]> CsvLinkAsync(IPage page, string link, string? carries = null)
    {
        var href = await page.GetAttributeAsync(link, "href") ?? "";
        href.ShouldContain("format=csv");
        if (carries is not null) href.ShouldContain(carries);
        var response = await page.APIRequest.GetAsync(href);
        response.Status.ShouldBe(200, href);
        response.Headers["content-type"].ShouldStartWith("text/csv");
        var reader = new PlanLedger.Returns.CsvReader(new StringReader(await response.TextAsync()));
        var records = new List<IReadOnlyList<string>>();
        while (reader.Next() is { } record) records.Add(record);
        return records.ToArray();
    }

    private static async Task<JsonElement> ApiAsync(IPage page, string path)
    {
        var response = await page.APIRequest.GetAsync(path);
        response.Status.ShouldBe(200, path);
        return (await response.JsonAsync())!.Value;
    }

    private static async Task RegistryMatchesApi(IPage page, string api, int expected)
    {
        var codes = (await ApiAsync(page, api)).EnumerateArray().Select(p => p.GetProperty("code").GetString()!).ToArray();
        codes.Length.ShouldBe(expected, api);
        (await page.Locator("#registry tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.partnership)")).ShouldBe(codes, api);
    }

    /// <summary>Every rated proposal on the page has the API's rating, first rating and revisions; no other is rated.</summary>
    private static async Task RatingsMatchApi(IPage page, string api)
    {
        var ratings = (await ApiAsync(page, api)).EnumerateArray().ToList();
        ratings.ShouldNotBeEmpty(api);
        (await page.Locator("td[data-rating]").CountAsync()).ShouldBe(ratings.Count, api);
        foreach (var r in ratings)
        {
            var row = $"tr[data-proposal='{r.GetProperty("proposal").GetString()}']";
            (await page.GetAttributeAsync($"{row} td[data-rating]", "data-rating")).ShouldBe(r.GetProperty("rating").GetString(), row);
            (await page.GetAttributeAsync($"{row} td[data-first-rating]", "data-first-rating")).ShouldBe(r.GetProperty("firstRating").GetString(), row);
            (await page.InnerTextAsync($"{row} [data-figure=revisions]")).Trim().ShouldBe(r.GetProperty("revisions").GetInt32().ToString(), row);
        }
    }

    private static async Task HeatmapMatchesApi(IPage page, string api)
    {
        var view = await ApiAsync(page, api);
        foreach (var row in view.GetProperty("partnerships").EnumerateArray())
        {
            var partnership = row.GetProperty("partnership").GetString();
            var cells = await page.Locator($"#matrix tr[data-partnership='{partnership}'] td").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.rating)");
            cells.ShouldBe(row.GetProperty("ratings").EnumerateArray().Select(c => c.GetProperty("rating").GetString() ?? "").ToArray(), partnership);
        }
        foreach (var p in view.GetProperty("byProposal").EnumerateArray())
        {
            var counts = p.GetProperty("counts");
            var cells = await page.Locator($"#by-proposal tr[data-proposal='{p.GetProperty("proposal").GetString()}'] td").AllInnerTextsAsync();
            cells.Select(c => c.Trim()).ShouldBe(new[] { "notYetEstablished", "partlyEstablished", "established", "exemplary", "notRated" }
                .Select(level => counts.GetProperty(level).GetInt32().ToString()).ToArray());
        }
    }
}
