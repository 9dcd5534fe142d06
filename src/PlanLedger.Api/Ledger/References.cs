using System.Text.RegularExpressions;
using FluentValidation;

namespace PlanLedger.Ledger;

/// <summary>Limits and shapes shared by every input: a partnership's own references, text sizes, dates.</summary>
public static partial class Limits
{
    public const int Reference = 40;
    public const int Title = 500;
    public const int Text = 8000;
    public const int Name = 200;
    public const int Leads = 20;
    public const int Milestones = 50;
    public const int ReturnItems = 500;
    public const int MaxRequestBytes = 1_048_576;

    // A return file (CSV or xlsx) is read a row at a time, so it may be larger than a JSON body: 10,000 rows of the
    // longest realistic appendix rows (a couple of KB of update and next steps each) fit in 32 MiB.
    public const int ReturnFileRows = 10_000;
    public const long ReturnFileBytes = 32L * 1024 * 1024;
    // An xlsx is a zip: its parts unpacked may be several times its size, but never more than this.
    public const long ReturnWorkbookUnpackedBytes = 8 * ReturnFileBytes;

    // A reference is the partnership's own label: 1(ii)(b), 3(v)a, 2.6, joint-inspection-2020.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9 ()\[\]._:'-]*$")]
    public static partial Regex ReferencePattern();

    public static readonly DateOnly EarliestEffective = new(2000, 1, 1);

    public static IRuleBuilderOptions<T, string?> IsReference<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MaximumLength(Reference)
            .Must(r => r is null || (ReferencePattern().IsMatch(r) && r == r.Trim()))
            .WithMessage("'{PropertyName}' must start with a letter or digit and hold only letters, digits, spaces and ( ) [ ] . _ : ' -");

    public static IRuleBuilderOptions<T, DateOnly?> IsEffectiveDate<T>(this IRuleBuilder<T, DateOnly?> rule, TimeProvider clock) =>
        rule.Must(d => d is null || (d >= EarliestEffective && d <= clock.PartnershipToday()))
            .WithMessage("'{PropertyName}' must be a date from 2000-01-01 up to today (the partnership's date, UK time): a change cannot take effect in the future");
}
