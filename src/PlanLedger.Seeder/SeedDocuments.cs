using System.Text.Json;
using PlanLedger.Plans;

namespace PlanLedger.Seeder;

/// <summary>One tenant in seeds/partnerships.json.</summary>
public sealed record PartnershipSeed(string Id, string Name, string? IntegrationAuthority, IReadOnlyList<string>? StatutoryPartners);

/// <summary>One file in seeds/plans/: a plan and everything its partnership recorded against it.</summary>
public sealed record PlanFile(
    string Partnership,
    string? Source,
    PlanSeed Plan,
    IReadOnlyList<HeadingSeed> Headings,
    IReadOnlyList<ActionSeed> Actions,
    IReadOnlyList<ProgressUpdateSeed> ProgressUpdates,
    IReadOnlyList<SelfAssessmentSeed> SelfAssessments,
    IReadOnlyList<RatingRevisionSeed> RatingRevisions,
    IReadOnlyList<HeadingStatusSeed>? HeadingStatuses = null,
    IReadOnlyList<DelaySeed>? Delays = null,
    IReadOnlyList<CompletionSeed>? Completions = null);

public sealed record PlanSeed(
    string Reference,
    string Kind,
    string Title,
    string? VersionLabel,
    string Status,
    string? ApprovingBody,
    DateOnly? ApprovedOn,
    DateOnly RegisteredOn,
    string? Note = null,
    IReadOnlyList<PriorityTheme>? PriorityThemes = null);

public sealed record HeadingSeed(string Reference, string Kind, string Title, string? Proposal);

public sealed record LeadSeed(string? Name, string? Role, string? Organisation);

public sealed record MilestoneSeed(string Description, DateOnly? Due, string? DueText, bool Done);

public sealed record ActionSeed(
    string Heading,
    string Reference,
    string Description,
    string? Comment,
    string? Measures,
    IReadOnlyList<LeadSeed> Leads,
    string? Timescale,
    IReadOnlyList<string> CrossReferences,
    IReadOnlyList<int> PriorityThemes,
    IReadOnlyList<int> NationalOutcomes,
    IReadOnlyList<MilestoneSeed> Milestones,
    DateOnly AddedOn,
    string? Note = null,
    string? ProgressReportDue = null);

public sealed record ProgressUpdateSeed(string Action, string Period, DateOnly EffectiveOn, string Narrative, string? NextSteps, string? Status);

public sealed record SelfAssessmentSeed(
    string Proposal,
    string Rating,
    string? Evidence,
    string? ProposedImprovementActions,
    DateOnly AssessedOn,
    string? AssessedBy,
    string? Note = null);

/// <summary>A heading's own RAG as the document gives it (e.g. P&amp;K's "Nov Overall RAG", once per priority).</summary>
public sealed record HeadingStatusSeed(string Heading, string Status, string? Period, DateOnly EffectiveOn, string? Reason);

/// <summary>A delay the document reports, with its words as the reason and a new timescale only where it gives one.</summary>
public sealed record DelaySeed(string Action, string Reason, string? NewTimescale, DateOnly EffectiveOn);

public sealed record RatingRevisionSeed(string Proposal, string From, string To, string Reason, DateOnly RevisedOn, string? Note = null);

/// <summary>An action the document shows as done (e.g. a progress measure reading "Complete."), with the reading that says so.</summary>
public sealed record CompletionSeed(string Action, string? Reason, DateOnly EffectiveOn, string? Note = null);

/// <summary>A covering report of seeds/reports.json: the partnership that presented it and the report as the API records it.</summary>
public sealed record ReportSeed(string Partnership, PlanLedger.Reports.CoveringReport Report, DateOnly? EffectiveOn);

public sealed record ReportsFile(IReadOnlyList<ReportSeed> Reports);

/// <summary>The seed documents as written in seeds/ (see seeds/README.md); the "readings" arrays are for people and are not loaded.</summary>
public sealed record SeedSet(IReadOnlyList<PartnershipSeed> Partnerships, IReadOnlyList<PlanFile> Plans, IReadOnlyList<ReportSeed> Reports)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true
    };

    /// <summary>Reads partnerships.json and plans/*.json (in file-name order) from a seeds directory.</summary>
    public static SeedSet Read(string seedsDirectory)
    {
        var partnerships = ReadFile<List<PartnershipSeed>>(Path.Combine(seedsDirectory, "partnerships.json"));
        var plans = Directory.GetFiles(Path.Combine(seedsDirectory, "plans"), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(ReadFile<PlanFile>)
            .ToList();
        foreach (var plan in plans.Where(p => partnerships.All(x => x.Id != p.Partnership)))
            throw new InvalidDataException($"Plan '{plan.Plan.Reference}' names partnership '{plan.Partnership}', which partnerships.json does not list.");
        var reportsFile = Path.Combine(seedsDirectory, "reports.json");
        var reports = File.Exists(reportsFile) ? ReadFile<ReportsFile>(reportsFile).Reports : [];
        return new SeedSet(partnerships, plans, reports);
    }

    private static T ReadFile<T>(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<T>(stream, Json) ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a seed document as seeds/README.md describes: {e.Message}", e);
        }
    }
}
