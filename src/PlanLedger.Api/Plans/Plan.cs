using FluentValidation;
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
    Provenance Provenance,
    IReadOnlyList<PriorityTheme>? PriorityThemes = null) : ILedgerEvent;

/// <summary>A plan's own priority theme, by the number its actions are tagged with and its name (e.g. 1, "Prevention and early intervention").</summary>
public sealed record PriorityTheme(int Number, string Name)
{
    public sealed class Validator : AbstractValidator<PriorityTheme>
    {
        public Validator()
        {
            RuleFor(x => x.Number).InclusiveBetween(1, 5);
            RuleFor(x => x.Name).NotEmpty().MaximumLength(Limits.Title);
        }
    }
}

public sealed record PlanApproved(string ApprovingBody, DateOnly ApprovedOn, string? VersionLabel, Provenance Provenance) : ILedgerEvent;

public sealed record PlanSuperseded(string SupersededBy, string? Reason, Provenance Provenance) : ILedgerEvent;

public sealed record HeadingAdded(string Reference, HeadingKind Kind, string Title, string? Proposal, Provenance Provenance) : ILedgerEvent;

/// <summary>
/// A heading's own RAG changed (e.g. Perth &amp; Kinross's "Nov Overall RAG", given once per inspection priority),
/// beside the statuses of its actions.
/// </summary>
public sealed record HeadingStatusChanged(string Heading, DeliveryStatus? From, DeliveryStatus To, string? Reason, string? Period, Provenance Provenance) : ILedgerEvent;

/// <summary>A heading of a plan, with its own RAG (none until one is reported) and how that RAG moved.</summary>
public sealed record Heading(string Reference, HeadingKind Kind, string Title, string? Proposal)
{
    /// <summary>The heading's own status: the one with the latest effective date (of two on one date, the later recorded).</summary>
    public DeliveryStatus? Status { get; init; }
    public IReadOnlyList<HeadingStatus> StatusHistory { get; init; } = [];

    public Heading WithStatus(HeadingStatusChanged e)
    {
        var entry = new HeadingStatus(e.From, e.To, e.Reason, e.Period, e.Provenance.EffectiveOn, e.Provenance.RecordedAt);
        var latest = StatusHistory.Count == 0 || e.Provenance.EffectiveOn >= StatusHistory.Max(h => h.EffectiveOn);
        return this with { Status = latest ? e.To : Status, StatusHistory = [.. StatusHistory, entry] };
    }
}

/// <summary>One change of a heading's own RAG: from, to, why, for which reporting period, effective and recorded when.</summary>
public sealed record HeadingStatus(DeliveryStatus? From, DeliveryStatus To, string? Reason, string? Period, DateOnly EffectiveOn, DateTimeOffset RecordedAt);

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
    /// <summary>The plan's priority themes with their names (actions' priorityThemes are their numbers).</summary>
    public IReadOnlyList<PriorityTheme> PriorityThemes { get; init; } = [];
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
                ApprovingBody = r.ApprovingBody, ApprovedOn = r.ApprovedOn, PriorityThemes = r.PriorityThemes ?? [],
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
            HeadingStatusChanged e => state with { Headings = state.Headings.Select(h => h.Reference == e.Heading ? h.WithStatus(e) : h).ToList() },
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
    typeof(PlanRegistered), typeof(PlanApproved), typeof(PlanSuperseded), typeof(HeadingAdded), typeof(HeadingStatusChanged));

