using PlanLedger.Infrastructure;
using Marten;
using PlanLedger.Audit;
using PlanLedger.Framework;
using PlanLedger.National;

namespace PlanLedger.Web.Pages.National;

/// <summary>Delivery by partnership: the national delivery view (GET /national/delivery).</summary>
public sealed class DeliveryModel(IDocumentStore store, MsgFramework framework, TimeProvider clock, NationalViewCache<DeliveryView> cache) : LedgerPage
{
    public DeliveryView View { get; private set; } = null!;
    public ViewPosition Position { get; private set; } = null!;

    public async Task OnGetAsync() =>
        (Position, View) = await DeliveryEndpoint.ReadAsync(store, framework, clock, cache, Point, HttpContext.RequestAborted);
}
