using System.Runtime.CompilerServices;
using Marten;
using PlanLedger.Infrastructure;
using PlanLedger.Actions;
using PlanLedger.Audit;
using PlanLedger.Partnerships;
using PlanLedger.Plans;

namespace PlanLedger.National;

/// <summary>
/// The national action and plan documents as they stood at a point in time (recorded by <c>asOf</c>,
/// effective by <c>effectiveOn</c>), rebuilt by replaying each partnership's ledger through the national
/// projections' own Evolve, so an answer for "now" and a replayed one cannot differ in their rules. One
/// partnership at a time, streamed: memory holds one partnership's actions, never the whole ledger.
/// </summary>
public static class NationalReplay
{
    private static readonly NationalActionProjection Actions = new();
    private static readonly NationalPlanProjection Plans = new();
    private static readonly string ActionPrefix = ActionRecord.KeyFor("", "")[..^1];
    private static readonly string PlanPrefix = PlanRecord.KeyFor("");

    public static async IAsyncEnumerable<(IReadOnlyList<NationalAction> Actions, IReadOnlyList<NationalPlan> Plans)> PartnershipsAsync(
        IDocumentStore store, IReadOnlyList<Partnership> partnerships, PointInTime point, [EnumeratorCancellation] CancellationToken token)
    {
        foreach (var partnership in partnerships)
        {
            var actions = new Dictionary<string, NationalAction>();
            var plans = new Dictionary<string, NationalPlan>();
            await using var session = store.QuerySession(partnership.Code);
            var events = session.Events.QueryAllRawEvents()
                .Where(e => e.StreamKey!.StartsWith(ActionPrefix) || e.StreamKey!.StartsWith(PlanPrefix))
                .OrderBy(e => e.Sequence)
                .ToAsyncEnumerable(token);
            await foreach (var e in events.WithCancellation(token))
            {
                if (!point.Includes(e)) continue;
                var id = AcrossPartnerships.KeyFor(e);
                if (e.StreamKey!.StartsWith(ActionPrefix))
                {
                    if (Actions.Evolve(actions.GetValueOrDefault(id), id, e) is { } action) actions[id] = action;
                }
                else if (Plans.Evolve(plans.GetValueOrDefault(id), id, e) is { } plan) plans[id] = plan;
            }
            yield return (actions.Values.ToList(), plans.Values.ToList());
        }
    }
}
