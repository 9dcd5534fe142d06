using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using PlanLedger.Security;

namespace PlanLedger.Tests.Security;

/// <summary>What a credential must carry: a subject, and roles that never widen where a writer may write.</summary>
public sealed class CredentialTests(LedgerHost host) : LedgerTest(host)
{
    private static readonly string[][] RoleSets =
        Roles.All.Select(r => new[] { r })
            .Concat(Roles.All.SelectMany((a, i) => Roles.All.Skip(i + 1).Select(b => new[] { a, b })))
            .ToArray();

    private static readonly string[][] PartnershipSets = [[], ["orkney"], ["orkney", Claims.AllPartnerships], [Claims.AllPartnerships]];

    private HttpClient ClientWith(IEnumerable<Claim> claims)
    {
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(Host.SigningKey)), SecurityAlgorithms.HmacSha256);
        var token = new JwtSecurityToken(DevelopmentTokens.Issuer, DevelopmentTokens.Audience, claims,
            DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddHours(1), credentials);
        var client = Host.ClientFor(Roles.PartnerReader);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new JwtSecurityTokenHandler().WriteToken(token));
        return client;
    }

    private HttpClient ClientFor(string[] roles, string[] partnerships) =>
        ClientWith(roles.Select(r => new Claim(Claims.Role, r)).Concat(partnerships.Select(p => new Claim(Claims.Partnership, p)))
            .Append(new Claim(Claims.Subject, "combined-client")));

    private async Task<int> VersionOfAsync(string partnership)
    {
        using var national = Host.ClientFor(Roles.National);
        return (int)(await national.GetJson($"/partnerships/{partnership}/plans/msg-plan/actions/1.1"))["version"]!;
    }

    [Fact]
    public async Task a_write_is_allowed_only_to_a_partnership_named_in_a_credential_carrying_the_writer_role_alone()
    {
        await Host.PlanWithActionAsync("orkney");
        await Host.PlanWithActionAsync("angus");
        var angus = await VersionOfAsync("angus");
        var orkney = await VersionOfAsync("orkney");
        var status = "Red";
        foreach (var roles in RoleSets)
        foreach (var partnerships in PartnershipSets)
        foreach (var target in new[] { "orkney", "angus" })
        {
            using var client = ClientFor(roles, partnerships);
            var allowed = roles is [Roles.PartnerWriter] && partnerships.Contains(target);
            if (allowed) status = status == "Red" ? "Green" : "Red";
            var response = await client.Send(HttpMethod.Post, $"/partnerships/{target}/plans/msg-plan/actions/1.1/status",
                new { status, reason = "Matrix" });
            var what = $"[{string.Join(",", roles)}] × [{string.Join(",", partnerships)}] → {target}";
            if (allowed)
            {
                response.StatusCode.ShouldBe(HttpStatusCode.OK, what);
                if (target == "orkney") orkney++;
            }
            else
            {
                response.StatusCode.ShouldBeOneOf([HttpStatusCode.Forbidden, HttpStatusCode.NotFound], what);
            }
        }
        (await VersionOfAsync("angus")).ShouldBe(angus);
        (await VersionOfAsync("orkney")).ShouldBe(orkney);
    }

    [Fact]
    public async Task a_credential_mixing_the_writer_role_with_another_role_is_refused_everywhere_with_403()
    {
        await Host.PlanWithActionAsync("orkney");
        foreach (var other in Roles.All.Where(r => r != Roles.PartnerWriter))
        {
            using var client = ClientFor([Roles.PartnerWriter, other], ["orkney"]);
            (await client.GetAsync("/partnerships/orkney/plans/msg-plan")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, other);
            (await client.GetAsync("/national/delivery")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, other);
            (await client.GetAsync("/frameworks/msg-2019")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, other);
            (await client.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Red", reason = "x" }))
                .StatusCode.ShouldBe(HttpStatusCode.Forbidden, other);
        }
    }

    [Fact]
    public async Task a_token_without_a_subject_is_refused_with_401_even_with_a_name()
    {
        await Host.PlanWithActionAsync("orkney");
        var before = await Host.EventCountAsync();
        using var client = ClientWith([new(Claims.Role, Roles.PartnerWriter), new(Claims.Partnership, "orkney"), new("name", "someone")]);
        (await client.GetAsync("/partnerships/orkney/plans/msg-plan")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.Send(HttpMethod.Post, "/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Red", reason = "x" }))
            .StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task the_recorded_actor_is_the_subject_and_a_name_claim_never_overrides_it()
    {
        await Host.PlanWithActionAsync("orkney");
        using var client = ClientWith([new(Claims.Role, Roles.PartnerWriter), new(Claims.Partnership, "orkney"),
            new(Claims.Subject, "orkney-partner-system"), new("name", "Somebody Else")]);
        await client.Post("/partnerships/orkney/plans/msg-plan/actions/1.1/status", new { status = "Red", reason = "Stalled" });
        var history = await client.GetJson("/partnerships/orkney/plans/msg-plan/actions/1.1/history");
        history["entries"]!.AsArray().Last()!["recordedBy"]!.GetValue<string>().ShouldBe("orkney-partner-system");
    }
}
