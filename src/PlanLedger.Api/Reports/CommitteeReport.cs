using FluentValidation;
using JasperFx.Events.Projections;
using Marten;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;

namespace PlanLedger.Reports;

/// <summary>Who wrote a report, as its "Author(s)" table gives them.</summary>
public sealed record ReportAuthor(string Name, string? Designation = null, string? Contact = null)
{
    public sealed class Validator : AbstractValidator<ReportAuthor>
    {
        public Validator()
        {
            RuleFor(x => x.Name).NotEmpty().MaximumLength(Limits.Name);
            RuleFor(x => x.Designation).MaximumLength(Limits.Name);
            RuleFor(x => x.Contact).MaximumLength(Limits.Name);
        }
    }
}

/// <summary>
/// A covering report to a committee, as presented: the committee and meeting, the report's number, its
/// sections in the paper's words (paragraphs separated by line breaks), and the plans whose appendix it carries.
/// </summary>
/// <param name="Reference">The partnership's own reference for the report, used in its address (e.g. "g-20-132").</param>
/// <param name="Number">The report number as printed (e.g. "G/20/132", "DIJB27-2019").</param>
/// <param name="Recommendations">Each recommendation, in order.</param>
/// <param name="Committee">The committee or board it went to; none for a paper presented to no named committee.</param>
/// <param name="MeetingDate">The meeting's date; the report's effective date unless another is given.</param>
/// <param name="Progress">The progress section before its areas of note.</param>
/// <param name="AreasOfNote">The areas of particular note, each a bullet of the paper.</param>
/// <param name="ProgressContinued">The progress section after its areas of note.</param>
/// <param name="Plans">The plans (references) whose appendix the report carries, in the paper's order.</param>
/// <param name="AppendixNote">A note printed with the appendix (e.g. "many key actions below are part of 2–3 year programmes but relate to 2016/17 only").</param>
public sealed record CoveringReport(
    string Reference,
    string? Number,
    string Title,
    string? Committee,
    DateOnly? MeetingDate,
    IReadOnlyList<ReportAuthor> Authors,
    string? Purpose,
    IReadOnlyList<string> Recommendations,
    string? Background,
    string? Progress,
    IReadOnlyList<string> AreasOfNote,
    string? ProgressContinued,
    string? NextSteps,
    string? Conclusion,
    IReadOnlyList<string> Plans,
    string? AppendixNote = null)
{
    public sealed class Validator : AbstractValidator<CoveringReport>
    {
        public Validator()
        {
            RuleFor(r => r.Reference).IsReference();
            RuleFor(r => r.Number).MaximumLength(Limits.Name);
            RuleFor(r => r.Title).NotEmpty().MaximumLength(Limits.Title);
            RuleFor(r => r.Committee).MaximumLength(Limits.Title);
            RuleFor(r => r.MeetingDate).Must(d => d is null || d.Value.Year is >= 2000 and <= 2100).WithMessage("'Meeting Date' must be between 2000 and 2100");
            RuleFor(r => r.Authors).NotNull().Must(a => a.Count <= Limits.Leads).WithMessage($"At most {Limits.Leads} authors");
            RuleForEach(r => r.Authors).SetValidator(new ReportAuthor.Validator());
            RuleFor(r => r.Plans).NotEmpty().Must(p => p.Count <= 20 && p.Distinct().Count() == p.Count).WithMessage("'Plans' must name 1 to 20 different plans");
            RuleForEach(r => r.Plans).IsReference();
            RuleFor(r => r.Recommendations).NotNull().Must(r => r.Count <= 50);
            RuleForEach(r => r.Recommendations).NotEmpty().MaximumLength(Limits.Text);
            RuleFor(r => r.AreasOfNote).NotNull().Must(r => r.Count <= 50);
            RuleForEach(r => r.AreasOfNote).NotEmpty().MaximumLength(Limits.Text);
            RuleFor(r => r.Purpose).MaximumLength(Limits.Text);
            RuleFor(r => r.Background).MaximumLength(Limits.Text);
            RuleFor(r => r.Progress).MaximumLength(Limits.Text);
            RuleFor(r => r.ProgressContinued).MaximumLength(Limits.Text);
            RuleFor(r => r.NextSteps).MaximumLength(Limits.Text);
            RuleFor(r => r.Conclusion).MaximumLength(Limits.Text);
            RuleFor(r => r.AppendixNote).MaximumLength(Limits.Text);
        }
    }
}

/// <summary>A committee report was recorded: its covering report, effective on the date it reports (its provenance's effective date).</summary>
public sealed record CommitteeReportRecorded(CoveringReport Report, Provenance Provenance) : ILedgerEvent;

/// <summary>
/// A recorded committee report: what it says, the date it reports as at (EffectiveOn: its appendix is the plans as they
/// stood then), and when the ledger recorded it (RecordedAt: its appendix is what the ledger knew then).
/// </summary>
public sealed record CommitteeReportRecord : IStreamState<CommitteeReportRecord>
{
    /// <summary>Stream key: report/{reference}.</summary>
    public string Id { get; init; } = "";
    public int Version { get; init; }
    public CoveringReport Report { get; init; } = null!;
    public DateOnly EffectiveOn { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
    public string RecordedBy { get; init; } = "";

    public static string KeyFor(string reference) => $"report/{reference}";

    public static CommitteeReportRecord AtVersion(CommitteeReportRecord state, int version) => state with { Version = version };

    /// <summary>A report is recorded once and never changes: a paper, once presented, is what it was.</summary>
    public static CommitteeReportRecord? Fold(CommitteeReportRecord? state, string key, object @event) => @event switch
    {
        CommitteeReportRecorded e when state is null => new CommitteeReportRecord
        {
            Id = key, Version = 1, Report = e.Report, EffectiveOn = e.Provenance.EffectiveOn, RecordedAt = e.Provenance.RecordedAt,
            RecordedBy = e.Provenance.RecordedBy
        },
        _ => state
    };
}

public partial class CommitteeReportProjection() : StreamProjection<CommitteeReportRecord>(typeof(CommitteeReportRecorded));

/// <summary>Committee reports (board papers): recorded once, reproduced as presented.</summary>
public sealed class ReportsModule : ILedgerModule
{
    public void ConfigureStore(StoreOptions store) =>
        store.Projections.Add(new CommitteeReportProjection(), ProjectionLifecycle.Inline);
}
