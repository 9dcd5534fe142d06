using System.Net;
using PlanLedger.Webhooks;

namespace PlanLedger.Tests.Webhooks;

/// <summary>Where a webhook may reach outside Development and Testing: public https targets only, unless configuration widens it.</summary>
public sealed class WebhookTargetTests
{
    private static readonly WebhookTargets Production = new(new WebhookOptions());

    [Theory]
    [InlineData("http://partner.example.org/hook", "https")]
    [InlineData("https://127.0.0.1/hook", "loopback")]
    [InlineData("https://localhost:8443/hook", "loopback")]
    [InlineData("https://[::1]/hook", "loopback")]
    [InlineData("https://10.1.2.3/hook", "private")]
    [InlineData("https://172.16.0.9/hook", "private")]
    [InlineData("https://192.168.1.1/hook", "private")]
    [InlineData("https://169.254.169.254/latest/meta-data", "metadata")]
    [InlineData("https://[fd00:ec2::254]/", "metadata")]
    [InlineData("https://[::ffff:10.0.0.1]/hook", "private")]
    [InlineData("https://user:pass@partner.example.org/hook", "credentials")]
    public void a_production_target_must_be_public_https(string url, string named) =>
        Production.RefuseUrl(new Uri(url)).ShouldNotBeNull().ShouldContain(named);

    [Fact]
    public void a_public_https_target_and_configured_exceptions_are_allowed()
    {
        Production.RefuseUrl(new Uri("https://partner.example.org/hooks/planledger")).ShouldBeNull();
        Production.RefuseUrl(new Uri("https://93.184.215.14/hook")).ShouldBeNull();
        var widened = new WebhookTargets(new WebhookOptions { AllowedNetworks = ["10.20.0.0/16"], AllowedHosts = ["warehouse.internal"] });
        widened.Allows("any", IPAddress.Parse("10.20.3.4")).ShouldBeTrue();
        widened.Allows("any", IPAddress.Parse("10.21.3.4")).ShouldBeFalse();
        widened.Allows("warehouse.internal", IPAddress.Parse("192.168.0.5")).ShouldBeTrue();
    }

    [Fact]
    public async Task the_connection_is_refused_when_a_name_resolves_to_a_loopback_address_and_redirects_are_not_followed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var local = new Uri(receiver.Url.Replace("127.0.0.1", "localhost"));
        using var production = Production.CreateClient();
        var refused = await Should.ThrowAsync<HttpRequestException>(() => production.PostAsync(local, new StringContent("{}")));
        refused.InnerException.ShouldBeOfType<WebhookTargets.RefusedException>();
        receiver.Deliveries.ShouldBeEmpty();

        receiver.Answer = _ => 307;
        using var development = new WebhookTargets(new WebhookOptions { AllowPrivateTargets = true }).CreateClient();
        var answer = await development.PostAsync(local, new StringContent("{}"));
        answer.StatusCode.ShouldBe(HttpStatusCode.TemporaryRedirect);
        receiver.Deliveries.Count.ShouldBe(1);
    }
}
