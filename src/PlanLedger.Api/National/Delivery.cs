using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Actions;
using PlanLedger.Framework;
using PlanLedger.Partnerships;
using PlanLedger.Audit;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.National;

/// <summary>One slip of an action's timescale: when it took effect, from what to what, by how many days and why.</summary>
public sealed record Slip(DateOnly EffectiveOn, Timescale From, Timescale To, int DaysSlipped, string Reason);

/// <summary>A partnership's action, as the national views hold it: the partnership's own state and its slips.</summary>
[FigureIndex]
public sealed record NationalAction
{
    /// <summary>"{partnership}/action/{plan}/{reference}".</summary>
    public string Id { get; init; } = "";
    [Figure] public string Partnership { get; init; } = "";
    /// <summary>Exactly what the partnership's own view of the action says.</summary>
    public ActionRecord Action { get; init; } = new();
    public IReadOnlyList<Slip> SlipHistory { get; init; } = [];

    // What the delivery figures count, copied out of Action into columns, so that PostgreSQL sums
    // hundreds of thousands of actions in one query instead of the API loading every document.
    [Figure] public string Plan => Action.Plan;
    [Figure] public string Heading => Action.Heading;
    [Figure] public string? Status => Action.Status?.ToString();
    [Figure] public string Closure => Action.Closure.ToString();
    [Figure] public DateOnly? Target => Action.Timescale?.Target;
    [Figure] public int Slips => Action.Slips;
    [Figure] public int DaysSlipped => Action.DaysSlipped;
    [Figure] public int Delays => Action.Delays.Count;
    [Figure] public bool CompletedByOriginalTarget => Action.CompletedByOriginalTarget;
}

/// <summary>One index holding every figure column, so the delivery sums are read from the index alone.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FigureIndexAttribute : Marten.Schema.MartenAttribute
{
    public override void Modify(Marten.Schema.DocumentMapping mapping)
    {
        string C(string member) => FigureAttribute.ColumnFor(member);
        var index = mapping.AddIndex(C(nameof(NationalAction.Partnership)), C(nameof(NationalAction.Plan)), C(nameof(NationalAction.Heading)));
        index.Name = "mt_doc_nationalaction_figures";
        index.IncludeColumns =
        [
            C(nameof(NationalAction.Status)), C(nameof(NationalAction.Closure)), C(nameof(NationalAction.Target)),
            C(nameof(NationalAction.Slips)), C(nameof(NationalAction.DaysSlipped)), C(nameof(NationalAction.Delays)),
            C(nameof(NationalAction.CompletedByOriginalTarget))
        ];
    }
}

/// <summary>Copies a member into a column of its own (named in snake case), without an index of its own.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FigureAttribute : Marten.Schema.MartenAttribute
{
    public override void Modify(Marten.Schema.DocumentMapping mapping, System.Reflection.MemberInfo member) =>
        mapping.DuplicateField([member], columnName: ColumnFor(member.Name));

    public static string ColumnFor(string member) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(member);
}

public partial class NationalActionProjection : MultiStreamProjection<NationalAction, string>
{
    public const string ProjectionName = "NationalActions";

    public NationalActionProjection() => AcrossPartnerships.Configure(this, ProjectionName, typeof(ActionAdded));

    public override NationalAction? Evolve(NationalAction? snapshot, string id, IEvent e)
    {
        if (ActionRecord.Fold(snapshot?.Action, e.StreamKey!, e.Data) is not { } action) return snapshot;
        var slips = snapshot?.SlipHistory ?? [];
        return new NationalAction
        {
            Id = id,
            Partnership = e.TenantId,
            Action = action with { Version = (int)e.Version },
            SlipHistory = e.Data is TimescaleSlipped s ? [.. slips, new Slip(s.Provenance.EffectiveOn, s.From, s.To, s.DaysSlipped, s.Reason)] : slips
        };
    }
}

/// <summary>A partnership's plan, held nationally for its headings: which MSG proposal each heading is about.</summary>
public sealed record NationalPlan
{
    /// <summary>"{partnership}/plan/{reference}".</summary>
    public string Id { get; init; } = "";
    public string Partnership { get; init; } = "";
    public PlanRecord Plan { get; init; } = new();
}

public partial class NationalPlanProjection : MultiStreamProjection<NationalPlan, string>
{
    public const string ProjectionName = "NationalPlans";

    public NationalPlanProjection() => AcrossPartnerships.Configure(this, ProjectionName, typeof(PlanRegistered));

    public override NationalPlan? Evolve(NationalPlan? snapshot, string id, IEvent e) =>
        PlanRecord.Fold(snapshot?.Plan, e.StreamKey!, e.Data) is { } plan
            ? new NationalPlan { Id = id, Partnership = e.TenantId, Plan = plan with { Version = (int)e.Version } }
            : snapshot;
}

/// <summary>An action with the MSG proposal its heading is about, if any.</summary>
public sealed record LocatedAction(NationalAction National, string? Proposal, int? KeyFeature)
{
    public ActionRecord Action => National.Action;

    public static readonly string[] Projections = [NationalActionProjection.ProjectionName, NationalPlanProjection.ProjectionName];

    /// <summary>The slipped or delayed actions (dated or not), each with the MSG proposal its heading is about: now, or replayed to a point in time.</summary>
    public static async Task<IReadOnlyList<LocatedAction>> LoadSlippedAsync(IDocumentStore store, MsgFramework framework, PointInTime point, CancellationToken token)
    {
        await using var session = store.QuerySession(NationalLedger.Tenant);
        if (point.IsNow)
            return Locate(await store.AcrossDatabasesAsync(async on => await on.Query<NationalAction>().Where(a => a.Slips > 0 || a.Delays > 0).ToListAsync(token)),
                await HeadingProposals.LoadAsync(store, token), framework);
        var partnerships = await AcrossPartnerships.PartnershipsAsync(session, token);
        var slipped = new List<LocatedAction>();
        await foreach (var (actions, plans) in NationalReplay.PartnershipsAsync(store, partnerships, point, token))
            slipped.AddRange(Locate(actions.Where(a => a.Slips > 0 || a.Delays > 0), HeadingProposals.Of(plans), framework));
        return slipped;
    }

    private static List<LocatedAction> Locate(IEnumerable<NationalAction> actions, HeadingProposals proposals, MsgFramework framework) =>
        actions.Select(a =>
        {
            var proposal = proposals.Of(a.Partnership, a.Plan, a.Heading);
            return new LocatedAction(a, proposal, proposal is null ? null : framework.Find(proposal)?.KeyFeature);
        }).ToList();
}

/// <summary>Every partnership's plan headings: which MSG proposal each is about, and each heading's own status.</summary>
public sealed class HeadingProposals(IReadOnlyList<NationalPlan> plans)
{
    private readonly Dictionary<(string Partnership, string Plan, string Heading), string> _proposals = plans
        .SelectMany(p => p.Plan.Headings.Where(h => h.Proposal is not null).Select(h => (Key: (p.Partnership, p.Plan.Reference, h.Reference), h.Proposal!)))
        .ToDictionary(x => x.Key, x => x.Item2);

    public string? Of(string partnership, string plan, string heading) => _proposals.GetValueOrDefault((partnership, plan, heading));

    /// <summary>A partnership's headings (of plans not superseded) counted by their own statuses.</summary>
    public StatusCounts HeadingStatuses(string partnership) => StatusCounts.Of(plans
        .Where(p => p.Partnership == partnership && p.Plan.Status != PlanStatus.Superseded)
        .SelectMany(p => p.Plan.Headings.Select(h => h.Status)));

    public static async Task<HeadingProposals> LoadAsync(IDocumentStore store, CancellationToken token) =>
        new(await store.AcrossDatabasesAsync(async on => await on.Query<NationalPlan>().ToListAsync(token)));

    public static HeadingProposals Of(IEnumerable<NationalPlan> plans) => new(plans.ToList());
}

/// <summary>
/// Delivery figures of a set of actions. Red, Amber, Green, Blue and NoStatus count live actions only (open
/// or completed), by their current RAG (NoStatus: none set), exactly as a plan summary's byStatus does: a
/// withdrawn or superseded action counts in Withdrawn or Superseded and under no status, so
/// red + amber + green + blue + noStatus + withdrawn + superseded = actions. Open + completed + withdrawn +
/// superseded = actions. Slipped counts actions slipped at least once, Slips every slip; Delayed counts actions
/// slipped or delayed with or without a new date; Overdue is open, not Blue and past its target on the view's date.
/// </summary>
public sealed record DeliveryFigures(
    int Actions, int Red, int Amber, int Green, int Blue, int NoStatus,
    int Open, int Completed, int Withdrawn, int Superseded,
    int Overdue, int Slipped, int Slips, int DaysSlipped, int Delayed, int CompletedByOriginalTarget)
{
    public static DeliveryFigures Of(IReadOnlyCollection<ActionRecord> actions, DateOnly today) => new(
        actions.Count,
        actions.Count(a => StatusCounts.CountsUnderStatus(a) && a.Status == DeliveryStatus.Red),
        actions.Count(a => StatusCounts.CountsUnderStatus(a) && a.Status == DeliveryStatus.Amber),
        actions.Count(a => StatusCounts.CountsUnderStatus(a) && a.Status == DeliveryStatus.Green),
        actions.Count(a => StatusCounts.CountsUnderStatus(a) && a.Status == DeliveryStatus.Blue),
        actions.Count(a => StatusCounts.CountsUnderStatus(a) && a.Status is null),
        actions.Count(a => a.Closure == ActionClosure.Open),
        actions.Count(a => a.Closure == ActionClosure.Completed),
        actions.Count(a => a.Closure == ActionClosure.Withdrawn),
        actions.Count(a => a.Closure == ActionClosure.Superseded),
        actions.Count(a => a.IsOverdue(today)),
        actions.Count(a => a.Slips > 0),
        actions.Sum(a => a.Slips),
        actions.Sum(a => a.DaysSlipped),
        actions.Count(a => a.IsDelayed),
        actions.Count(a => a.CompletedByOriginalTarget));

    /// <summary>
    /// The figures of every (partnership, plan, heading), summed by PostgreSQL over the national action table;
    /// the same definitions as <see cref="Of"/>, which the tests hold it to.
    /// </summary>
    public static async Task<IReadOnlyList<((string Partnership, string Plan, string Heading) Where, DeliveryFigures Figures)>> ByHeadingAsync(
        IQuerySession session, DateOnly today, CancellationToken token)
    {
        var table = session.DocumentStore.Options.Schema.For<NationalAction>();
        string C(string member) => FigureAttribute.ColumnFor(member);
        var live = StatusCounts.CountsUnderStatusSql(C("Closure"));
        var sql = $"""
            select {C("Partnership")}, {C("Plan")}, {C("Heading")}, count(*),
              count(*) filter (where {live} and {C("Status")} = 'Red'), count(*) filter (where {live} and {C("Status")} = 'Amber'),
              count(*) filter (where {live} and {C("Status")} = 'Green'), count(*) filter (where {live} and {C("Status")} = 'Blue'),
              count(*) filter (where {live} and {C("Status")} is null),
              count(*) filter (where {C("Closure")} = 'Open'), count(*) filter (where {C("Closure")} = 'Completed'),
              count(*) filter (where {C("Closure")} = 'Withdrawn'), count(*) filter (where {C("Closure")} = 'Superseded'),
              count(*) filter (where {C("Closure")} = 'Open' and {C("Status")} is distinct from 'Blue' and {C("Target")} < $1),
              count(*) filter (where {C("Slips")} > 0), coalesce(sum({C("Slips")}), 0), coalesce(sum({C("DaysSlipped")}), 0),
              count(*) filter (where {C("Slips")} > 0 or {C("Delays")} > 0),
              count(*) filter (where {C("CompletedByOriginalTarget")})
            from {table}
            group by 1, 2, 3
            """;
        await using var command = new Npgsql.NpgsqlCommand(sql, session.Connection);
        command.Parameters.AddWithValue(today);
        var rows = new List<((string, string, string), DeliveryFigures)>();
        await using var reader = await command.ExecuteReaderAsync(token);
        while (await reader.ReadAsync(token))
        {
            int N(int i) => (int)reader.GetInt64(i);
            rows.Add(((reader.GetString(0), reader.GetString(1), reader.GetString(2)),
                new DeliveryFigures(N(3), N(4), N(5), N(6), N(7), N(8), N(9), N(10), N(11), N(12), N(13), N(14), N(15), N(16), N(17), N(18))));
        }
        return rows;
    }

    public static DeliveryFigures Sum(IEnumerable<DeliveryFigures> figures) =>
        figures.Aggregate(Of([], default), (a, b) => new DeliveryFigures(
            a.Actions + b.Actions, a.Red + b.Red, a.Amber + b.Amber, a.Green + b.Green, a.Blue + b.Blue, a.NoStatus + b.NoStatus,
            a.Open + b.Open, a.Completed + b.Completed, a.Withdrawn + b.Withdrawn, a.Superseded + b.Superseded,
            a.Overdue + b.Overdue, a.Slipped + b.Slipped, a.Slips + b.Slips, a.DaysSlipped + b.DaysSlipped, a.Delayed + b.Delayed,
            a.CompletedByOriginalTarget + b.CompletedByOriginalTarget));

    public static readonly string[] Columns =
    [
        "actions", "red", "amber", "green", "blue", "noStatus", "open", "completed", "withdrawn", "superseded",
        "overdue", "slipped", "slips", "daysSlipped", "delayed", "completedByOriginalTarget"
    ];

    public object?[] Cells() =>
        [Actions, Red, Amber, Green, Blue, NoStatus, Open, Completed, Withdrawn, Superseded, Overdue, Slipped, Slips, DaysSlipped, Delayed, CompletedByOriginalTarget];
}

/// <param name="Figures">The partnership's actions, counted by the actions' own statuses.</param>
/// <param name="HeadingStatuses">Its plan headings counted by the headings' own statuses (e.g. an inspection priority's overall RAG).</param>
public sealed record PartnershipDelivery(string Partnership, string Name, DeliveryFigures Figures, StatusCounts HeadingStatuses);

/// <summary>Actions under headings about one MSG proposal, across partnerships; Partnerships counts those with any.</summary>
public sealed record ProposalDelivery(string Proposal, int KeyFeature, int Partnerships, DeliveryFigures Figures);

/// <summary>Delivery overview per partnership (every onboarded one) and per MSG proposal; overdue is judged on Today.</summary>
/// <param name="Today">The date overdue is judged on: effectiveOn, else the date of asOf, else today.</param>
/// <param name="AsOf">Only events recorded at or before this time were counted (null: every event).</param>
/// <param name="EffectiveOn">Only events effective on or before this business date were counted (null: every event).</param>
public sealed record DeliveryView(DateOnly Today, DateTimeOffset? AsOf, DateOnly? EffectiveOn,
    IReadOnlyList<PartnershipDelivery> Partnerships, IReadOnlyList<ProposalDelivery> Proposals)
    : ISizedView
{
    // Fifteen counts a row, plus the row's names.
    public long EstimatedBytes =>
        CacheBudget.Object * 3 + Partnerships.Sum(p => CacheBudget.Object * 2 + 15 * 4 + CacheBudget.Of(p.Partnership) + CacheBudget.Of(p.Name))
        + Proposals.Sum(p => CacheBudget.Object * 2 + 17 * 4 + CacheBudget.Of(p.Proposal));

    public CsvTable Table(string name) => name switch
    {
        "proposals" => new(["proposal", "keyFeature", "partnerships", .. DeliveryFigures.Columns],
            Proposals.Select(p => (IReadOnlyList<object?>)[p.Proposal, p.KeyFeature, p.Partnerships, .. p.Figures.Cells()])),
        _ => new(["partnership", "name", .. DeliveryFigures.Columns, "headingsRed", "headingsAmber", "headingsGreen", "headingsBlue", "headingsNotRated"],
            Partnerships.Select(p => (IReadOnlyList<object?>)[p.Partnership, p.Name, .. p.Figures.Cells(),
                p.HeadingStatuses.Red, p.HeadingStatuses.Amber, p.HeadingStatuses.Green, p.HeadingStatuses.Blue, p.HeadingStatuses.NotRated]))
    };

    public static readonly string[] Tables = ["partnerships", "proposals"];
}

public static class DeliveryEndpoint
{
    public const string View = "delivery";

    /// <summary>
    /// Delivery overview: per partnership, its actions by their own status and its plan headings by theirs (headingStatuses), overdue, slipped (number of slips and
    /// total days slipped), completed, and completed by the original target; and the same per MSG proposal
    /// across partnerships. RAG counts are of live actions only (see DeliveryFigures). Now, or at a point in
    /// time: <c>asOf</c> (what the ledger had recorded by then) and/or <c>effectiveOn</c> (what had taken
    /// effect by that business date), answered by replaying the ledger. <c>format=csv</c> gives
    /// <c>table=partnerships</c> (default) or <c>proposals</c>. Headers PlanLedger-Projection-Position and
    /// PlanLedger-Ledger-Position show how far the view has caught up.
    /// </summary>
    /// <param name="asOf">Only events recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only events whose effective date is on or before this business date (yyyy-MM-dd).</param>
    /// <param name="format">json (default) or csv.</param>
    /// <param name="table">For CSV: partnerships (default) or proposals.</param>
    [WolverineGet("/national/delivery", Name = "GetNationalDelivery")]
    [Tags("National")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<DeliveryView>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> Get(DateTimeOffset? asOf, DateOnly? effectiveOn, string? format, string? table, IDocumentStore store,
        MsgFramework framework, TimeProvider clock, NationalViewCache<DeliveryView> cache, HttpContext http)
    {
        var check = new QueryCheck();
        var output = check.Output(format, table, DeliveryView.Tables);
        if (check.Problem is { } problem) return problem;

        var (position, view) = await ReadAsync(store, framework, clock, cache, new PointInTime(asOf, effectiveOn), http.RequestAborted);
        return NationalAnswer.Send(http, View, position, output, view, view.Table);
    }

    /// <summary>The delivery view at a point in time: the cached projection now, else replayed from the ledger (its position is the ledger's).</summary>
    public static async Task<(ViewPosition Position, DeliveryView View)> ReadAsync(IDocumentStore store, MsgFramework framework, TimeProvider clock,
        NationalViewCache<DeliveryView> cache, PointInTime point, CancellationToken token)
    {
        var position = await ViewPosition.ReadAsync(store, LocatedAction.Projections, token);
        var today = point.Today(clock);
        await using var session = store.QuerySession(NationalLedger.Tenant);
        var partnerships = await AcrossPartnerships.PartnershipsAsync(session, token);
        if (point.IsNow)
        {
            return (position, await cache.GetAsync((position, today), async () => Build(framework, partnerships,
                await HeadingProposals.LoadAsync(store, token),
                await store.AcrossDatabasesAsync(on => DeliveryFigures.ByHeadingAsync(on, today, token)), today, point)));
        }

        // Replayed from the ledger itself: the answer includes every event recorded when it was read.
        var plans = new List<NationalPlan>();
        var headings = new List<((string, string, string), DeliveryFigures)>();
        await foreach (var (actions, replayedPlans) in NationalReplay.PartnershipsAsync(store, partnerships, point, token))
        {
            plans.AddRange(replayedPlans);
            headings.AddRange(actions.GroupBy(a => (a.Partnership, a.Plan, a.Heading))
                .Select(g => (g.Key, DeliveryFigures.Of(g.Select(a => a.Action).ToList(), today))));
        }
        return (position with { Projection = position.Ledger }, Build(framework, partnerships, HeadingProposals.Of(plans), headings, today, point));
    }

    private static DeliveryView Build(MsgFramework framework, IReadOnlyList<Partnership> partnerships, HeadingProposals proposals,
        IReadOnlyList<((string Partnership, string Plan, string Heading) Where, DeliveryFigures Figures)> headings, DateOnly today, PointInTime point)
    {
        var byPartnership = headings.ToLookup(h => h.Where.Partnership, h => h.Figures);
        var byProposal = headings
            .Select(h => (Proposal: proposals.Of(h.Where.Partnership, h.Where.Plan, h.Where.Heading), h.Where.Partnership, h.Figures))
            .Where(h => h.Proposal is not null)
            .ToLookup(h => h.Proposal!);
        return new DeliveryView(
            today, point.RecordedBy, point.EffectiveBy,
            partnerships.Select(p => new PartnershipDelivery(p.Code, p.Name, DeliveryFigures.Sum(byPartnership[p.Code]), proposals.HeadingStatuses(p.Code))).ToList(),
            framework.Proposals.Select(p => new ProposalDelivery(p.Number, p.KeyFeature,
                byProposal[p.Number].Where(h => h.Figures.Actions > 0).Select(h => h.Partnership).Distinct().Count(),
                DeliveryFigures.Sum(byProposal[p.Number].Select(h => h.Figures)))).ToList());
    }
}
