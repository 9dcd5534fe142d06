using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PlanLedger.Infrastructure;

/// <summary>PlanLedger's own traces and metrics, beside those of ASP.NET Core, Npgsql, Marten and Wolverine.</summary>
public static class LedgerTelemetry
{
    public const string SourceName = "PlanLedger";
    public static readonly ActivitySource Activities = new(SourceName);
    private static readonly Meter Meter = new(SourceName);

    public static readonly Counter<long> EventsAppended =
        Meter.CreateCounter<long>("planledger.events.appended", description: "Events appended to partnership ledgers");

    public static readonly Counter<long> ChangesRefused =
        Meter.CreateCounter<long>("planledger.changes.refused", description: "Changes refused by a business rule");

    public static readonly Histogram<int> WriteBatchSize =
        Meter.CreateHistogram<int>("planledger.writes.batch_size", unit: "{write}",
            description: "Single-stream writes recorded in one transaction by group commit");

    public static readonly Gauge<long> NationalViewLag =
        Meter.CreateGauge<long>("planledger.national.lag", unit: "{event}",
            description: "Ledger events a national view does not include yet (ledger position minus projection position), sampled every Ledger:LagSampleSeconds (default 15) and on every national read");
}
