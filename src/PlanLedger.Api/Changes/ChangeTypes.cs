using PlanLedger.Actions;
using PlanLedger.Partnerships;
using PlanLedger.Plans;
using PlanLedger.Reports;
using PlanLedger.SelfAssessments;

namespace PlanLedger.Changes;

/// <summary>
/// The CloudEvents <c>type</c> of every ledger event. These names are part of the public contract: a class
/// may be renamed, its published name may not. A test fails when a ledger event has no name here.
/// </summary>
public static class ChangeTypes
{
    public const string Prefix = "scot.planledger.";

    private static readonly Dictionary<Type, string> Names = new()
    {
        [typeof(PartnershipOnboarded)] = "partnership.onboarded",
        [typeof(PlanRegistered)] = "plan.registered",
        [typeof(PlanApproved)] = "plan.approved",
        [typeof(PlanSuperseded)] = "plan.superseded",
        [typeof(HeadingAdded)] = "plan.heading-added",
        [typeof(HeadingStatusChanged)] = "plan.heading-status-changed",
        [typeof(ActionAdded)] = "action.added",
        [typeof(ActionDetailsAmended)] = "action.details-amended",
        [typeof(ActionLeadsChanged)] = "action.leads-changed",
        [typeof(ActionStatusChanged)] = "action.status-changed",
        [typeof(ProgressUpdateRecorded)] = "action.progress-update-recorded",
        [typeof(TimescaleSet)] = "action.timescale-set",
        [typeof(TimescaleSlipped)] = "action.timescale-slipped",
        [typeof(TimescaleBroughtForward)] = "action.timescale-brought-forward",
        [typeof(ActionDelayed)] = "action.delayed",
        [typeof(MilestoneAdded)] = "action.milestone-added",
        [typeof(MilestoneCompleted)] = "action.milestone-completed",
        [typeof(ActionCrossReferenced)] = "action.cross-referenced",
        [typeof(ActionCompleted)] = "action.completed",
        [typeof(ActionWithdrawn)] = "action.withdrawn",
        [typeof(ActionSuperseded)] = "action.superseded",
        [typeof(RatingRecorded)] = "self-assessment.rating-recorded",
        [typeof(RatingRevised)] = "self-assessment.rating-revised",
        [typeof(CommitteeReportRecorded)] = "report.recorded",
    };

    private static readonly Dictionary<string, string> ByClrName = Names.ToDictionary(n => n.Key.FullName!, n => Prefix + n.Value);
    private static readonly Dictionary<string, string> ClrNameByType = ByClrName.ToDictionary(n => n.Value, n => n.Key);

    public static IReadOnlyCollection<Type> Mapped => Names.Keys;

    /// <summary>Every published type name, for documentation and filters.</summary>
    public static IReadOnlyCollection<string> All => ClrNameByType.Keys;

    /// <summary>The published name for Marten's stored .NET type ("PlanLedger.Actions.ActionStatusChanged, PlanLedger.Api").</summary>
    public static string For(string storedDotNetType)
    {
        var name = storedDotNetType.Split(',')[0].Trim();
        return ByClrName.TryGetValue(name, out var published) ? published : Prefix + "unknown";
    }

    public static bool IsKnown(string published) => ClrNameByType.ContainsKey(published);

    /// <summary>The .NET type names stored for published names, for filtering in SQL.</summary>
    public static string[] StoredNamesFor(IEnumerable<string> published) => published.Select(p => ClrNameByType[p]).ToArray();
}
