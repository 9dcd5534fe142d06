using Marten;
using PlanLedger.Security;

namespace PlanLedger.Webhooks;

public static class WebhookPolicies
{
    /// <summary>Manage a partnership's webhooks: its writer, or the admin.</summary>
    public const string Manage = "manage-webhooks";
}

public static class WebhooksModule
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        var options = new WebhookOptions
        {
            AllowPrivateTargets = builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing")
        };
        builder.Configuration.GetSection("Webhooks").Bind(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<WebhookTargets>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddSingleton<WebhookAdministration>();
        if (options.Dispatch) builder.Services.AddHostedService(s => s.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddAuthorizationBuilder().AddPolicy(WebhookPolicies.Manage, p => p.RequireRole(Roles.PartnerWriter, Roles.Admin));
        builder.Services.ConfigureMarten(opts =>
        {
            // One table across partnerships: the dispatcher reads every subscription; the partnership is a field.
            opts.Schema.For<WebhookSubscription>().SingleTenanted().DoNotPartition().UseOptimisticConcurrency(true).Index(s => s.Partnership!);
            opts.Schema.For<WebhookAttempt>().SingleTenanted().DoNotPartition().Index(a => a.SubscriptionId).Index(a => a.At);
        });
        return builder;
    }
}
