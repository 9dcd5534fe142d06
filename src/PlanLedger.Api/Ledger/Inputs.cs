using FluentValidation;
using PlanLedger.Infrastructure;

namespace PlanLedger.Ledger;

/// <summary>A timescale as a partner system sends it: the text as written, and optionally its own structured reading.</summary>
/// <param name="Text">The timescale as written in the plan, e.g. "January 2020 IJB", "6 - 12 months", "2019 – 2021".</param>
/// <param name="Target">Target date, when the partner system knows it; otherwise the ledger reads one from the text.</param>
/// <param name="Start">Start of a range, if any.</param>
/// <param name="End">End of a range, if any.</param>
public sealed record TimescaleInput(
    string Text,
    DateOnly? Target = null,
    DateOnly? Start = null,
    DateOnly? End = null)
{
    public Timescale ToTimescale()
    {
        if (Target is null && Start is null && End is null) return Timescale.Read(Text);
        var kind = Start is not null && End is not null ? TimescaleKind.Range
            : Start is not null && Target is null ? TimescaleKind.OpenEnded
            : TimescaleKind.Date;
        return new Timescale(Text.Trim(), kind, Target ?? End, Start, End);
    }

    public sealed class Validator : AbstractValidator<TimescaleInput>
    {
        public Validator()
        {
            RuleFor(t => t.Text).NotEmpty().MaximumLength(Limits.Title);
            RuleFor(t => t.End).GreaterThanOrEqualTo(t => t.Start).When(t => t.Start is not null && t.End is not null)
                .WithMessage("'End' must not be before 'Start'");
            RuleFor(t => t.Target).Must(d => d is null || d.Value.Year is >= 2000 and <= 2100).WithMessage("'Target' must be between 2000 and 2100");
            RuleFor(t => t.Start).Must(d => d is null || d.Value.Year is >= 2000 and <= 2100).WithMessage("'Start' must be between 2000 and 2100");
            RuleFor(t => t.End).Must(d => d is null || d.Value.Year is >= 2000 and <= 2100).WithMessage("'End' must be between 2000 and 2100");
        }
    }
}

public sealed class LeadValidator : AbstractValidator<Lead>
{
    public LeadValidator()
    {
        RuleFor(l => l).Must(l => !string.IsNullOrWhiteSpace(l.Name) || !string.IsNullOrWhiteSpace(l.Role))
            .WithMessage("A lead needs a name or a role").OverridePropertyName("name");
        RuleFor(l => l.Name).MaximumLength(Limits.Name);
        RuleFor(l => l.Role).MaximumLength(Limits.Name);
        RuleFor(l => l.Organisation).MaximumLength(Limits.Name);
    }
}

/// <summary>Rules every change shares: when it took effect must be a real date, not in the future.</summary>
public abstract class ChangeValidator<T> : AbstractValidator<T> where T : IEffectiveChange
{
    protected ChangeValidator(TimeProvider clock)
    {
        RuleFor(c => c.EffectiveOn).IsEffectiveDate(clock);
    }
}
