namespace PlanLedger.Ledger;

/// <summary>
/// Who recorded a change, through which system, when it took effect (the reporting date, which
/// partner systems often backdate) and when the ledger recorded it (the server clock).
/// </summary>
public sealed record Provenance(
    DateOnly EffectiveOn,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    string SourceSystem,
    string? CorrelationId)
{
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
