using System.Diagnostics.Metrics;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.National;
using PlanLedger.Security;

namespace PlanLedger.Tests.National;

/// <summary>The national views are async projections: they advance through the daemon, show their lag, and rebuild.</summary>
public sealed class NationalProjectionTests(LedgerHost host) : LedgerTest(host)
{
    private HttpClient National => Host.ClientFor(Roles.National);

    [Fact]
    public async Task the_running_async_daemon_brings_every_national_view_up_to_the_ledger()
    {
        // Fails with a timeout when async projections do not advance (for example when the daemon cannot take its lock).
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();

        foreach (var view in NationalScenarios.Views)
        {
            var (projection, ledger) = await National.Positions(view);
            ledger.ShouldBe(await Host.EventCountAsync(), view);
            projection.ShouldBe(ledger, view);
        }
        var ratings = await National.Read<MsgRatingsView>("/national/msg-ratings");
        ratings.Partnerships.Single(p => p.Partnership == "orkney").Ratings.Single(c => c.Proposal == "2.3").Rating.ShouldBe(Rating.NotYetEstablished);
    }

    [Fact]
    public async Task a_hot_cold_daemon_as_deployed_takes_the_lead_and_brings_the_national_views_up_to_the_ledger()
    {
        // Several nodes run HotCold: a daemon that cannot take its advisory lock retries quietly and never projects (stack.md).
        await Host.Daemon().PauseAsync();
        try
        {
            await using var deployed = Host.Factory(Host.ConnectionString, "HotCold");
            _ = deployed.Services;
            await Host.OnboardAsync("orkney");
            await Host.ClientFor(Roles.PartnerWriter, "orkney").Rate("orkney", "2.3", "Established", "2019-05-31");

            await Host.NationalViewsCaughtUpAsync();

            var (projection, ledger) = await National.Positions("/national/msg-ratings");
            (projection, ledger).ShouldBe((2L, 2L));
        }
        finally
        {
            await Host.Daemon().ResumeAsync();
        }
    }

    [Fact]
    public async Task a_view_that_has_not_caught_up_shows_its_lag_in_the_headers_and_the_metric()
    {
        await Host.OnboardAsync("orkney");
        var orkney = Host.ClientFor(Roles.PartnerWriter, "orkney");
        await orkney.Rate("orkney", "2.3", "Established", "2019-05-31");
        await Host.NationalViewsCaughtUpAsync();
        var lags = new List<(long Lag, string? View)>();
        using var listener = LagListener(lags);

        await Host.Daemon().PauseAsync();
        try
        {
            await orkney.Revise("orkney", "2.3", "NotYetEstablished", "We now consider this to be an over estimation", "2019-12-13");

            var (projection, ledger) = await National.Positions("/national/msg-ratings");
            ledger.ShouldBe(projection + 1);
            var stale = await National.Read<MsgRatingsView>("/national/msg-ratings");
            stale.Partnerships.Single().Ratings.Single(c => c.Proposal == "2.3").Rating.ShouldBe(Rating.Established);
            lags.ShouldContain((1L, "msg-ratings"));
        }
        finally
        {
            await Host.Daemon().ResumeAsync();
        }

        await Host.NationalViewsCaughtUpAsync();
        var caughtUp = await National.Positions("/national/msg-ratings");
        caughtUp.Projection.ShouldBe(caughtUp.Ledger);
        lags.Last(l => l.View == "msg-ratings").ShouldBe((0L, "msg-ratings"));
        (await National.Read<MsgRatingsView>("/national/msg-ratings")).Partnerships.Single().Ratings.Single(c => c.Proposal == "2.3")
            .Rating.ShouldBe(Rating.NotYetEstablished);
    }

    [Fact]
    public async Task the_lag_metric_is_sampled_for_every_view_while_nobody_reads_them()
    {
        await Host.OnboardAsync("orkney");
        await Host.NationalViewsCaughtUpAsync();
        var lags = new List<(long Lag, string? View)>();
        var sampled = new TaskCompletionSource();
        string[] views = [MsgRatingsEndpoint.View, RatingMovementEndpoint.View, DeliveryEndpoint.View, SlippageEndpoint.View];

        await Host.Daemon().PauseAsync();
        try
        {
            await Host.ClientFor(Roles.PartnerWriter, "orkney").Rate("orkney", "2.3", "Established", "2019-05-31");
            using var listener = LagListener(lags, () =>
            {
                if (lags.Any(l => l is (1L, "msg-ratings")) && views.All(v => lags.Any(l => l.View == v))) sampled.TrySetResult();
            });

            // The sampler runs every second in tests (Ledger:LagSampleSeconds); no national view is read here.
            await sampled.Task.WaitAsync(TimeSpan.FromSeconds(30));
            lock (lags) lags.ShouldContain((1L, "rating-movement"));
        }
        finally
        {
            await Host.Daemon().ResumeAsync();
        }
    }

    [Fact]
    public async Task every_national_view_is_unchanged_by_a_full_rebuild_of_its_projections()
    {
        await Host.ScotlandAsync();
        await Host.NationalViewsCaughtUpAsync();
        var paths = NationalScenarios.Views.Concat(["/national/msg-ratings?effectiveOn=2019-06-30", "/national/slippage?format=csv", "/national/delivery?format=csv&table=proposals"]).ToList();
        var before = new List<string>();
        foreach (var path in paths) before.Add(await National.GetStringAsync(path));

        // Lose the national documents, then rebuild them from the ledger alone.
        await Host.Store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(NationalRating));
        await Host.Store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(NationalAction));
        await Host.Store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(NationalPlan));
        await using (var session = Host.Store.QuerySession())
            (await Marten.QueryableExtensions.CountAsync(session.Query<NationalAction>())).ShouldBe(0);
        var daemon = Host.Daemon().DaemonForMainDatabase();
        foreach (var projection in NationalScenarios.Projections)
            await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(1), CancellationToken.None);
        await Host.NationalViewsCaughtUpAsync();

        for (var i = 0; i < paths.Count; i++)
            (await National.GetStringAsync(paths[i])).ShouldBe(before[i], paths[i]);
    }

    private static MeterListener LagListener(List<(long Lag, string? View)> lags, Action? measured = null)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == LedgerTelemetry.SourceName && instrument.Name == "planledger.national.lag") l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var view = tags.ToArray().FirstOrDefault(t => t.Key == "view").Value as string;
            lock (lags)
            {
                lags.Add((value, view));
                measured?.Invoke();
            }
        });
        listener.Start();
        return listener;
    }
}
