using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;

namespace PlanLedger.Plans;

public sealed record PlanRegistered(
    string Reference,
    PlanKind Kind,
    string Title,
    string? VersionLabel,
    string? ApprovingBody,
    DateOnly? ApprovedOn,
    Provenance Provenance) : ILedgerEvent;

public sealed record PlanApproved(string ApprovingBody, DateOnly ApprovedOn, string? VersionLabel, Provenance Provenance) : ILedgerEvent;

public sealed record PlanSuperseded(string SupersededBy, string? Reason, Provenance Provenance) : ILedgerEvent;

public sealed record HeadingAdded(string Reference, HeadingKind Kind, string Title, string? Proposal, Provenance Provenance) : ILedgerEvent;

public sealed record Heading(string Reference, HeadingKind Kind, string Title, string? Proposal);

/// <summary>A plan: an MSG self-evaluation, MSG improvement action plan, inspection improvement plan or strategic commissioning plan.</summary>
public sealed record PlanRecord : IStreamState<PlanRecord>
{
    /// <summary>Stream key: plan/{reference}.</summary>
    public string Id { get; init; } = "";
    public int Version { get; init; }
    public string Reference { get; init; } = "";
    public PlanKind Kind { get; init; }
    public string Title { get; init; } = "";
    public string? VersionLabel { get; init; }
    public PlanStatus Status { get; init; }
    public string? ApprovingBody { get; init; }
    public DateOnly? ApprovedOn { get; init; }
    public string? SupersededBy { get; init; }
    public IReadOnlyList<Heading> Headings { get; init; } = [];
    public DateOnly EffectiveOn { get; init; }
    public DateTimeOffset RecordedAt { get; init; }

    public static string KeyFor(string reference) => $"plan/{reference}";

    /// <summary>An action sits only under a heading its plan has.</summary>
    public ProblemDetails? MustHaveHeading(string heading) =>
        Headings.Any(h => h.Reference == heading)
            ? null
            : Problems.Of(422, "Unknown heading", $"Plan '{Reference}' has no heading '{heading}'.", "heading");

    public static PlanRecord AtVersion(PlanRecord state, int version) => state with { Version = version };

    public static PlanRecord? Fold(PlanRecord? state, string key, object @event)
    {
        if (@event is PlanRegistered r)
        {
            return new PlanRecord
            {
                Id = key, Reference = r.Reference, Kind = r.Kind, Title = r.Title, VersionLabel = r.VersionLabel,
                ApprovingBody = r.ApprovingBody, ApprovedOn = r.ApprovedOn,
                Status = r.ApprovedOn is null ? PlanStatus.Draft : PlanStatus.Approved,
                Version = 1, EffectiveOn = r.Provenance.EffectiveOn, RecordedAt = r.Provenance.RecordedAt
            };
        }
        if (state is null) return null;
        var next = @event switch
        {
            PlanApproved e => state with
            {
                Status = PlanStatus.Approved, ApprovingBody = e.ApprovingBody, ApprovedOn = e.ApprovedOn,
                VersionLabel = e.VersionLabel ?? state.VersionLabel
            },
            PlanSuperseded e => state with { Status = PlanStatus.Superseded, SupersededBy = e.SupersededBy },
            HeadingAdded e => state with { Headings = [.. state.Headings, new Heading(e.Reference, e.Kind, e.Title, e.Proposal)] },
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

public partial class PlanProjection() : StreamProjection<PlanRecord>(
    typeof(PlanRegistered), typeof(PlanApproved), typeof(PlanSuperseded), typeof(HeadingAdded));

