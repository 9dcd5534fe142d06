using Marten;
using Marten.Storage;

namespace PlanLedger.Infrastructure;

/// <summary>
/// The databases the ledger's partnerships live in: one, or a pool (<see cref="LedgerDatabase.Pool"/>, Marten's sharded
/// tenancy). Raw SQL and reads across partnerships go through here, never through <c>store.Storage.Database</c>, which a
/// pool does not have.
/// </summary>
public static class LedgerDatabases
{
    public static bool IsSpread(this IDocumentStore store) => store.Options.Tenancy is ShardedTenancy;

    /// <summary>A database's name: its key in <c>Ledger:Databases</c> over a pool (Marten's identifier for it), else "ledger".</summary>
    public static string Name(this IMartenDatabase database)
    {
#pragma warning disable CS0618 // Id is host and database name; the pool's own key is what operators and cursors use
        return database.Identifier;
#pragma warning restore CS0618
    }

    /// <summary>The database that holds a ledger (a partnership's, or the national one).</summary>
    public static async ValueTask<IMartenDatabase> DatabaseOfAsync(this IDocumentStore store, string ledger) =>
        store.IsSpread() ? await store.Storage.FindOrCreateDatabase(ledger) : store.Storage.Database;

    /// <summary>Every database that holds partnerships, in a fixed order (by identifier).</summary>
    public static async ValueTask<IReadOnlyList<IMartenDatabase>> DatabasesAsync(this IDocumentStore store)
    {
        if (!store.IsSpread()) return [store.Storage.Database];
        var all = await store.Storage.AllDatabases();
        return all.OrderBy(d => d.Name(), StringComparer.Ordinal).ToList();
    }

    /// <summary>A query session on one database, for the documents that are no partnership's there (the national views).</summary>
    public static IQuerySession QuerySessionOn(this IDocumentStore store, IMartenDatabase database) =>
        store.IsSpread() ? store.QuerySession(Marten.Services.SessionOptions.ForDatabase(database)) : store.QuerySession(NationalLedger.Tenant);

    /// <summary>
    /// The same read in every database, concatenated in database order: national documents are keyed by partnership,
    /// and a partnership lives in one database, so nothing is counted twice.
    /// </summary>
    public static async Task<List<T>> AcrossDatabasesAsync<T>(this IDocumentStore store, Func<IQuerySession, Task<IReadOnlyList<T>>> read)
    {
        var all = new List<T>();
        foreach (var database in await store.DatabasesAsync())
        {
            await using var session = store.QuerySessionOn(database);
            all.AddRange(await read(session));
        }
        return all;
    }

    /// <summary>Which database holds each ledger, from the pool's registry (Marten's <c>mt_tenant_assignments</c>); empty when the ledger is one database.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> PlacementsAsync(this IDocumentStore store, CancellationToken token)
    {
        if (store.Options.Tenancy is not ShardedTenancy pool) return new Dictionary<string, string>();
        await using var connection = pool.TenantDatabase.CreateConnection();
        await connection.OpenAsync(token);
        await using var command = new Npgsql.NpgsqlCommand(
            $"select tenant_id, database_id from {LedgerStore.Schema}.mt_tenant_assignments where not disabled", connection);
        await using var reader = await command.ExecuteReaderAsync(token);
        var placements = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(token)) placements[reader.GetString(0)] = reader.GetString(1);
        return placements;
    }

    /// <summary>Places a ledger in the pool if it is not placed yet (in the database holding fewest), making its partitions; nothing for one database.</summary>
    public static async Task PlaceAsync(this IDocumentStore store, string ledger, CancellationToken token)
    {
        if (store.IsSpread()) await store.Advanced.AddTenantToShardAsync(ledger, token);
    }
}
