using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Framework;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.SelfAssessments;

/// <summary>
/// Records the partnership's first self-assessment rating of an MSG proposal, with its evidence and
/// proposed improvement actions. Refused for proposals not for local completion (3.2, 3.3, 5.3);
/// a proposal already rated is revised instead.
/// </summary>
public sealed record RecordRating(
    Rating Rating,
    string? Evidence = null,
    string? ProposedImprovementActions = null,
    string? AssessedBy = null,
    string? Plan = null,
    DateOnly? EffectiveOn = null) : IEffectiveChange
{
    /// <summary>An example, for the contract.</summary>
    public static RecordRating Example => new(Rating.PartlyEstablished, "Joint strategic needs assessment in place", "Agree a joint workforce plan", "Chief Officer", "msg-review-action-plan-2019", new DateOnly(2019, 5, 15));

    public sealed class Validator : ChangeValidator<RecordRating>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Rating).IsInEnum();
            RuleFor(c => c.Evidence).MaximumLength(Limits.Text);
            RuleFor(c => c.ProposedImprovementActions).MaximumLength(Limits.Text);
            RuleFor(c => c.AssessedBy).MaximumLength(Limits.Title);
            RuleFor(c => c.Plan).IsReference().When(c => c.Plan is not null);
        }
    }

    /// <summary>A proposal is rated once; the same rating again changes nothing, a different one must be a revision.</summary>
    public Verdict Decide(Proposal? proposal, string proposalNumber, SelfAssessment? existing, Provenance provenance) =>
        RatingEndpoints.ProposalProblem(proposal, proposalNumber) is { } problem ? problem
        : existing is null ? Verdict.Record(new RatingRecorded(proposalNumber, Rating, Evidence, ProposedImprovementActions, AssessedBy, Plan, provenance))
        : existing.Rating == Rating && existing.Evidence == Evidence ? Verdict.Unchanged
        : Problems.Of(409, "Already rated", $"Proposal {proposalNumber} is already rated {existing.Rating}; revise the rating with a reason instead.", "rating");
}

/// <summary>Revises a rating, with the reason ("we now consider this to be an over estimation").</summary>
public sealed record ReviseRating(Rating Rating, string Reason, string? Evidence = null, DateOnly? EffectiveOn = null) : IChange<SelfAssessment>
{
    /// <summary>An example, for the contract.</summary>
    public static ReviseRating Example => new(Rating.NotYetEstablished, "We now consider this to be an over estimation", EffectiveOn: new DateOnly(2019, 12, 11));

    public sealed class Validator : ChangeValidator<ReviseRating>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Rating).IsInEnum();
            RuleFor(c => c.Reason).NotEmpty().MaximumLength(Limits.Text);
            RuleFor(c => c.Evidence).MaximumLength(Limits.Text);
        }
    }

    public ProblemDetails? Validate(SelfAssessment rating) => null;

    public IReadOnlyList<ILedgerEvent> Decide(SelfAssessment rating, Provenance provenance) =>
        rating.Rating == Rating
            ? []
            : [new RatingRevised(rating.Proposal, rating.Rating, Rating, Rating > rating.Rating ? RevisionDirection.Up : RevisionDirection.Down,
                Reason, Evidence, provenance)];
}

public static class RatingEndpoints
{
    [WolverinePost("/partnerships/{partnershipId}/self-assessments/{proposal}", Name = "RecordRating")]
    [Tags("Self-assessments")]
    [WriteAnswers(typeof(SelfAssessment), 201, RepeatIsUnchanged = true)]
    [Refuses(404, "The proposal is not an MSG proposal (1.1 to 6.3).")]
    [Refuses(409, "The proposal is already rated differently: revise the rating with a reason instead.")]
    [Refuses(412, RefusalMeanings.CreateCondition)]
    [Refuses(422, "The MSG proposal is not for local completion (3.2, 3.3, 5.3): no partnership rates it.")]
    public static Task<IResult> Record(RecordRating command, string partnershipId, string proposal, MsgFramework framework, LedgerWrites writes) =>
        writes.Run(command, write => write.Create<SelfAssessment>(SelfAssessment.KeyFor(proposal), command,
            (existing, provenance) => command.Decide(framework.Find(proposal), proposal, existing, provenance),
            $"/partnerships/{partnershipId}/self-assessments/{proposal}", $"the rating of proposal {proposal}"),
            WriteTarget.Of<SelfAssessment>(SelfAssessment.KeyFor(proposal)));

    [WolverinePost("/partnerships/{partnershipId}/self-assessments/{proposal}/revisions", Name = "ReviseRating")]
    [Tags("Self-assessments")]
    [WriteAnswers(typeof(SelfAssessment), 200)]
    [Refuses(404, "The proposal is not an MSG proposal, or it has no rating to revise yet.")]
    [Refuses(409, RefusalMeanings.LostRace)]
    [Refuses(412, RefusalMeanings.StaleChange)]
    [Refuses(422, "The MSG proposal is not for local completion (3.2, 3.3, 5.3): no partnership rates it.")]
    public static Task<IResult> Revise(ReviseRating command, string partnershipId, string proposal, MsgFramework framework, LedgerWrites writes) =>
        writes.Run(command, async write =>
            ProposalProblem(framework.Find(proposal), proposal) is { } problem
                ? problem
                : await write.Change(SelfAssessment.KeyFor(proposal), command,
                    () => Problems.Of(404, "Not rated", $"Proposal {proposal} has no rating to revise; record one first."),
                    $"the rating of proposal {proposal}"),
            WriteTarget.Of<SelfAssessment>(SelfAssessment.KeyFor(proposal)));

    public static ProblemDetails? ProposalProblem(Proposal? found, string proposal) =>
        found switch
        {
            null => Problems.Of(404, "Unknown proposal", $"'{proposal}' is not an MSG proposal (1.1 to 6.3).", "proposal"),
            { ForLocalCompletion: false } => Problems.Of(422, "Not for local completion",
                $"MSG proposal {proposal} is not for local completion: no partnership rates it.", "proposal"),
            _ => null
        };
}
