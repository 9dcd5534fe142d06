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
    string? CorrelationId);

/// <summary>Every event in a partnership's ledger carries its provenance.</summary>
public interface ILedgerEvent
{
    Provenance Provenance { get; }
}
