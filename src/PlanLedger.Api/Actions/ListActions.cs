using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Audit;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>Which of a plan's actions to list; filters given together all apply.</summary>
public sealed class ActionFilter
{
    /// <summary>Only actions with this delivery status.</summary>
    [FromQuery(Name = "status")] public DeliveryStatus? Status { get; set; }
    /// <summary>Only actions with a lead whose name or role contains this text (any case).</summary>
    [FromQuery(Name = "lead")] public string? Lead { get; set; }
    /// <summary>Only actions under this heading (its reference).</summary>
    [FromQuery(Name = "heading")] public string? Heading { get; set; }
    /// <summary>Only actions under a heading for this MSG proposal (e.g. 2.3).</summary>
    [FromQuery(Name = "proposal")] public string? Proposal { get; set; }
    /// <summary>true: only actions whose target date has passed and that are not Blue or closed; false: only the others.</summary>
    [FromQuery(Name = "overdue")] public bool? Overdue { get; set; }
    /// <summary>true: only actions whose timescale slipped later at least once; false: only the others.</summary>
    [FromQuery(Name = "slipped")] public bool? Slipped { get; set; }

    public IEnumerable<ActionRecord> Apply(PlanView view)
    {
        var proposalHeadings = Proposal is null
            ? null
            : view.Plan.Headings.Where(h => h.Proposal == Proposal).Select(h => h.Reference).ToHashSet();
        return view.Actions.Where(a =>
            (Status is null || a.Status == Status)
            && (Lead is null || a.Leads.Any(l => Contains(l.Name, Lead) || Contains(l.Role, Lead)))
            && (Heading is null || a.Heading == Heading)
            && (proposalHeadings is null || proposalHeadings.Contains(a.Heading))
            && (Overdue is null || a.IsOverdue(view.Today) == Overdue)
            && (Slipped is null || a.Slips > 0 == Slipped));
    }

    private static bool Contains(string? text, string part) => text?.Contains(part, StringComparison.OrdinalIgnoreCase) == true;
}

public static class ListActionsEndpoint
{
    /// <summary>
    /// A plan's actions in plan order, filtered; now, or as they stood at a point in time (asOf, effectiveOn).
    /// Overdue is judged on effectiveOn, else the date of asOf, else today.
    /// </summary>
    /// <param name="asOf">Only events recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only events whose effective date is on or before this business date (yyyy-MM-dd).</param>
    [WolverineGet("/partnerships/{partnershipId}/plans/{plan}/actions", Name = "ListActions")]
    [Tags("Audit")]
    [ProducesResponseType<IReadOnlyList<ActionRecord>>(200)]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> List(string partnershipId, string plan, [AsParameters] ActionFilter filter, DateTimeOffset? asOf, DateOnly? effectiveOn,
        IDocumentStore store, TimeProvider clock, HttpContext http)
    {
        var (view, problem) = await TimeTravel.ReadPlanAsync(store, http, clock, plan, asOf, effectiveOn);
        return problem ?? Results.Json(filter.Apply(view!).ToList());
    }
}
