using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Marten.Events.Projections;
using JasperFx.Events.Projections;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;

namespace PlanLedger.Actions;

/// <summary>An action's current state, folded from its stream; also the shape of every as-of answer.</summary>
public sealed record ActionRecord : IStreamState<ActionRecord>
{
    /// <summary>Stream key: action/{plan}/{reference}.</summary>
    public string Id { get; init; } = "";
    public int Version { get; init; }
    public string Plan { get; init; } = "";
    public string Reference { get; init; } = "";
    public string Heading { get; init; } = "";
    public string Description { get; init; } = "";
    public string? Comment { get; init; }
    public string? Measures { get; init; }
    public IReadOnlyList<Lead> Leads { get; init; } = [];
    public Timescale? Timescale { get; init; }
    /// <summary>The first timescale set, kept to tell whether the action completed by its original target.</summary>
    public Timescale? OriginalTimescale { get; init; }
    public int Slips { get; init; }
    public int DaysSlipped { get; init; }
    /// <summary>Every delay recorded, dated or not (a dated one also moves the timescale, counted in Slips).</summary>
    public IReadOnlyList<Delay> Delays { get; init; } = [];
    public DeliveryStatus? Status { get; init; }
    public ActionClosure Closure { get; init; } = ActionClosure.Open;
    public string? SupersededBy { get; init; }
    public DateOnly? CompletedOn { get; init; }
    public IReadOnlyList<string> CrossReferences { get; init; } = [];
    public IReadOnlyList<int> PriorityThemes { get; init; } = [];
    public IReadOnlyList<int> NationalOutcomes { get; init; } = [];
    /// <summary>When progress is next reported to the board, as written (e.g. "Aug 16").</summary>
    public string? ProgressReportDue { get; init; }
    public IReadOnlyList<Milestone> Milestones { get; init; } = [];
    public LatestUpdate? LatestUpdate { get; init; }
    public DateOnly EffectiveOn { get; init; }
    public DateTimeOffset RecordedAt { get; init; }

    public static string KeyFor(string plan, string reference) => $"action/{plan}/{reference}";

    [System.Text.Json.Serialization.JsonIgnore]
    public ActionDetails Details => new(Heading, Description, Comment, Measures, PriorityThemes, NationalOutcomes, ProgressReportDue);

    public bool IsOverdue(DateOnly today) =>
        Closure == ActionClosure.Open && Status != DeliveryStatus.Blue && Timescale?.Target is { } target && target < today;

    /// <summary>Whether an update effective on this date is older than the latest update already recorded.</summary>
    public bool PrecedesLatestUpdate(DateOnly effectiveOn) => LatestUpdate is { } latest && effectiveOn < latest.EffectiveOn;

    /// <summary>Slipped to a later date, or delayed with or without a new date.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsDelayed => Slips > 0 || Delays.Count > 0;

    public bool CompletedByOriginalTarget =>
        Closure == ActionClosure.Completed && CompletedOn is { } done && OriginalTimescale?.Target is { } target && done <= target;

    public static ActionRecord AtVersion(ActionRecord state, int version) => state with { Version = version };

    /// <summary>Folds one event into the state. The only place the fold is written: projections, writes, history and time travel all use it.</summary>
    public static ActionRecord? Fold(ActionRecord? state, string key, object @event)
    {
        if (@event is ActionAdded added)
        {
            return new ActionRecord
            {
                Id = key,
                Plan = added.Plan,
                Reference = added.Reference,
                Heading = added.Details.Heading,
                Description = added.Details.Description,
                Comment = added.Details.Comment,
                Measures = added.Details.Measures,
                PriorityThemes = added.Details.PriorityThemes,
                NationalOutcomes = added.Details.NationalOutcomes,
                ProgressReportDue = added.Details.ProgressReportDue,
                Leads = added.Leads,
                Timescale = added.Timescale,
                OriginalTimescale = added.Timescale,
                Status = added.Status,
                CrossReferences = added.CrossReferences,
                Version = 1,
                EffectiveOn = added.Provenance.EffectiveOn,
                RecordedAt = added.Provenance.RecordedAt
            };
        }
        if (state is null) return null;

        var next = @event switch
        {
            ActionDetailsAmended e => state with
            {
                Heading = e.To.Heading, Description = e.To.Description, Comment = e.To.Comment, Measures = e.To.Measures,
                PriorityThemes = e.To.PriorityThemes, NationalOutcomes = e.To.NationalOutcomes, ProgressReportDue = e.To.ProgressReportDue
            },
            ActionLeadsChanged e => state with { Leads = e.To },
            ActionStatusChanged e => state with
            {
                Status = e.To,
                Closure = e.To == DeliveryStatus.Blue ? ActionClosure.Completed : state.Closure == ActionClosure.Completed ? ActionClosure.Open : state.Closure,
                CompletedOn = e.To == DeliveryStatus.Blue ? e.Provenance.EffectiveOn : null
            },
            // A backdated update posted late is history, not the latest word: the latest is the latest effective.
            ProgressUpdateRecorded e when state.PrecedesLatestUpdate(e.Provenance.EffectiveOn) => state,
            ProgressUpdateRecorded e => state with { LatestUpdate = new LatestUpdate(e.Period, e.Narrative, e.NextSteps, e.Status, e.Provenance.EffectiveOn) },
            TimescaleSet e => state with { Timescale = e.To, OriginalTimescale = state.OriginalTimescale ?? e.To },
            TimescaleSlipped e => state with { Timescale = e.To, Slips = state.Slips + 1, DaysSlipped = state.DaysSlipped + e.DaysSlipped },
            TimescaleBroughtForward e => state with { Timescale = e.To },
            ActionDelayed e => state with { Delays = [.. state.Delays, new Delay(e.Provenance.EffectiveOn, e.Reason, e.NewTimescale, e.NewTarget)] },
            MilestoneAdded e => state with { Milestones = [.. state.Milestones, new Milestone(e.Number, e.Description, e.Due, e.DueText, e.Done, e.Done ? e.Provenance.EffectiveOn : null)] },
            MilestoneCompleted e => state with
            {
                Milestones = state.Milestones.Select(m => m.Number == e.Number ? m with { Done = true, CompletedOn = e.Provenance.EffectiveOn } : m).ToList()
            },
            ActionCrossReferenced e => state with { CrossReferences = state.CrossReferences.Union(e.References).ToList() },
            ActionCompleted e => state with { Status = DeliveryStatus.Blue, Closure = ActionClosure.Completed, CompletedOn = e.Provenance.EffectiveOn },
            ActionWithdrawn => state with { Closure = ActionClosure.Withdrawn },
            ActionSuperseded e => state with { Closure = ActionClosure.Superseded, SupersededBy = e.SupersededBy },
            _ => state
        };
        return next with
        {
            Version = state.Version + 1,
            EffectiveOn = Provenance.EffectiveAfter(state.EffectiveOn, @event),
            RecordedAt = Provenance.RecordedAfter(state.RecordedAt, @event)
        };
    }
}

/// <summary>A delay: effective when, why, and the new timescale and target if one was given.</summary>
public sealed record Delay(DateOnly EffectiveOn, string Reason, string? NewTimescale, DateOnly? NewTarget);

/// <summary>The progress update of an action with the latest effective date (of two on one date, the later recorded).</summary>
public sealed record LatestUpdate(string Period, string Narrative, string? NextSteps, DeliveryStatus? Status, DateOnly EffectiveOn);

/// <summary>Current state of every action, kept inline so a write's answer and its ETag are the state a read returns.</summary>
public partial class ActionProjection : StreamProjection<ActionRecord>
{
    public ActionProjection() : base(typeof(ActionAdded), typeof(ActionDetailsAmended), typeof(ActionLeadsChanged), typeof(ActionStatusChanged), typeof(ProgressUpdateRecorded), typeof(TimescaleSet), typeof(TimescaleSlipped), typeof(TimescaleBroughtForward), typeof(ActionDelayed), typeof(MilestoneAdded), typeof(MilestoneCompleted), typeof(ActionCrossReferenced), typeof(ActionCompleted), typeof(ActionWithdrawn), typeof(ActionSuperseded))
    {
        // Only rebuilds page events (the projection is inline). Pages of 2,000 rebuilt 2M events ~25% faster
        // than the default 500 on our 2-core machine (benchmark --rebuild-only); 5,000 gained nothing more.
        Options.BatchSize = 2_000;
    }
}

