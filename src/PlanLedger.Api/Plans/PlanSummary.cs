using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Actions;
using PlanLedger.Audit;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Plans;

/// <summary>
/// How many live actions (open or completed; not withdrawn or superseded), or how many headings, hold each delivery
/// status. The one counting rule of every RAG count, in a plan summary and in the national delivery view alike: a
/// withdrawn or superseded action is counted as withdrawn or superseded and under no status.
/// </summary>
public sealed record StatusCounts(int Red, int Amber, int Green, int Blue, int NotRated)
{
    /// <summary>Whether an action counts under its RAG status (see <see cref="StatusCounts"/>).</summary>
    public static bool CountsUnderStatus(ActionRecord action) => action.Closure is ActionClosure.Open or ActionClosure.Completed;

    /// <summary>The same rule as <see cref="CountsUnderStatus"/>, for SQL over a closure column.</summary>
    public static string CountsUnderStatusSql(string closureColumn) => $"{closureColumn} in ('Open', 'Completed')";

    public static StatusCounts Of(IEnumerable<ActionRecord> actions) => Of(actions.Where(CountsUnderStatus).Select(a => a.Status));

    public static StatusCounts Of(IEnumerable<DeliveryStatus?> statuses)
    {
        var all = statuses.ToList();
        return new StatusCounts(
            all.Count(s => s == DeliveryStatus.Red), all.Count(s => s == DeliveryStatus.Amber),
            all.Count(s => s == DeliveryStatus.Green), all.Count(s => s == DeliveryStatus.Blue),
            all.Count(s => s is null));
    }
}

/// <summary>Counts over a set of actions.</summary>
/// <param name="Actions">Every action, closed ones included.</param>
/// <param name="Overdue">Target date passed, not Blue and not closed.</param>
/// <param name="Slipped">Timescale moved later at least once.</param>
/// <param name="Delayed">Slipped, or delayed with no new date (e.g. "delayed due to COVID 19").</param>
/// <param name="Completed">Completed (Blue).</param>
/// <param name="CompletedByOriginalTarget">Completed on or before the first target set.</param>
public sealed record ActionCounts(int Actions, StatusCounts ByStatus, int Open, int Overdue, int Slipped, int Delayed, int Completed,
    int CompletedByOriginalTarget, int Withdrawn, int Superseded)
{
    public static ActionCounts Of(IReadOnlyCollection<ActionRecord> actions, DateOnly today) => new(
        actions.Count, StatusCounts.Of(actions),
        actions.Count(a => a.Closure == ActionClosure.Open),
        actions.Count(a => a.IsOverdue(today)),
        actions.Count(a => a.Slips > 0),
        actions.Count(a => a.IsDelayed),
        actions.Count(a => a.Closure == ActionClosure.Completed),
        actions.Count(a => a.CompletedByOriginalTarget),
        actions.Count(a => a.Closure == ActionClosure.Withdrawn),
        actions.Count(a => a.Closure == ActionClosure.Superseded));

    /// <summary>The counts' CSV columns, in the order of <see cref="Cells"/>.</summary>
    public static readonly string[] Columns = ["actions", "red", "amber", "green", "blue", "notRated", "open", "overdue", "slipped", "delayed",
        "completed", "completedByOriginalTarget", "withdrawn", "superseded"];

    public object?[] Cells() => [Actions, ByStatus.Red, ByStatus.Amber, ByStatus.Green, ByStatus.Blue, ByStatus.NotRated, Open, Overdue, Slipped, Delayed,
        Completed, CompletedByOriginalTarget, Withdrawn, Superseded];
}

/// <summary>A heading: its own RAG (<paramref name="Status"/>, none until one is reported) and its actions counted.</summary>
/// <param name="Status">The heading's own status, e.g. an inspection priority's "Nov Overall RAG"; not derived from its actions.</param>
/// <param name="Counts">The heading's actions, counted by their own statuses.</param>
public sealed record HeadingSummary(string Reference, HeadingKind Kind, string Title, string? Proposal, DeliveryStatus? Status, ActionCounts Counts);

/// <summary>A plan's actions counted: by status, overdue, slipped, completed, and per heading.</summary>
/// <param name="Date">The date the summary describes; overdue is judged against it.</param>
/// <param name="Counts">The plan's actions, counted by the actions' own statuses.</param>
/// <param name="HeadingStatuses">The plan's headings, counted by the headings' own statuses (NotRated: none reported).</param>
public sealed record PlanSummary(
    string Plan,
    string Title,
    PlanKind Kind,
    PlanStatus Status,
    int Version,
    DateOnly Date,
    ActionCounts Counts,
    StatusCounts HeadingStatuses,
    IReadOnlyList<HeadingSummary> ByHeading)
{
    public static PlanSummary Of(PlanView view)
    {
        var byHeading = view.Actions.ToLookup(a => a.Heading);
        var headings = view.Plan.Headings
            .Select(h => new HeadingSummary(h.Reference, h.Kind, h.Title, h.Proposal, h.Status, ActionCounts.Of(byHeading[h.Reference].ToList(), view.Today)))
            .ToList();
        return new PlanSummary(view.Plan.Reference, view.Plan.Title, view.Plan.Kind, view.Plan.Status, view.Plan.Version, view.Today,
            ActionCounts.Of(view.Actions, view.Today), StatusCounts.Of(view.Plan.Headings.Select(h => h.Status)), headings);
    }

    public static readonly string[] Tables = ["headings"];

    /// <summary>The summary by heading as one CSV table: each heading's own status beside its actions counted.</summary>
    public CsvTable Table() => new(
        ["heading", "kind", "title", "proposal", "status", .. ActionCounts.Columns],
        ByHeading.Select(h => (IReadOnlyList<object?>)[h.Reference, h.Kind, h.Title, h.Proposal, h.Status, .. h.Counts.Cells()]));
}

public static class PlanSummaryEndpoint
{
    /// <summary>
    /// A plan's actions counted by status, overdue, slipped and completed, overall and per heading, beside the headings'
    /// own statuses (counts.byStatus: actions; headingStatuses and byHeading[].status: headings); now or as of a point in time.
    /// <c>format=csv</c> gives byHeading as CSV: one row per heading, its own status and its actions counted.
    /// </summary>
    /// <param name="asOf">Only events recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only events whose effective date is on or before this business date (yyyy-MM-dd).</param>
    /// <param name="format">json (default) or csv.</param>
    [WolverineGet("/partnerships/{partnershipId}/plans/{plan}/summary", Name = "GetPlanSummary")]
    [Tags("Audit")]
    [ProducesResponseType<PlanSummary>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(string partnershipId, string plan, DateTimeOffset? asOf, DateOnly? effectiveOn, string? format,
        IDocumentStore store, TimeProvider clock, HttpContext http)
    {
        var check = new QueryCheck();
        var output = check.Output(format, null, PlanSummary.Tables);
        if (check.Problem is { } bad) return bad;
        var (view, problem) = await TimeTravel.ReadPlanAsync(store, http, clock, plan, asOf, effectiveOn);
        if (problem is not null) return problem;
        var summary = PlanSummary.Of(view!);
        return output.Send(http, "plan-summary", summary, _ => summary.Table());
    }
}
