using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>
/// Records a progress update for a reporting period: narrative, next steps and the status at that point.
/// A status different from the current one is recorded as a status change too, unless the update is
/// backdated to before the latest update already recorded: then its status is what held at that point, not now.
/// </summary>
public sealed record RecordProgressUpdate(
    string Period,
    string Narrative,
    string? NextSteps = null,
    DeliveryStatus? Status = null,
    DateOnly? EffectiveOn = null) : IActionChange
{
    /// <summary>An example, for the contract.</summary>
    public static RecordProgressUpdate Example => new("November 2020", "Draft plan shared with the IJB development session", "Final plan to the February IJB", DeliveryStatus.Amber, new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<RecordProgressUpdate>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Period).NotEmpty().MaximumLength(Limits.Name);
            RuleFor(c => c.Narrative).NotEmpty().MaximumLength(Limits.Text);
            RuleFor(c => c.NextSteps).MaximumLength(Limits.Text);
            RuleFor(c => c.Status).IsInEnum();
        }
    }

    public ProblemDetails? Validate(ActionRecord action) => ActionChanges.MustBeOpen(action);

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance)
    {
        var latest = action.LatestUpdate;
        if (latest is not null && latest.Period == Period && latest.Narrative == Narrative && latest.NextSteps == NextSteps
            && latest.Status == Status && (Status is null || Status == action.Status))
            return [];
        var events = new List<ILedgerEvent> { new ProgressUpdateRecorded(Period, Narrative, NextSteps, Status, provenance) };
        if (Status is { } status && status != action.Status && !action.PrecedesLatestUpdate(provenance.EffectiveOn))
            events.Add(new ActionStatusChanged(action.Status, status, $"Progress update for {Period}", provenance));
        return events;
    }
}

public static class RecordProgressUpdateEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/progress-updates", Name = "RecordProgressUpdate")]
    [Tags("Actions")]
    [ActionChange]
    public static Task<IResult> Post(RecordProgressUpdate command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);
}
