using Marten;

namespace PlanLedger.Changes;

public static class ChangeFeedModule
{
    /// <summary>The change feed: the safe position and its append notifications.</summary>
    public static WebApplicationBuilder AddChangeFeed(this WebApplicationBuilder builder)
    {
        // Marten NOTIFYs in every append's transaction: feed readers and the daemon wake at once instead of polling.
        builder.Services.ConfigureMarten(opts => opts.Events.UseListenNotifyForEventAppends = true);
        builder.Services.AddSingleton<SafePosition>();
        builder.Services.AddHostedService(s => s.GetRequiredService<SafePosition>());
        return builder;
    }
}
