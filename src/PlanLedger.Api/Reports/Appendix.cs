using Marten;
using PlanLedger.Infrastructure;
using PlanLedger.Actions;
using PlanLedger.Audit;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using PlanLedger.SelfAssessments;

namespace PlanLedger.Reports;

/// <summary>How a kind of plan prints its appendix table: the columns the seed documents use.</summary>
public enum AppendixLayout
{
    /// <summary>Joint-inspection improvement plan (Perth &amp; Kinross): priority, action, measure / impact, responsibility, update, next steps, timescale, overall RAG.</summary>
    InspectionImprovementPlan,
    /// <summary>MSG improvement action plan by proposal (Angus): proposal and self-assessment score, timescale, leads, action, comment, progress measures.</summary>
    MsgImprovementActionPlan,
    /// <summary>MSG action plan by key feature (Orkney): key feature, proposed improvement action, specific tasks, by when, lead officers.</summary>
    MsgActionPlanByKeyFeature,
    /// <summary>Strategic commissioning plan (Perth &amp; Kinross): key action with milestones, by when, progress report to IJB, lead, priority theme, national outcome.</summary>
    StrategicCommissioningPlan,
    /// <summary>MSG self-evaluation (Dundee): proposal, our rating, evidence / notes, proposed improvement actions.</summary>
    MsgSelfEvaluation
}

/// <summary>
/// A plan's appendix as its kind of paper prints it: the columns (titles carry the reporting period where the paper's
/// do, e.g. "November 2020 Update", "Nov Overall RAG"), one row per printed row, and a heading's shared cells printed
/// once, on its first row, not repeated for every action under it.
/// </summary>
public sealed record Appendix(
    string Plan,
    string Title,
    string? VersionLabel,
    AppendixLayout Layout,
    DateOnly Date,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<string?>> Rows,
    string? Key)
{
    public const string RagKey = "Key: Colour code in terms of level of delivery: Red – not progressing; Amber – on track but further work required; Green – will complete as per timescale; Blue - Completed";

    public static AppendixLayout LayoutOf(PlanRecord plan) => plan.Kind switch
    {
        PlanKind.InspectionImprovementPlan => AppendixLayout.InspectionImprovementPlan,
        PlanKind.StrategicCommissioningPlan => AppendixLayout.StrategicCommissioningPlan,
        PlanKind.MsgSelfEvaluation => AppendixLayout.MsgSelfEvaluation,
        _ => plan.Headings.Any(h => h.Kind == HeadingKind.MsgProposal) ? AppendixLayout.MsgImprovementActionPlan : AppendixLayout.MsgActionPlanByKeyFeature
    };

    /// <summary>The appendix of a plan at a point in time (with the self-assessments in force then); null when the plan did not exist.</summary>
    public static async Task<Appendix?> ReadAsync(IQuerySession session, string plan, PointInTime point, TimeProvider clock, CancellationToken token)
    {
        if (await TimeTravel.PlanViewAsync(session, plan, point, clock, token) is not { } view) return null;
        var ratings = await TimeTravel.RatingsAsync(session, point, token);
        return Of(view, ratings.ToDictionary(r => r.Proposal));
    }

    public static Appendix Of(PlanView view, IReadOnlyDictionary<string, SelfAssessment> ratings)
    {
        var plan = view.Plan;
        var layout = LayoutOf(plan);
        var headings = plan.Headings.ToDictionary(h => h.Reference);
        var actions = view.Actions.Where(a => a.Closure is not (ActionClosure.Withdrawn or ActionClosure.Superseded)).ToList();
        Heading? HeadingOf(ActionRecord a) => headings.GetValueOrDefault(a.Heading);

        (IReadOnlyList<string> Columns, List<string?[]> Rows, string? Key) table = layout switch
        {
            AppendixLayout.InspectionImprovementPlan => Inspection(plan, actions, HeadingOf),
            AppendixLayout.MsgImprovementActionPlan => (
                ["MSG Proposal and 2019 self-assessment score", "", "Timescale for completion", "Lead/s", "Action", "Comment", "Progress measures"],
                OncePerHeading(actions, a => [a.Heading, ProposalCell(HeadingOf(a), ratings), a.Timescale?.Text, AsWritten(a.Leads), Label(Own(a), a.Description), a.Comment, a.Measures],
                    [0, 1], mergeRepeats: false),
                null),
            AppendixLayout.MsgActionPlanByKeyFeature => (
                ["Key.", "Proposed Improvement Action.", "Specific Task.", "By When.", "Lead Officer(s)."],
                actions.Select(a => new[] { HeadingOf(a)?.Title, a.Description, Lines(a.Milestones.Select(m => m.Description)),
                    a.Milestones.Any(m => m.DueText is not null) ? Lines(a.Milestones.Select(m => m.DueText ?? "")) : a.Timescale?.Text, Leads(a) }).ToList(),
                null),
            AppendixLayout.StrategicCommissioningPlan => (
                ["", "Key action", "By When", "Progress report to IJB", "Lead", "Priority theme", "National Outcome"],
                actions.Select(a => new[]
                {
                    a.Reference,
                    a.Milestones.Count == 0 ? a.Description : $"{a.Description}\nKey milestones 16/17:\n{Lines(a.Milestones.Select(m => (m.Done ? "✓ " : "• ") + m.Description))}",
                    a.Milestones.Count > 0 ? Lines(a.Milestones.Select(m => m.DueText ?? "")) : a.Timescale?.Text,
                    a.ProgressReportDue,
                    string.Join("/", a.Leads.Select(l => l.ToString())),
                    string.Join(", ", a.PriorityThemes), string.Join(", ", a.NationalOutcomes)
                }).ToList(),
                null),
            _ => (
                ["Proposal", "Our Rating", "Evidence / Notes", "Proposed improvement actions"],
                plan.Headings.Select(h => ratings.GetValueOrDefault(h.Proposal ?? h.Reference) is { } r
                    ? new[] { $"Proposal {h.Proposal ?? h.Reference} {h.Title}", RatingText(r.Rating), r.Evidence, r.ProposedImprovementActions }
                    : [$"Proposal {h.Proposal ?? h.Reference} {h.Title}", null, null, null]).ToList(),
                null)
        };
        return new Appendix(plan.Reference, plan.Title, plan.VersionLabel, layout, view.Today, table.Columns,
            table.Rows.Select(r => (IReadOnlyList<string?>)r.Select(Blank).ToList()).ToList(), table.Key);
    }

    private static (IReadOnlyList<string>, List<string?[]>, string?) Inspection(PlanRecord plan, IReadOnlyList<ActionRecord> actions, Func<ActionRecord, Heading?> headingOf)
    {
        var period = actions.Select(a => a.LatestUpdate).OfType<LatestUpdate>().MaxBy(u => u.EffectiveOn)?.Period;
        var ragPeriod = plan.Headings.SelectMany(h => h.StatusHistory).MaxBy(s => s.EffectiveOn)?.Period ?? period;
        var rows = OncePerHeading(actions, a =>
        [
            headingOf(a)?.Title ?? a.Heading, Label(Own(a), a.Description), a.Measures, Leads(a, "\n"),
            a.LatestUpdate?.Narrative, a.LatestUpdate?.NextSteps, a.Timescale?.Text,
            (headingOf(a)?.Status ?? a.Status)?.ToString().ToUpperInvariant()
        ], [0, 6, 7], mergeRepeats: true);
        return ([
            "Inspection Priority", "Action", "Measure / Impact", "Responsibility",
            period is null ? "Update" : $"{period} Update", "Next Steps", "Timescale",
            ragPeriod is null ? "Overall RAG" : $"{ragPeriod.Split(' ')[0][..Math.Min(3, ragPeriod.Split(' ')[0].Length)]} Overall RAG"
        ], rows, RagKey);
    }

    /// <summary>
    /// One row per action; a heading's shared cells (those in <paramref name="shared"/>, and any cell equal to the one
    /// above it under the same heading) are printed once, on the heading's first row, as the papers merge them.
    /// </summary>
    private static List<string?[]> OncePerHeading(IReadOnlyList<ActionRecord> actions, Func<ActionRecord, string?[]> cells, int[] shared, bool mergeRepeats)
    {
        var rows = new List<string?[]>();
        string? heading = null;
        string?[]? previous = null;
        foreach (var a in actions)
        {
            var row = cells(a);
            var printed = (string?[])row.Clone();
            if (a.Heading == heading && previous is not null)
                for (var i = 0; i < row.Length; i++)
                    if (shared.Contains(i) || (mergeRepeats && row[i] is not null && row[i] == previous[i])) printed[i] = null;
            rows.Add(printed);
            heading = a.Heading;
            previous = row;
        }
        return rows;
    }

    private static string? ProposalCell(Heading? heading, IReadOnlyDictionary<string, SelfAssessment> ratings) =>
        heading is null ? null
        : string.Join(" ", new[] { heading.Title, heading.Proposal is { } p && ratings.GetValueOrDefault(p) is { } r ? RatingText(r.Rating) : null }.OfType<string>());

    /// <summary>Leads as a plan by proposal writes them: "Bill Troup", "CCPG (Fiona Rennie)", "Ian Lorimer (AC)".</summary>
    private static string AsWritten(IReadOnlyList<Lead> leads) => string.Join("; ", leads.Select(l =>
        l is { Name: { } name, Role: { } role } ? $"{role} ({name})" + (l.Organisation is { } o ? $" ({o})" : "") : l.ToString()));

    public static string RatingText(Rating rating) => rating switch
    {
        Rating.NotYetEstablished => "Not yet established",
        Rating.PartlyEstablished => "Partly established",
        Rating.Established => "Established",
        _ => "Exemplary"
    };

    /// <summary>The action's own part of its reference: "1.1" under heading "1" is "1", "1(ii)(b)" under "1(ii)" is "(b)".</summary>
    private static string Own(ActionRecord a) =>
        a.Reference.StartsWith(a.Heading, StringComparison.Ordinal) && a.Reference.Length > a.Heading.Length
            ? a.Reference[a.Heading.Length..].TrimStart('.')
            : a.Reference;

    private static string Label(string reference, string text) =>
        reference.StartsWith('(') ? $"{reference} {text}" : $"{reference}. {text}";

    private static string Leads(ActionRecord a, string separator = "; ") => string.Join(separator, a.Leads.Select(l => l.ToString()));

    private static string Lines(IEnumerable<string> lines) => string.Join("\n", lines);

    private static string? Blank(string? cell) => string.IsNullOrWhiteSpace(cell) ? null : cell;
}
