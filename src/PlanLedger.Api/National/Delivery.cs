using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Actions;
using PlanLedger.Framework;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.National;

/// <summary>One slip of an action's timescale: when it took effect, from what to what, by how many days and why.</summary>
public sealed record Slip(DateOnly EffectiveOn, Timescale From, Timescale To, int DaysSlipped, string Reason);

/// <summary>A partnership's action, as the national views hold it: the partnership's own state and its slips.</summary>
public sealed record NationalAction
{
    /// <summary>"{partnership}/action/{plan}/{reference}".</summary>
    public string Id { get; init; } = "";
    public string Partnership { get; init; } = "";
    /// <summary>Exactly what the partnership's own view of the action says.</summary>
    public ActionRecord Action { get; init; } = new();
    public IReadOnlyList<Slip> SlipHistory { get; init; } = [];
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

    public static async Task<IReadOnlyList<LocatedAction>> LoadAsync(IQuerySession session, MsgFramework framework, CancellationToken token)
    {
        var plans = (await session.Query<NationalPlan>().ToListAsync(token)).ToDictionary(p => (p.Partnership, p.Plan.Reference));
        var actions = await session.Query<NationalAction>().ToListAsync(token);
        return actions.Select(a =>
        {
            var proposal = plans.GetValueOrDefault((a.Partnership, a.Action.Plan))?.Plan.Headings
                .FirstOrDefault(h => h.Reference == a.Action.Heading)?.Proposal;
            return new LocatedAction(a, proposal, proposal is null ? null : framework.Find(proposal)?.KeyFeature);
        }).ToList();
    }
}

/// <summary>
/// Delivery figures of a set of actions. By status counts current RAG (NoStatus: none set); Slipped counts
/// actions slipped at least once, Slips every slip; Overdue is open, not Blue and past its target today.
/// </summary>
public sealed record DeliveryFigures(
    int Actions, int Red, int Amber, int Green, int Blue, int NoStatus,
    int Open, int Completed, int Withdrawn, int Superseded,
    int Overdue, int Slipped, int Slips, int DaysSlipped, int CompletedByOriginalTarget)
{
    public static DeliveryFigures Of(IReadOnlyCollection<ActionRecord> actions, DateOnly today) => new(
        actions.Count,
        actions.Count(a => a.Status == DeliveryStatus.Red),
        actions.Count(a => a.Status == DeliveryStatus.Amber),
        actions.Count(a => a.Status == DeliveryStatus.Green),
        actions.Count(a => a.Status == DeliveryStatus.Blue),
        actions.Count(a => a.Status is null),
        actions.Count(a => a.Closure == ActionClosure.Open),
        actions.Count(a => a.Closure == ActionClosure.Completed),
        actions.Count(a => a.Closure == ActionClosure.Withdrawn),
        actions.Count(a => a.Closure == ActionClosure.Superseded),
        actions.Count(a => a.IsOverdue(today)),
        actions.Count(a => a.Slips > 0),
        actions.Sum(a => a.Slips),
        actions.Sum(a => a.DaysSlipped),
        actions.Count(a => a.CompletedByOriginalTarget));

    public static readonly string[] Columns =
    [
        "actions", "red", "amber", "green", "blue", "noStatus", "open", "completed", "withdrawn", "superseded",
        "overdue", "slipped", "slips", "daysSlipped", "completedByOriginalTarget"
    ];

    public object?[] Cells() =>
        [Actions, Red, Amber, Green, Blue, NoStatus, Open, Completed, Withdrawn, Superseded, Overdue, Slipped, Slips, DaysSlipped, CompletedByOriginalTarget];
}

public sealed record PartnershipDelivery(string Partnership, string Name, DeliveryFigures Figures);

/// <summary>Actions under headings about one MSG proposal, across partnerships; Partnerships counts those with any.</summary>
public sealed record ProposalDelivery(string Proposal, int KeyFeature, int Partnerships, DeliveryFigures Figures);

/// <summary>Delivery overview per partnership (every onboarded one) and per MSG proposal; overdue is judged on Today.</summary>
public sealed record DeliveryView(DateOnly Today, IReadOnlyList<PartnershipDelivery> Partnerships, IReadOnlyList<ProposalDelivery> Proposals)
{
    public CsvTable Table(string name) => name switch
    {
        "proposals" => new(["proposal", "keyFeature", "partnerships", .. DeliveryFigures.Columns],
            Proposals.Select(p => (IReadOnlyList<object?>)[p.Proposal, p.KeyFeature, p.Partnerships, .. p.Figures.Cells()])),
        _ => new(["partnership", "name", .. DeliveryFigures.Columns],
            Partnerships.Select(p => (IReadOnlyList<object?>)[p.Partnership, p.Name, .. p.Figures.Cells()]))
    };

    public static readonly string[] Tables = ["partnerships", "proposals"];
}

public static class DeliveryEndpoint
{
    public const string View = "delivery";

    /// <summary>
    /// Delivery overview: per partnership, its actions by status, overdue, slipped (number of slips and
    /// total days slipped), completed, and completed by the original target; and the same per MSG proposal
    /// across partnerships. <c>format=csv</c> gives <c>table=partnerships</c> (default) or <c>proposals</c>.
    /// Headers PlanLedger-Projection-Position and PlanLedger-Ledger-Position show how far the view has caught up.
    /// </summary>
    /// <param name="format">json (default) or csv.</param>
    /// <param name="table">For CSV: partnerships (default) or proposals.</param>
    [WolverineGet("/national/delivery", Name = "GetNationalDelivery")]
    [Tags("National")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<DeliveryView>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> Get(string? format, string? table, IDocumentStore store, MsgFramework framework, TimeProvider clock, HttpContext http)
    {
        var check = new QueryCheck();
        var output = check.Output(format, table, DeliveryView.Tables);
        if (check.Problem is { } problem) return problem;

        var position = await ViewPosition.ReadAsync(store, LocatedAction.Projections, http.RequestAborted);
        await using var session = store.QuerySession();
        var partnerships = await AcrossPartnerships.PartnershipsAsync(session, http.RequestAborted);
        var actions = await LocatedAction.LoadAsync(session, framework, http.RequestAborted);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        var byPartnership = actions.ToLookup(a => a.National.Partnership, a => a.Action);
        var byProposal = actions.Where(a => a.Proposal is not null).ToLookup(a => a.Proposal!);
        var view = new DeliveryView(
            today,
            partnerships.Select(p => new PartnershipDelivery(p.Code, p.Name, DeliveryFigures.Of(byPartnership[p.Code].ToList(), today))).ToList(),
            framework.Proposals.Select(p => new ProposalDelivery(p.Number, p.KeyFeature,
                byProposal[p.Number].Select(a => a.National.Partnership).Distinct().Count(),
                DeliveryFigures.Of(byProposal[p.Number].Select(a => a.Action).ToList(), today))).ToList());
        return NationalAnswer.Send(http, View, position, output, view, view.Table);
    }
}
