using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>
/// Sets an action's timescale, or moves it: a later target is recorded as a slip (a reason is required,
/// e.g. "delayed due to COVID 19"), an earlier one as brought forward.
/// </summary>
public sealed record SetTimescale(TimescaleInput Timescale, string? Reason = null, DateOnly? EffectiveOn = null) : IActionChange
{
    /// <summary>An example, for the contract.</summary>
    public static SetTimescale Example => new(new TimescaleInput("31 March 2021"), "The development of the Market Facilitation Plan has been delayed due to COVID 19", new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<SetTimescale>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Timescale).NotNull().SetValidator(new TimescaleInput.Validator());
            RuleFor(c => c.Reason).MaximumLength(Limits.Text);
        }
    }

    public ProblemDetails? Validate(ActionRecord action)
    {
        if (ActionChanges.MustBeOpen(action) is { } closed) return closed;
        var to = Timescale.ToTimescale();
        return action.Timescale?.Target is { } from && to.Target is { } target && target > from && string.IsNullOrWhiteSpace(Reason)
            ? Problems.Of(422, "Reason required", "A timescale that slips later needs a reason.", "reason")
            : null;
    }

    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance)
    {
        var to = Timescale.ToTimescale();
        var from = action.Timescale;
        if (from == to) return [];
        if (from?.Target is { } before && to.Target is { } after && after != before)
        {
            var days = after.DayNumber - before.DayNumber;
            return days > 0
                ? [new TimescaleSlipped(from, to, days, Reason!, provenance)]
                : [new TimescaleBroughtForward(from, to, -days, Reason, provenance)];
        }
        return [new TimescaleSet(from, to, Reason, provenance)];
    }
}

public static class SetTimescaleEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/timescale", Name = "SetActionTimescale")]
    [Tags("Actions")]
    [ActionChange]
    [Refuses(422, "The timescale slips later and no reason was given.")]
    public static Task<IResult> Post(SetTimescale command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);
}
