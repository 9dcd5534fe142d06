using System.Collections.Concurrent;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Security;

namespace PlanLedger.Partnerships;

/// <summary>Onboarding a partnership is itself an event, in the national ledger (tenant <see cref="NationalLedger.Tenant"/>).</summary>
public sealed record PartnershipOnboarded(
    string Code,
    string Name,
    string? IntegrationAuthority,
    IReadOnlyList<string> StatutoryPartners,
    Provenance Provenance) : ILedgerEvent;

/// <summary>A partnership (tenant): a Health and Social Care Partnership / Integration Joint Board.</summary>
public sealed record Partnership : IStreamState<Partnership>
{
    /// <summary>Stream key: partnership/{code}.</summary>
    public string Id { get; init; } = "";
    public int Version { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string? IntegrationAuthority { get; init; }
    public IReadOnlyList<string> StatutoryPartners { get; init; } = [];
    public DateOnly OnboardedOn { get; init; }
    /// <summary>Which database of the pool holds the partnership's ledger, when partnerships are spread over several; null when the ledger is one database.</summary>
    public string? Database { get; init; }

    public static string KeyFor(string code) => $"partnership/{code}";

    private static readonly PartnershipProjection Projection = new();

    /// <summary>
    /// The registry at a point in time, in code order: the stored partnerships now, else the onboarding streams
    /// of the national ledger replayed. The session must be the national ledger's.
    /// </summary>
    public static async Task<IReadOnlyList<Partnership>> RegistryAsync(IQuerySession session, PointInTime point, CancellationToken token)
    {
        var all = point.IsNow ? await session.Query<Partnership>().ToListAsync(token) : await point.FoldAllAsync(session, KeyFor(""), Projection, token);
        var placements = await session.DocumentStore.PlacementsAsync(token);
        return all.Select(p => placements.TryGetValue(p.Code, out var database) ? p with { Database = database } : p)
            .OrderBy(p => p.Code, StringComparer.Ordinal).ToList();
    }

    public static readonly string[] Tables = ["registry"];

    /// <summary>The registry as one CSV table.</summary>
    public static CsvTable Table(IEnumerable<Partnership> all) => new(
        ["code", "name", "integrationAuthority", "statutoryPartners", "onboardedOn", "database"],
        all.Select(p => (IReadOnlyList<object?>)[p.Code, p.Name, p.IntegrationAuthority, string.Join("; ", p.StatutoryPartners), p.OnboardedOn, p.Database]));

    public static Partnership AtVersion(Partnership state, int version) => state with { Version = version };

    public static Partnership? Fold(Partnership? state, string key, object @event) => @event switch
    {
        PartnershipOnboarded o => new Partnership
        {
            Id = key, Version = (state?.Version ?? 0) + 1, Code = o.Code, Name = o.Name, IntegrationAuthority = o.IntegrationAuthority,
            StatutoryPartners = o.StatutoryPartners, OnboardedOn = o.Provenance.EffectiveOn
        },
        _ => state
    };
}

public partial class PartnershipProjection() : StreamProjection<Partnership>(
    typeof(PartnershipOnboarded));

/// <summary>
/// The partnerships that exist, cached: every request naming a partnership is checked against it,
/// because Marten and Wolverine accept any tenant id they are given.
/// </summary>
public sealed class PartnershipDirectory(IDocumentStore store) : IPartnershipRegistry
{
    private readonly ConcurrentDictionary<string, bool> _known = new();

    public async ValueTask<bool> ExistsAsync(string code, CancellationToken token)
    {
        if (_known.ContainsKey(code)) return true;
        await using var session = store.QuerySession(NationalLedger.Tenant);
        var found = await session.LoadAsync<Partnership>(Partnership.KeyFor(code), token) is not null;
        if (found) _known[code] = true;
        return found;
    }

    public void Remember(string code) => _known[code] = true;

    public void Forget() => _known.Clear();
}

