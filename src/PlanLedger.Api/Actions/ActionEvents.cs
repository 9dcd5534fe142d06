using PlanLedger.Ledger;

namespace PlanLedger.Actions;

/// <summary>The details of an action a partnership can amend.</summary>
/// <param name="ProgressReportDue">When progress is next reported to the board, as written (a strategic plan's "Progress report to IJB": "Aug 16").</param>
public sealed record ActionDetails(
    string Heading,
    string Description,
    string? Comment,
    string? Measures,
    IReadOnlyList<int> PriorityThemes,
    IReadOnlyList<int> NationalOutcomes,
    string? ProgressReportDue = null);

public sealed record ActionAdded(
    string Plan,
    string Reference,
    ActionDetails Details,
    IReadOnlyList<Lead> Leads,
    Timescale? Timescale,
    DeliveryStatus? Status,
    IReadOnlyList<string> CrossReferences,
    Provenance Provenance) : ILedgerEvent;

public sealed record ActionDetailsAmended(ActionDetails From, ActionDetails To, string? Reason, Provenance Provenance) : ILedgerEvent;

public sealed record ActionLeadsChanged(IReadOnlyList<Lead> From, IReadOnlyList<Lead> To, string? Reason, Provenance Provenance) : ILedgerEvent;

public sealed record ActionStatusChanged(DeliveryStatus? From, DeliveryStatus To, string? Reason, Provenance Provenance) : ILedgerEvent;

public sealed record ProgressUpdateRecorded(string Period, string Narrative, string? NextSteps, DeliveryStatus? Status, Provenance Provenance) : ILedgerEvent;

public sealed record TimescaleSet(Timescale? From, Timescale To, string? Reason, Provenance Provenance) : ILedgerEvent;

public sealed record TimescaleSlipped(Timescale From, Timescale To, int DaysSlipped, string Reason, Provenance Provenance) : ILedgerEvent;

/// <summary>An action is delayed, with the reason; the new timescale and its target when known (often not: "delayed due to COVID 19").</summary>
public sealed record ActionDelayed(string Reason, string? NewTimescale, DateOnly? NewTarget, Provenance Provenance) : ILedgerEvent;

public sealed record TimescaleBroughtForward(Timescale From, Timescale To, int DaysEarlier, string? Reason, Provenance Provenance) : ILedgerEvent;

public sealed record MilestoneAdded(int Number, string Description, DateOnly? Due, string? DueText, bool Done, Provenance Provenance) : ILedgerEvent;

public sealed record MilestoneCompleted(int Number, Provenance Provenance) : ILedgerEvent;

public sealed record ActionCrossReferenced(IReadOnlyList<string> References, Provenance Provenance) : ILedgerEvent;

public sealed record ActionCompleted(DeliveryStatus? From, string? Reason, Provenance Provenance) : ILedgerEvent;

public sealed record ActionWithdrawn(string Reason, Provenance Provenance) : ILedgerEvent;

public sealed record ActionSuperseded(string SupersededBy, string? Reason, Provenance Provenance) : ILedgerEvent;
