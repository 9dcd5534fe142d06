using Marten;

namespace PlanLedger.Changes;

public static class ChangeFeedModule
{
    /// <summary>The change feed: the safe position and its append notifications.</summary>
    public static WebApplicationBuilder AddChangeFeed(this WebApplicationBuilder builder)
    {
        // Off by default: with Marten NOTIFYing in every append's transaction the async daemon also wakes on every append,
        // and the write benchmark lost almost half its throughput (API and PostgreSQL CPU per write up ~60%). Readers that
        // wait poll the safe position every few tens of milliseconds instead; Ledger:Feed:Notify turns notifications on.
        if (builder.Configuration.GetValue(SafePosition.NotifySetting, false))
            builder.Services.ConfigureMarten(opts => opts.Events.UseListenNotifyForEventAppends = true);
        builder.Services.AddSingleton<SafePosition>();
        builder.Services.AddHostedService(s => s.GetRequiredService<SafePosition>());
        return builder;
    }
}
