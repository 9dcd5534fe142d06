using System.Net;
using System.Text.Json.Nodes;
using PlanLedger.Security;

namespace PlanLedger.Tests.Security;

/// <summary>
/// Reads every operation from the OpenAPI document, so a new endpoint is covered without anyone
/// remembering to add it here.
/// </summary>
public sealed class SecurityMatrixTests(LedgerHost host) : LedgerTest(host)
{
    private sealed record Operation(string Method, string Template)
    {
        public bool IsTenanted => Template.Contains("{partnershipId}");
        public bool IsWrite => Method != "GET";
        /// <summary>A partnership's webhooks: its writer or the admin manage them, reads included.</summary>
        public bool ManagesWebhooks => IsTenanted && Template.Contains("/webhooks");
        public string Path(string partnership) => Template
            .Replace("{partnershipId}", partnership).Replace("{plan}", "msg-plan").Replace("{action}", "1.1")
            .Replace("{proposal}", "2.6").Replace("{number}", "1");
        public override string ToString() => $"{Method} {Template}";
    }

    private async Task<List<Operation>> OperationsAsync()
    {
        var document = JsonNode.Parse(await Host.Client.GetStringAsync("/openapi/v1.json"))!;
        return document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => new Operation(m.Key.ToUpperInvariant(), p.Key)))
            .ToList();
    }

    private static Task<HttpResponseMessage> Call(HttpClient client, Operation op, string partnership) =>
        client.Send(new HttpMethod(op.Method), op.Path(partnership), op.IsWrite ? "{}" : null);

    [Fact]
    public async Task every_operation_refuses_a_request_without_a_token_with_401()
    {
        await Host.PlanWithActionAsync();
        var operations = await OperationsAsync();
        operations.Count.ShouldBeGreaterThan(20);
        foreach (var op in operations)
        {
            var response = await Call(Host.Client, op, "orkney");
            ((int)response.StatusCode).ShouldBe(401, op.ToString());
        }
    }

    [Fact]
    public async Task every_partnership_operation_answers_404_to_a_token_for_another_partnership()
    {
        await Host.PlanWithActionAsync();
        await Host.OnboardAsync("angus");
        var before = await Host.EventCountAsync();
        using var angusWriter = Host.ClientFor(Roles.PartnerWriter, "angus");
        using var angusReader = Host.ClientFor(Roles.PartnerReader, "angus");
        using var angusAuditor = Host.ClientFor(Roles.Auditor, "angus");
        foreach (var op in (await OperationsAsync()).Where(o => o.IsTenanted))
        {
            var client = op.IsWrite || op.ManagesWebhooks ? angusWriter : angusReader;
            (await Call(client, op, "orkney")).StatusCode.ShouldBe(HttpStatusCode.NotFound, op.ToString());
            if (!op.IsWrite && !op.ManagesWebhooks) (await Call(angusAuditor, op, "orkney")).StatusCode.ShouldBe(HttpStatusCode.NotFound, op.ToString());
            // A partnership that does not exist looks the same as one the caller may not see.
            (await Call(client, op, "atlantis")).StatusCode.ShouldBe(HttpStatusCode.NotFound, op.ToString());
        }
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task every_operation_answers_403_to_a_role_without_the_right()
    {
        await Host.PlanWithActionAsync();
        var before = await Host.EventCountAsync();
        using var reader = Host.ClientFor(Roles.PartnerReader, "orkney");
        using var national = Host.ClientFor(Roles.National);
        using var admin = Host.ClientFor(Roles.Admin);
        using var writer = Host.ClientFor(Roles.PartnerWriter, "orkney");
        using var auditor = Host.ClientFor(Roles.Auditor, Claims.AllPartnerships);

        foreach (var op in await OperationsAsync())
        {
            HttpClient[] refused = (op.IsTenanted, op.IsWrite) switch
            {
                (true, _) when op.ManagesWebhooks => [reader, national, auditor],
                (true, true) => [reader, national, admin, auditor],
                (true, false) => [admin],
                (false, _) when op.Template == "/partnerships" && op.IsWrite => [writer, reader, national, auditor],
                (false, _) when op.Template.StartsWith("/frameworks") => [],
                (false, _) => [writer, reader, admin, auditor]
            };
            foreach (var client in refused)
                (await Call(client, op, "orkney")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, op.ToString());
        }
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task every_read_answers_an_authorised_caller_without_a_server_error()
    {
        // Also proves every endpoint's generated code compiles: Wolverine compiles a route on first use.
        await Host.PlanWithActionAsync();
        using var national = Host.ClientFor(Roles.National);
        foreach (var op in (await OperationsAsync()).Where(o => !o.IsWrite))
            ((int)(await Call(national, op, "orkney")).StatusCode).ShouldBeLessThan(500, op.ToString());
    }

    [Fact]
    public async Task a_token_signed_with_another_key_or_expired_is_refused()
    {
        await Host.PlanWithActionAsync();
        using var forged = Host.ClientFor(Roles.PartnerReader, "orkney");
        forged.DefaultRequestHeaders.Authorization = new("Bearer",
            DevelopmentTokens.Mint(DevelopmentTokens.NewSigningKey(), "forger", [Roles.PartnerReader], ["orkney"]));
        (await forged.GetAsync("/partnerships/orkney/plans")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        forged.DefaultRequestHeaders.Authorization = new("Bearer",
            DevelopmentTokens.Mint(Host.SigningKey, "late", [Roles.PartnerReader], ["orkney"], lifetime: TimeSpan.FromMinutes(-5)));
        (await forged.GetAsync("/partnerships/orkney/plans")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task an_auditor_for_all_partnerships_and_national_leadership_read_any_partnership()
    {
        await Host.PlanWithActionAsync();
        using var auditor = Host.ClientFor(Roles.Auditor, Claims.AllPartnerships);
        using var national = Host.ClientFor(Roles.National);
        (await auditor.GetAsync("/partnerships/orkney/plans/msg-plan")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await national.GetAsync("/partnerships/orkney/plans/msg-plan")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
