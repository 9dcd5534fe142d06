using System.Text.Json;
using PlanLedger.Audit;
using PlanLedger.National;

namespace PlanLedger.Tests.Hardening;

public sealed class CacheBudgetTests
{
    private static IReadOnlyList<HistoryEntry> History(int entries, int textLength) =>
        Enumerable.Range(1, entries).Select(v => new HistoryEntry(v, new string('w', textLength), "ActionStatusChanged",
            new DateOnly(2020, 11, 30), DateTimeOffset.UnixEpoch, "orkney-partner-system", "pentana", null, new string('r', textLength), null, false,
            [new FieldChange("status", JsonSerializer.SerializeToElement("Amber"), JsonSerializer.SerializeToElement(new string('x', textLength)))])).ToList();

    [Fact]
    public void the_history_cache_holds_no_more_bytes_than_its_budget_however_many_histories_pass_through()
    {
        const long budget = 1024 * 1024;
        var cache = new HistoryCache(budget);
        var one = History(50, 200);
        HistoryCache.SizeOf(new HistorySpan("orkney", "action/p/1", 1, 50), one).ShouldBeGreaterThan(50 * 3 * 400); // at least its text
        for (var stream = 0; stream < 2000; stream++)
        {
            cache.Add(new HistorySpan("orkney", $"action/p/{stream}", 1, 50), History(50, 200));
            cache.Bytes.ShouldBeLessThanOrEqualTo(budget);
        }
        cache.Bytes.ShouldBeGreaterThan(budget / 4);
        // A history bigger than the whole budget is never kept.
        cache.Add(new HistorySpan("orkney", "action/p/huge", 1, 5000), History(5000, 200));
        cache.TryGet(new HistorySpan("orkney", "action/p/huge", 1, 5000), out _).ShouldBeFalse();
        cache.Bytes.ShouldBeLessThanOrEqualTo(budget);
    }

    [Fact]
    public async Task a_national_view_larger_than_its_budget_is_answered_but_not_kept()
    {
        var view = new DeliveryView(new DateOnly(2021, 1, 15), null, null,
            Enumerable.Range(0, 100).Select(i => new PartnershipDelivery($"p{i}", new string('n', 100), DeliveryFigures.Sum([]), PlanLedger.Plans.StatusCounts.Of(Array.Empty<PlanLedger.Ledger.DeliveryStatus?>()))).ToList(), []);
        var position = new ViewPosition(10, 10);
        var computed = 0;
        var small = new NationalViewCache<DeliveryView>(view.EstimatedBytes - 1);
        for (var i = 0; i < 2; i++) (await small.GetAsync((position, view.Today), () => { computed++; return Task.FromResult(view); })).ShouldBe(view);
        computed.ShouldBe(2);
        small.Bytes.ShouldBe(0);

        var enough = new NationalViewCache<DeliveryView>(view.EstimatedBytes);
        for (var i = 0; i < 2; i++) await enough.GetAsync((position, view.Today), () => { computed++; return Task.FromResult(view); });
        computed.ShouldBe(3);
        enough.Bytes.ShouldBe(view.EstimatedBytes);
    }
}
