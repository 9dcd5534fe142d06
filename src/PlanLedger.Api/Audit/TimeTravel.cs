using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using PlanLedger.Actions;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using PlanLedger.Security;
using PlanLedger.SelfAssessments;

namespace PlanLedger.Audit;

/// <summary>A plan and its actions at a point in time, actions in plan order.</summary>
/// <param name="Today">The date overdue is judged on.</param>
public sealed record PlanView(PlanRecord Plan, IReadOnlyList<ActionRecord> Actions, DateOnly Today);

/// <summary>
/// Loads current state from the inline projections, or replays the streams in memory up to a point in
/// time. Action, plan, actions list, summary and board report all read through it.
/// </summary>
public static class TimeTravel
{
    // The projections' own Evolve, so an answer as of the last event equals the stored view.
    private static readonly ActionProjection ActionFold = new();
    private static readonly PlanProjection PlanFold = new();

    public static async Task<ActionRecord?> ActionAsync(IQuerySession session, string plan, string action, PointInTime point, CancellationToken token)
    {
        var key = ActionRecord.KeyFor(plan, action);
        if (point.IsNow) return await session.LoadAsync<ActionRecord>(key, token);
        return Replay(await session.Events.FetchStreamAsync(key, token: token), ActionFold, point);
    }

    public static async Task<PlanRecord?> PlanAsync(IQuerySession session, string plan, PointInTime point, CancellationToken token)
    {
        var key = PlanRecord.KeyFor(plan);
        if (point.IsNow) return await session.LoadAsync<PlanRecord>(key, token);
        return Replay(await session.Events.FetchStreamAsync(key, token: token), PlanFold, point);
    }

    /// <summary>The partnership's self-assessment ratings in force at a point in time.</summary>
    public static Task<IReadOnlyList<SelfAssessment>> RatingsAsync(IQuerySession session, PointInTime point, CancellationToken token) =>
        SelfAssessment.AllAsync(session, point, token);

    /// <summary>
    /// What every plan-wide read does: reads the as-of parameters, opens the partnership's session and loads
    /// the plan with its actions at that point; a problem (400, 404) when it cannot.
    /// </summary>
    public static async Task<(PlanView? View, IResult? Problem)> ReadPlanAsync(IDocumentStore store, HttpContext http, TimeProvider clock,
        string plan, DateTimeOffset? asOf, DateOnly? effectiveOn)
    {
        if (PointInTime.Read(asOf, effectiveOn, null, out var problem) is not { } point) return (null, problem);
        await using var session = store.QuerySession(http.Partnership());
        var view = await PlanViewAsync(session, plan, point, clock, http.RequestAborted);
        return view is null ? (null, point.NotFound($"Plan '{plan}'")) : (view, null);
    }

    /// <summary>A plan with its actions at a point in time; null when the plan did not exist then.</summary>
    public static async Task<PlanView?> PlanViewAsync(IQuerySession session, string plan, PointInTime point, TimeProvider clock, CancellationToken token)
    {
        if (point.Version is not null) throw new ArgumentException("A version names one stream, not a plan with its actions", nameof(point));
        var planKey = PlanRecord.KeyFor(plan);
        if (point.IsNow)
        {
            var current = await session.LoadAsync<PlanRecord>(planKey, token);
            if (current is null) return null;
            var actions = await session.Query<ActionRecord>().Where(a => a.Plan == plan).ToListAsync(token);
            return View(current, actions, point.Today(clock));
        }

        // One query for the plan's stream and all its action streams; the session's tenant scopes it.
        var actionPrefix = ActionRecord.KeyFor(plan, "");
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == planKey || e.StreamKey!.StartsWith(actionPrefix))
            .OrderBy(e => e.Sequence)
            .ToListAsync(token);
        var record = Replay(events.Where(e => e.StreamKey == planKey), PlanFold, point);
        if (record is null) return null;
        var replayed = events.Where(e => e.StreamKey != planKey)
            .GroupBy(e => e.StreamKey!)
            .Select(stream => Replay(stream.OrderBy(e => e.Version), ActionFold, point))
            .OfType<ActionRecord>()
            .ToList();
        return View(record, replayed, point.Today(clock));
    }

    /// <summary>Orders a plan's actions as its board papers do: by heading in plan order, then by reference.</summary>
    public static PlanView View(PlanRecord plan, IEnumerable<ActionRecord> actions, DateOnly today)
    {
        var headingOrder = plan.Headings.Select((h, i) => (h.Reference, i)).ToDictionary(x => x.Reference, x => x.i);
        var ordered = actions
            .OrderBy(a => headingOrder.GetValueOrDefault(a.Heading, int.MaxValue))
            .ThenBy(a => a.Heading, NaturalOrder.Instance)
            .ThenBy(a => a.Reference, NaturalOrder.Instance)
            .ToList();
        return new PlanView(plan, ordered, today);
    }

    private static T? Replay<T>(IEnumerable<IEvent> events, SingleStreamProjection<T, string> projection, PointInTime point) where T : class =>
        point.Fold(events, projection);
}

/// <summary>Orders references as people read them: "2" before "10", "3.4" before "3.10".</summary>
public sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var si = i; while (i < x.Length && char.IsAsciiDigit(x[i])) i++;
                var sj = j; while (j < y.Length && char.IsAsciiDigit(y[j])) j++;
                var a = x[si..i].TrimStart('0');
                var b = y[sj..j].TrimStart('0');
                var byNumber = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
                if (byNumber != 0) return byNumber;
            }
            else
            {
                var byChar = char.ToLowerInvariant(x[i]).CompareTo(char.ToLowerInvariant(y[j]));
                if (byChar != 0) return byChar;
                i++; j++;
            }
        }
        var byLength = (x.Length - i).CompareTo(y.Length - j);
        return byLength != 0 ? byLength : string.CompareOrdinal(x, y);
    }
}
