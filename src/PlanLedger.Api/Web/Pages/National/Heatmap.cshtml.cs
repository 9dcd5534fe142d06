using Marten;
using PlanLedger.Framework;
using PlanLedger.National;

namespace PlanLedger.Web.Pages.National;

/// <summary>The MSG ratings heatmap: the national ratings matrix (GET /national/msg-ratings), each cell with its movement since the first rating.</summary>
public sealed class HeatmapModel(IDocumentStore store, MsgFramework framework, NationalViewCache<MsgRatingsView> cache) : LedgerPage
{
    public MsgFramework Framework => framework;
    public MsgRatingsView View { get; private set; } = null!;
    public ViewPosition Position { get; private set; } = null!;

    public async Task OnGetAsync() =>
        (Position, View) = await NationalRating.MatrixAsync(store, framework, cache, Point, HttpContext.RequestAborted);
}
