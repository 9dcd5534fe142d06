using System.Text.Json.Nodes;
using PlanLedger.Security;

namespace PlanLedger.Tests.Audit;

/// <summary>
/// The joint-inspection action whose story the audit tests replay: Amber, its timescale slipped for COVID,
/// an Amber update, Green in November 2020, Blue at year end (posted two days late), and a February update
/// posted weeks later still.
/// </summary>
public static class InspectionStory
{
    public const string Partnership = "perth-kinross";
    public const string Plan = "joint-inspection-2019";
    public const string ActionRef = "1";
    public const string Correlation = "board-nov-2020";
    public static string ActionUrl => $"/partnerships/{Partnership}/plans/{Plan}/actions/{ActionRef}";

    public static readonly DateTimeOffset Added = At("2019-07-01T09:00:00Z");
    public static readonly DateTimeOffset Slipped = At("2020-03-20T10:00:00Z");
    public static readonly DateTimeOffset JuneUpdate = At("2020-06-30T10:00:00Z");
    public static readonly DateTimeOffset NovemberUpdate = At("2020-11-30T15:00:00Z");
    public static readonly DateTimeOffset Completed = At("2021-04-02T09:00:00Z");
    public static readonly DateTimeOffset LateUpdate = At("2021-04-20T12:00:00Z");

    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Scripts the story through the API with the server clock set for each post; returns the writer.</summary>
    public static async Task<HttpClient> ScriptAsync(LedgerHost host, string partnership = Partnership)
    {
        host.Clock.Set(Added);
        await host.OnboardAsync(partnership);
        var writer = host.ClientFor(Roles.PartnerWriter, partnership);
        var plan = $"/partnerships/{partnership}/plans/{Plan}";
        var action = $"{plan}/actions/{ActionRef}";

        await writer.Post($"/partnerships/{partnership}/plans", new
        {
            reference = Plan, kind = "InspectionImprovementPlan", title = "Joint Inspection Improvement Plan",
            versionLabel = "Version 0.3", effectiveOn = "2019-07-01"
        });
        await writer.Post($"{plan}/headings", new
        {
            reference = "2", kind = "InspectionPriority",
            title = "The partnership should improve its strategic planning and commissioning processes", effectiveOn = "2019-07-01"
        });
        await writer.Post($"{plan}/actions", new
        {
            reference = ActionRef, heading = "2",
            description = "Ensure effective programme and project management supports the implementation of all plans and priorities",
            measures = "Ability to prioritise key deliverables in the SCP and monitor effective progress on such.",
            leads = new[] { new { name = (string?)null, role = "Chief Finance Officer", organisation = (string?)null } },
            timescale = new { text = "31 March 2020" }, status = "Amber", effectiveOn = "2019-07-01"
        });

        host.Clock.Set(Slipped);
        await writer.Post($"{action}/timescale", new { timescale = new { text = "31 March 2021" }, reason = "Delayed due to COVID 19", effectiveOn = "2020-03-20" });

        host.Clock.Set(JuneUpdate);
        await writer.Post($"{action}/progress-updates", new
        {
            period = "June 2020", narrative = "A framework for requisitioning and allocating project support was approved.",
            nextSteps = "Initiate the Workforce Matching Unit.", status = "Amber", effectiveOn = "2020-06-30"
        });

        host.Clock.Set(NovemberUpdate);
        writer.DefaultRequestHeaders.Add("X-Correlation-Id", Correlation);
        await writer.Post($"{action}/progress-updates", new
        {
            period = "November 2020", narrative = "The framework has been superseded by the Workforce Matching Unit.",
            nextSteps = "We are presenting an update to the IJB in December.", status = "Green", effectiveOn = "2020-11-30"
        });
        writer.DefaultRequestHeaders.Remove("X-Correlation-Id");

        host.Clock.Set(Completed);
        await writer.Post($"{action}/status", new { status = "Blue", reason = "Programme management in place", effectiveOn = "2021-03-31" });

        host.Clock.Set(LateUpdate);
        await writer.Post($"{action}/progress-updates", new
        {
            period = "February 2021", narrative = "Workforce Matching Unit stood down; project support resumed.", effectiveOn = "2021-02-26"
        });
        return writer;
    }

    public static HttpClient Auditor(LedgerHost host, string partnership = Partnership) => host.ClientFor(Roles.Auditor, partnership);

    public static string Text(this JsonNode? node) => node!.GetValue<string>();
    public static int Int(this JsonNode? node) => node!.GetValue<int>();

    /// <summary>Onboards a partnership with an MSG plan of two proposal headings and four actions that exercise every filter.</summary>
    public static async Task<HttpClient> FilterPlanAsync(LedgerHost host, string partnership = "orkney")
    {
        host.Clock.Set(At("2019-06-01T09:00:00Z"));
        await host.OnboardAsync(partnership);
        var writer = host.ClientFor(Roles.PartnerWriter, partnership);
        var plan = $"/partnerships/{partnership}/plans/msg-plan";
        await writer.Post($"/partnerships/{partnership}/plans", new { reference = "msg-plan", kind = "MsgImprovementActionPlan", title = "MSG Review Action Plan" });
        await writer.Post($"{plan}/headings", new { reference = "1(i)", kind = "MsgProposal", title = "Leadership development", proposal = "1.1" });
        await writer.Post($"{plan}/headings", new { reference = "2(iii)", kind = "MsgProposal", title = "Delegated hospital budgets", proposal = "2.3" });

        static object Lead(string? name, string? role) => new { name, role, organisation = (string?)null };
        await writer.Post($"{plan}/actions", new { reference = "1(i)(a)", heading = "1(i)", description = "Review the workforce plan", status = "Amber", timescale = new { text = "January 2020 IJB" }, leads = new[] { Lead("Bill Troup", null) } });
        await writer.Post($"{plan}/actions", new { reference = "1(i)(b)", heading = "1(i)", description = "Integrated leadership programme", status = "Green", timescale = new { text = "31 December 2020" }, leads = new[] { Lead(null, "Head of Health") } });
        await writer.Post($"{plan}/actions", new { reference = "2(iii)(a)", heading = "2(iii)", description = "Set aside budget arrangements", status = "Red", timescale = new { text = "Ongoing" }, leads = new[] { Lead("Gordon Paterson", null), Lead(null, "Chief Officer") } });
        await writer.Post($"{plan}/actions", new { reference = "2(iii)(b)", heading = "2(iii)", description = "Agree the hospital budget", status = "Amber", timescale = new { text = "June 2019" }, leads = new[] { Lead(null, "Chief Finance Officer") } });
        await writer.Post($"{plan}/actions/2(iii)(b)/completion", new { reason = "Agreed by the IJB", effectiveOn = "2019-06-01" });

        host.Clock.Set(At("2020-12-01T09:00:00Z"));
        await writer.Post($"{plan}/actions/1(i)(b)/timescale", new { timescale = new { text = "31 March 2021" }, reason = "Delayed due to COVID 19" });
        return writer;
    }
}
