using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Actions;
using PlanLedger.Infrastructure;
using PlanLedger.Audit;
using PlanLedger.Framework;
using PlanLedger.Ledger;
using PlanLedger.Partnerships;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.National;

/// <summary>
/// An action whose timescale slipped or that is delayed (with or without a new date): where it sits, who leads it,
/// its targets then and now, every slip and every delay.
/// </summary>
public sealed record SlippedAction(
    string Partnership,
    string Plan,
    string Action,
    string Heading,
    string? Proposal,
    int? KeyFeature,
    string Description,
    IReadOnlyList<Lead> Leads,
    DeliveryStatus? Status,
    ActionClosure Closure,
    Timescale? OriginalTimescale,
    Timescale? Timescale,
    int Slips,
    int DaysSlipped,
    IReadOnlyList<Slip> SlipHistory,
    IReadOnlyList<Delay> Delays);

/// <summary>Slipped actions across partnerships, most days slipped first, with the filters that chose them.</summary>
/// <param name="TotalActions">How many actions match the filters, on every page.</param>
/// <param name="Actions">This page of them (CSV: all of them).</param>
/// <param name="AsOf">Only events recorded at or before this time were read (null: every event).</param>
/// <param name="EffectiveOn">Only events effective on or before this business date were read (null: every event).</param>
public sealed record SlippageView(
    DateTimeOffset? AsOf,
    DateOnly? EffectiveOn,
    int MinDays,
    string? Partnership,
    string? Proposal,
    int? KeyFeature,
    string? LeadRole,
    int Page,
    int PageSize,
    int TotalActions,
    int TotalPages,
    IReadOnlyList<SlippedAction> Actions)
{
    public CsvTable Table(string name) => new(
        ["partnership", "plan", "action", "heading", "proposal", "keyFeature", "description", "leads", "status", "closure",
         "originalTimescale", "originalTarget", "timescale", "target", "slips", "daysSlipped", "lastSlipReason", "delays", "undatedDelays", "lastDelayReason"],
        Actions.Select(a => (IReadOnlyList<object?>)
        [
            a.Partnership, a.Plan, a.Action, a.Heading, a.Proposal, a.KeyFeature, a.Description,
            string.Join("; ", a.Leads.Select(l => l.ToString())), a.Status, a.Closure,
            a.OriginalTimescale?.Text, a.OriginalTimescale?.Target, a.Timescale?.Text, a.Timescale?.Target,
            a.Slips, a.DaysSlipped, a.SlipHistory.LastOrDefault()?.Reason,
            a.Delays.Count, a.Delays.Count(d => d.NewTarget is null), a.Delays.LastOrDefault()?.Reason
        ]));

    public static readonly string[] Tables = ["actions"];
}

/// <summary>Which slipped actions to list; filters given together all apply.</summary>
public sealed record SlippageFilter(int MinDays, string? Partnership, string? Proposal, int? KeyFeature, string? LeadRole);

public static class SlippageEndpoint
{
    public const string View = "slippage";

    /// <summary>
    /// Actions across partnerships whose timescales slipped by at least <c>minDays</c> in total (default 0:
    /// every slipped action, and every action delayed with no new date, e.g. "delayed due to COVID 19"), optionally only one partnership's, those under one MSG proposal or key
    /// feature, or those with a lead whose role contains <c>leadRole</c> (any case). <c>format=csv</c> gives
    /// one row per matching action (every page); JSON is paged, most days slipped first. Now, or at a point in
    /// time: <c>asOf</c> (recorded by) and/or <c>effectiveOn</c> (effective by), answered by replaying the ledger.
    /// Headers PlanLedger-Projection-Position and PlanLedger-Ledger-Position show how far the view has caught up.
    /// </summary>
    /// <param name="asOf">Only events recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only events whose effective date is on or before this business date (yyyy-MM-dd).</param>
    /// <param name="minDays">Least total days slipped, 0 or more (default 0).</param>
    /// <param name="partnership">Only this partnership's actions (its code, e.g. orkney).</param>
    /// <param name="proposal">Only actions under a heading about this MSG proposal, e.g. 2.3.</param>
    /// <param name="keyFeature">Only actions under a heading about a proposal of this MSG key feature, 1 to 6.</param>
    /// <param name="leadRole">Only actions with a lead whose role contains this text, in any case, e.g. "head of".</param>
    /// <param name="page">JSON page, 1 or more (default 1).</param>
    /// <param name="pageSize">Actions a JSON page, 1 to 500 (default 100).</param>
    /// <param name="format">json (default) or csv.</param>
    /// <param name="table">For CSV: actions (the only table).</param>
    [WolverineGet("/national/slippage", Name = "GetNationalSlippage")]
    [Tags("National")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<SlippageView>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> Get(DateTimeOffset? asOf, DateOnly? effectiveOn, int? minDays, string? partnership, string? proposal, int? keyFeature, string? leadRole,
        int? page, int? pageSize, string? format, string? table, IDocumentStore store, MsgFramework framework, PartnershipDirectory directory, HttpContext http)
    {
        var check = new QueryCheck();
        check.Require(minDays is null or >= 0, nameof(minDays), "'minDays' must be 0 or more.");
        check.Require(proposal is null || framework.Find(proposal) is not null, nameof(proposal), "'proposal' must be an MSG proposal number from 1.1 to 6.3.");
        check.Require(keyFeature is null || framework.KeyFeatures.Any(k => k.Number == keyFeature), nameof(keyFeature), "'keyFeature' must be an MSG key feature from 1 to 6.");
        check.Require(leadRole is null || (leadRole.Length is > 0 and <= Limits.Name), nameof(leadRole), $"'leadRole' must hold 1 to {Limits.Name} characters.");
        check.Require(partnership is null || (partnership.Length <= Limits.Reference && await directory.ExistsAsync(partnership, http.RequestAborted)),
            nameof(partnership), "'partnership' must be the code of an onboarded partnership.");
        check.Require(Paging.IsPage(page), nameof(page), "'page' must be 1 or more.");
        check.Require(Paging.IsPageSize(pageSize), nameof(pageSize), $"'pageSize' must be from 1 to {Paging.MaxSize}.");
        var output = check.Output(format, table, SlippageView.Tables);
        if (check.Problem is { } problem) return problem;

        var paging = output.Csv ? null : new Paging(page ?? 1, pageSize ?? Paging.DefaultSize);
        var (position, view) = await ReadAsync(store, framework, new PointInTime(asOf, effectiveOn),
            new SlippageFilter(minDays ?? 0, partnership, proposal, keyFeature, leadRole), paging, http.RequestAborted);
        return NationalAnswer.Send(http, View, position, output, view, view.Table);
    }

    /// <summary>The slipped actions the filter chooses at a point in time, most days slipped first; one page of them, or all when paging is null.</summary>
    public static async Task<(ViewPosition Position, SlippageView View)> ReadAsync(IDocumentStore store, MsgFramework framework, PointInTime point,
        SlippageFilter filter, Paging? paging, CancellationToken token)
    {
        var (minDays, partnership, proposal, keyFeature, leadRole) = filter;
        var position = await ViewPosition.ReadAsync(store, LocatedAction.Projections, token);
        var actions = await LocatedAction.LoadSlippedAsync(store, framework, point, token);
        if (!point.IsNow) position = position with { Projection = position.Ledger };
        var slipped = actions
            .Where(a => a.Action.IsDelayed && a.Action.DaysSlipped >= minDays)
            .Where(a => partnership is null || a.National.Partnership == partnership)
            .Where(a => proposal is null || a.Proposal == proposal)
            .Where(a => keyFeature is null || a.KeyFeature == keyFeature)
            .Where(a => leadRole is null || a.Action.Leads.Any(l => l.Role?.Contains(leadRole, StringComparison.OrdinalIgnoreCase) == true))
            .OrderByDescending(a => a.Action.DaysSlipped).ThenBy(a => a.National.Partnership).ThenBy(a => a.Action.Plan).ThenBy(a => a.Action.Reference)
            .Select(a => new SlippedAction(a.National.Partnership, a.Action.Plan, a.Action.Reference, a.Action.Heading, a.Proposal, a.KeyFeature,
                a.Action.Description, a.Action.Leads, a.Action.Status, a.Action.Closure, a.Action.OriginalTimescale, a.Action.Timescale,
                a.Action.Slips, a.Action.DaysSlipped, a.National.SlipHistory, a.Action.Delays))
            .ToList();
        paging ??= new Paging(1, Math.Max(slipped.Count, 1));
        return (position, new SlippageView(point.RecordedBy, point.EffectiveBy, minDays, partnership, proposal, keyFeature, leadRole, paging.Page, paging.PageSize,
            slipped.Count, paging.PagesFor(slipped.Count), paging.PageOf(slipped)));
    }
}
