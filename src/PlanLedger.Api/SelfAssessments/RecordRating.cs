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
}

/// <summary>Revises a rating, with the reason ("we now consider this to be an over estimation").</summary>
public sealed record ReviseRating(Rating Rating, string Reason, string? Evidence = null, DateOnly? EffectiveOn = null) : IEffectiveChange
{
    public sealed class Validator : ChangeValidator<ReviseRating>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Rating).IsInEnum();
            RuleFor(c => c.Reason).NotEmpty().MaximumLength(Limits.Text);
            RuleFor(c => c.Evidence).MaximumLength(Limits.Text);
        }
    }
}

public static class RatingEndpoints
{
    [WolverinePost("/partnerships/{partnershipId}/self-assessments/{proposal}", Name = "RecordRating")]
    [Tags("Self-assessments")]
    [ProducesResponseType<Written<SelfAssessment>>(201)]
    [ProducesResponseType<ProblemDetails>(404)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static Task<IResult> Record(RecordRating command, string partnershipId, string proposal, MsgFramework framework, LedgerWrites writes) =>
        writes.Run(command, async session =>
        {
            if (ProposalProblem(framework, proposal) is { } problem) return problem;
            var key = SelfAssessment.KeyFor(proposal);
            var stream = await session.Events.FetchForWriting<SelfAssessment>(key);
            if (stream.Aggregate is { } existing)
            {
                return existing.Rating == command.Rating && existing.Evidence == command.Evidence
                    ? new WriteOutcome.Unchanged(existing.Version, existing)
                    : Problems.Refuse(409, "Already rated",
                        $"Proposal {proposal} is already rated {existing.Rating}; revise the rating with a reason instead.", "rating");
            }
            var recorded = new RatingRecorded(proposal, command.Rating, command.Evidence, command.ProposedImprovementActions,
                command.AssessedBy, command.Plan, writes.ProvenanceFor(command));
            session.Events.StartStream<SelfAssessment>(key, recorded);
            var state = SelfAssessment.Fold(null, key, recorded)!;
            return new WriteOutcome.Appended(1, state.Version, state, $"/partnerships/{partnershipId}/self-assessments/{proposal}");
        }, createdStatus: 201);

    [WolverinePost("/partnerships/{partnershipId}/self-assessments/{proposal}/revisions", Name = "ReviseRating")]
    [Tags("Self-assessments")]
    [ProducesResponseType<Written<SelfAssessment>>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(412)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static Task<IResult> Revise(ReviseRating command, string partnershipId, string proposal, MsgFramework framework, LedgerWrites writes) =>
        writes.Run(command, async session =>
        {
            if (ProposalProblem(framework, proposal) is { } problem) return problem;
            var stream = await session.Events.FetchForWriting<SelfAssessment>(SelfAssessment.KeyFor(proposal));
            if (stream.Aggregate is not { } current)
                return Problems.Refuse(404, "Not rated", $"Proposal {proposal} has no rating to revise; record one first.");
            if (writes.ExpectedVersion is { } expected && expected != current.Version)
                return Problems.Refuse(412, "Stale version", $"If-Match named version {expected} but the rating is at version {current.Version}.", "If-Match");
            if (current.Rating == command.Rating) return new WriteOutcome.Unchanged(current.Version, current);

            var direction = command.Rating > current.Rating ? RevisionDirection.Up : RevisionDirection.Down;
            var revised = new RatingRevised(proposal, current.Rating, command.Rating, direction, command.Reason, command.Evidence, writes.ProvenanceFor(command));
            stream.AppendOne(revised);
            var state = SelfAssessment.Fold(current, current.Id, revised)!;
            return new WriteOutcome.Appended(1, state.Version, state);
        });

    private static WriteOutcome.Refused? ProposalProblem(MsgFramework framework, string proposal) =>
        framework.Find(proposal) switch
        {
            null => Problems.Refuse(404, "Unknown proposal", $"'{proposal}' is not an MSG proposal (1.1 to 6.3).", "proposal"),
            { ForLocalCompletion: false } => Problems.Refuse(422, "Not for local completion",
                $"MSG proposal {proposal} is not for local completion: no partnership rates it.", "proposal"),
            _ => null
        };
}
