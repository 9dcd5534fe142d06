namespace PlanLedger.Ledger;

/// <summary>
/// Who recorded a change, through which system, when it took effect (the reporting date, which
/// partner systems often backdate) and when the ledger recorded it (the server clock).
/// </summary>
/// <param name="Note">What the writer says about how the change was read, e.g. that a date is a reading of a document
/// that gives none (the Ledger-Note header); shown in history.</param>
public sealed record Provenance(
    DateOnly EffectiveOn,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    string SourceSystem,
    string? CorrelationId,
    string? Note = null)
{
    /// <summary>The request header a writer puts a note in: percent-encoded UTF-8, up to 1,000 characters decoded.</summary>
    public const string NoteHeader = "Ledger-Note";

    /// <summary>A stream's effective date only moves forward: an event backdated before it leaves it where it was.</summary>
    public static DateOnly EffectiveAfter(DateOnly current, object @event) =>
        @event is ILedgerEvent { Provenance.EffectiveOn: var effective } && effective > current ? effective : current;

    /// <summary>When the ledger last recorded something of the stream.</summary>
    public static DateTimeOffset RecordedAfter(DateTimeOffset current, object @event) =>
        @event is ILedgerEvent e ? e.Provenance.RecordedAt : current;
}

/// <summary>Every event in a partnership's ledger carries its provenance.</summary>
public interface ILedgerEvent
{
    Provenance Provenance { get; }
}
