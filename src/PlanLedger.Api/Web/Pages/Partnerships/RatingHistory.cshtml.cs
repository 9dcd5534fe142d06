using PlanLedger.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Audit;
using PlanLedger.Framework;
using PlanLedger.SelfAssessments;

namespace PlanLedger.Web.Pages.Partnerships;

/// <summary>
/// A rating's history (GET …/self-assessments/{proposal}/history), and the rating as it stood at a point: its own
/// stream folded with its own fold, up to the events the point includes.
/// </summary>
public sealed class RatingHistoryModel(IDocumentStore store, HistoryCache cache, MsgFramework framework) : LedgerPage
{
    [BindProperty(SupportsGet = true, Name = "version")] public int? Version { get; set; }

    public string Proposal => RouteData.Values["proposal"] as string ?? "";
    public string? Text { get; private set; }
    public SelfAssessment? Rating { get; private set; }
    public HistoryPage History { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        if (Version is < 1) return Failure(400, "This address is not valid", "version must be 1 or more.");
        var token = HttpContext.RequestAborted;
        await using var session = store.QuerySession(Partnership);
        var history = await RatingHistoryEndpoint.ReadAsync(session, cache, framework, Proposal, new Paging(1, Paging.MaxSize), token);
        if (history is null) return Failure(404, "Page not found", $"A rating of proposal '{Proposal}' was not found.");
        History = history;
        Text = framework.Find(Proposal)?.Text;
        var point = new PointInTime(AsOf, EffectiveOn, Version);
        var key = SelfAssessment.KeyFor(Proposal);
        Rating = (await session.Events.FetchStreamAsync(key, token: token)).Where(point.Includes)
            .Aggregate((SelfAssessment?)null, (state, e) => SelfAssessment.Fold(state, key, e.Data));
        return Page();
    }

    public string AsItStood(HistoryEntry entry) => Url.Page("/Partnerships/RatingHistory", new { partnership = Partnership, proposal = Proposal, version = entry.Version })!;
}
