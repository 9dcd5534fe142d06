using System.Globalization;
using JasperFx.Events;
using JasperFx.Events.Grouping;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Partnerships;

namespace PlanLedger.National;


/// <summary>How every national projection slices a conjoined ledger into single-tenanted documents.</summary>
internal static class AcrossPartnerships
{
    /// <summary>"{partnership}/{stream key}": a stream key is unique only within its partnership.</summary>
    public static string KeyFor(IEvent e) => $"{e.TenantId}/{e.StreamKey}";

    public static void Configure<TDoc>(MultiStreamProjection<TDoc, string> projection, string name, Type eventsLike) where TDoc : notnull
    {
        projection.Name = name;
        // The default groups by tenant and writes through that tenant's session, which would give these
        // single-tenanted documents the wrong tenant; across tenants, the tenant is part of the id.
        projection.TenancyGrouping = TenancyGrouping.AcrossTenants;
        projection.Identity<IEvent>(KeyFor);
        // One page holds what arrives between two polls under load, so a document changed many times in it is
        // loaded and stored once: at 4,000 events/s, pages of 500 stored nearly one document per event.
        projection.Options.BatchSize = 5_000;
        // Every ledger event of the feature (its namespace), so an event type added later is not silently missed.
        foreach (var type in eventsLike.Assembly.GetTypes()
                     .Where(t => t.Namespace == eventsLike.Namespace && t.IsClass && typeof(ILedgerEvent).IsAssignableFrom(t)))
            projection.IncludeType(type);
    }

    public static Task<IReadOnlyList<Partnership>> PartnershipsAsync(IQuerySession session, CancellationToken token) =>
        Partnership.RegistryAsync(session, PointInTime.Now, token);
}

/// <summary>
/// How far a view has got: the last ledger event it includes (read before the view, so the view holds at
/// least that much) and the last event recorded in any partnership's ledger.
/// </summary>
/// <param name="Updated">When the daemon last wrote the view's progress: a rebuild changes it even where the positions end equal.</param>
public sealed record ViewPosition(long Projection, long Ledger, DateTimeOffset? Updated = null)
{
    public const string ProjectionHeader = "PlanLedger-Projection-Position";
    public const string LedgerHeader = "PlanLedger-Ledger-Position";

    public long Lag => Math.Max(0, Ledger - Projection);

    /// <summary>
    /// The positions now. Over a pool of databases each has its own event sequence, so the positions are the sums over
    /// the databases: they grow with every event recorded or projected anywhere, and are equal only when every database's
    /// view has caught up.
    /// </summary>
    public static async Task<ViewPosition> ReadAsync(IDocumentStore store, IReadOnlyList<string> projections, CancellationToken token)
    {
        var sum = new ViewPosition(0, 0);
        foreach (var database in await store.DatabasesAsync())
        {
            var one = await ReadAsync(store, database, projections, token);
            sum = new ViewPosition(sum.Projection + one.Projection, sum.Ledger + one.Ledger,
                one.Updated > sum.Updated || sum.Updated is null ? one.Updated : sum.Updated);
        }
        return sum;
    }

    private static async Task<ViewPosition> ReadAsync(IDocumentStore store, Marten.Storage.IMartenDatabase database, IReadOnlyList<string> projections,
        CancellationToken token)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(token);
        await using var command = new NpgsqlCommand($"""
            select coalesce((select max(seq_id) from {schema}.mt_events), 0),
                   (select coalesce(min(coalesce(p.last_seq_id, 0)), 0)
                      from unnest(@shards) as s(name) left join {schema}.mt_event_progression p on p.name = s.name),
                   (select max(p.last_updated) from {schema}.mt_event_progression p where p.name = any(@shards))
            """, connection);
        command.Parameters.AddWithValue("shards", projections.Select(p => new ShardName(p).Identity).ToArray());
        await using var reader = await command.ExecuteReaderAsync(token);
        await reader.ReadAsync(token);
        return new ViewPosition(Projection: reader.GetInt64(1), Ledger: reader.GetInt64(0),
            Updated: reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
    }

    public void WriteTo(HttpResponse response, string view)
    {
        response.Headers[ProjectionHeader] = Projection.ToString(CultureInfo.InvariantCulture);
        response.Headers[LedgerHeader] = Ledger.ToString(CultureInfo.InvariantCulture);
        LedgerTelemetry.NationalViewLag.Record(Lag, new KeyValuePair<string, object?>("view", view));
    }
}

/// <summary>A view that can say roughly how many bytes it holds, so a cache can bound what it keeps.</summary>
public interface ISizedView
{
    long EstimatedBytes { get; }
}

/// <summary>
/// The last answer of a national view, kept until the ledger moves: a view is a pure function of the
/// events it includes and of the date, so an answer for the same positions and date is the same answer.
/// Reads of a quiet ledger cost one position query; the first read after any change recomputes. An answer
/// larger than the budget (<c>Ledger:Cache:NationalViewMegabytes</c>, default 16) is not kept.
/// </summary>
public sealed class NationalViewCache<T> where T : class, ISizedView
{
    private sealed record Entry(ViewPosition Position, DateOnly Today, T View);

    private readonly long _budget;
    private volatile Entry? _last;

    public NationalViewCache(IConfiguration configuration) : this(CacheBudget.Bytes(configuration, "NationalView", 16)) { }

    public NationalViewCache(long bytes) => _budget = bytes;

    /// <summary>The estimated bytes held now; never more than the budget.</summary>
    public long Bytes => _last?.View.EstimatedBytes ?? 0;

    public async Task<T> GetAsync((ViewPosition Position, DateOnly Today) key, Func<Task<T>> compute)
    {
        if (_last is { } last && last.Position == key.Position && last.Today == key.Today) return last.View;
        var view = await compute();
        _last = view.EstimatedBytes <= _budget ? new Entry(key.Position, key.Today, view) : null;
        return view;
    }
}

internal static class NationalAnswer
{
    public static IResult Send<T>(HttpContext http, string view, ViewPosition position, TableOutput output, T body, Func<string, CsvTable> tables)
    {
        position.WriteTo(http.Response, view);
        return output.Send(http, view, body, tables);
    }
}

/// <summary>
/// Records every national view's lag on a timer, so the metric moves when nobody reads the views too
/// (a stalled daemon shows as a growing lag, not as silence). Answers record it as well.
/// </summary>
internal sealed class NationalLagSampler(IDocumentStore store, LedgerDatabase database, IConfiguration configuration, ILogger<NationalLagSampler> logger)
    : BackgroundService
{
    // One position read per set of projections, recorded for every view that reads them.
    private static readonly (string[] Projections, string[] Views)[] Sources =
    [
        (NationalRating.Projections, [MsgRatingsEndpoint.View, RatingMovementEndpoint.View]),
        (LocatedAction.Projections, [DeliveryEndpoint.View, SlippageEndpoint.View])
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(configuration.GetValue("Ledger:LagSampleSeconds", 15));
        if (every <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!database.SchemaReady) continue;
            try { await SampleAsync(stoppingToken); }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("National view lag not sampled: {Reason}", e.Message);
            }
        }
    }

    private async Task SampleAsync(CancellationToken token)
    {
        foreach (var (projections, views) in Sources)
        {
            var position = await ViewPosition.ReadAsync(store, projections, token);
            foreach (var view in views)
                LedgerTelemetry.NationalViewLag.Record(position.Lag, new KeyValuePair<string, object?>("view", view));
        }
    }
}
