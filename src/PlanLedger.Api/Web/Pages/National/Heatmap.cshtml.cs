using Marten;
using PlanLedger.Audit;
using PlanLedger.Framework;
using PlanLedger.National;

namespace PlanLedger.Web.Pages.National;

/// <summary>The MSG ratings heatmap: the national ratings matrix (GET /national/msg-ratings) with movement since each first rating.</summary>
public sealed class HeatmapModel(IDocumentStore store, MsgFramework framework) : LedgerPage
{
    public MsgFramework Framework => framework;
    public MsgRatingsView View { get; private set; } = null!;
    public ViewPosition Position { get; private set; } = null!;
    private Dictionary<(string, string), NationalRating> _ratings = [];

    public async Task OnGetAsync()
    {
        var (position, partnerships, ratings) = await NationalRating.ReadAllAsync(store, HttpContext.RequestAborted);
        Position = position;
        View = MsgRatingsView.Build(framework, partnerships, ratings, Point);
        _ratings = ratings.ToDictionary(r => (r.Partnership, r.Assessment.Proposal));
    }

    /// <summary>The rating in force against the first rating; null when not rated at this point.</summary>
    public string? MovementOf(string partnership, string proposal) =>
        _ratings.GetValueOrDefault((partnership, proposal)) is { Changes.Count: > 0 } r && r.InForceAt(Point) is { } now
            ? SelfAssessmentProfile.Movement(r.Changes[0].To, now.To)
            : null;
}
