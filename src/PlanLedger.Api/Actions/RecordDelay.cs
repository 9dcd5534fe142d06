using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>
/// Records that an action is delayed, with the reason ("delayed due to COVID 19"), whether or not a new date is
/// known. With a new timescale the timescale moves as well (a later target is a slip); without one the delay is
/// recorded on its own, so a delay nobody could date yet still shows in the action and in slippage views.
/// </summary>
/// <param name="NewTimescale">The new timescale, when one is known.</param>
public sealed record RecordDelay(string Reason, TimescaleInput? NewTimescale = null, DateOnly? EffectiveOn = null) : IActionChange
{
    /// <summary>An example, for the contract.</summary>
    public static RecordDelay Example => new("The development of the Market Facilitation Plan has been delayed due to COVID 19", EffectiveOn: new DateOnly(2020, 11, 30));

    public sealed class Validator : ChangeValidator<RecordDelay>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Reason).NotEmpty().MaximumLength(Limits.Text);
            RuleFor(c => c.NewTimescale!).SetValidator(new TimescaleInput.Validator()).When(c => c.NewTimescale is not null);
        }
    }

    public ProblemDetails? Validate(ActionRecord action) => ActionChanges.MustBeOpen(action);

    /// <summary>The same delay (reason and new timescale) on the same date again records nothing.</summary>
    public IReadOnlyList<ILedgerEvent> Decide(ActionRecord action, Provenance provenance)
    {
        var to = NewTimescale?.ToTimescale();
        if (action.Delays.Any(d => d.Reason == Reason && d.NewTimescale == to?.Text && d.EffectiveOn == provenance.EffectiveOn)) return [];
        var delayed = new ActionDelayed(Reason, to?.Text, to?.Target, provenance);
        return NewTimescale is null
            ? [delayed]
            : [delayed, .. new SetTimescale(NewTimescale, Reason, EffectiveOn).Decide(action, provenance)];
    }
}

public static class RecordDelayEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/actions/{action}/delays", Name = "RecordActionDelay")]
    [Tags("Actions")]
    [ActionChange]
    public static Task<IResult> Post(RecordDelay command, string partnershipId, string plan, string action, LedgerWrites writes) =>
        writes.ChangeAction(plan, action, command);
}
