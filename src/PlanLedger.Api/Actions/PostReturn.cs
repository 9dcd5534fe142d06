using FluentValidation;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Actions;

/// <summary>
/// A return: one board-cycle submission holding many changes to many actions of one plan, applied
/// all-or-nothing. Each item names an action and the changes to it, applied in the order listed here.
/// </summary>
/// <param name="Period">The reporting period, e.g. "November 2020".</param>
/// <param name="EffectiveOn">The reporting date every item takes effect on unless it names its own.</param>
public sealed record PostReturn(
    string Period,
    IReadOnlyList<ReturnItem> Items,
    DateOnly? EffectiveOn = null) : IEffectiveChange
{
    public sealed class Validator : ChangeValidator<PostReturn>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(r => r.Period).NotEmpty().MaximumLength(Limits.Name);
            RuleFor(r => r.Items).NotEmpty().Must(i => i is null || i.Count <= Limits.ReturnItems)
                .WithMessage($"A return holds 1 to {Limits.ReturnItems} items");
            RuleForEach(r => r.Items).SetValidator(new ReturnItem.Validator(clock));
        }
    }
}

/// <param name="Action">The partnership's own reference of the action.</param>
public sealed record ReturnItem(
    string Action,
    AddAction? NewAction = null,
    AmendDetails? Details = null,
    AssignLeads? Leads = null,
    SetTimescale? Timescale = null,
    RecordProgressUpdate? ProgressUpdate = null,
    ChangeStatus? Status = null,
    AddMilestone? Milestone = null,
    CompleteAction? Completion = null)
{
    public IEnumerable<IActionChange> Changes()
    {
        if (Details is not null) yield return Details;
        if (Leads is not null) yield return Leads;
        if (Timescale is not null) yield return Timescale;
        if (ProgressUpdate is not null) yield return ProgressUpdate;
        if (Status is not null) yield return Status;
        if (Milestone is not null) yield return Milestone;
        if (Completion is not null) yield return Completion;
    }

    public sealed class Validator : AbstractValidator<ReturnItem>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(i => i.Action).IsReference();
            RuleFor(i => i).Must(i => i.NewAction is not null || i.Changes().Any())
                .WithMessage("An item needs at least one change").OverridePropertyName("changes");
            RuleFor(i => i.NewAction!).SetValidator(new AddAction.Validator(clock)).When(i => i.NewAction is not null);
            RuleFor(i => i.NewAction!.Reference).Equal(i => i.Action).When(i => i.NewAction is not null)
                .WithMessage("'newAction.reference' must equal the item's 'action'");
            RuleFor(i => i.Details!).SetValidator(new AmendDetails.Validator(clock)).When(i => i.Details is not null);
            RuleFor(i => i.Leads!).SetValidator(new AssignLeads.Validator(clock)).When(i => i.Leads is not null);
            RuleFor(i => i.Timescale!).SetValidator(new SetTimescale.Validator(clock)).When(i => i.Timescale is not null);
            RuleFor(i => i.ProgressUpdate!).SetValidator(new RecordProgressUpdate.Validator(clock)).When(i => i.ProgressUpdate is not null);
            RuleFor(i => i.Status!).SetValidator(new ChangeStatus.Validator(clock)).When(i => i.Status is not null);
            RuleFor(i => i.Milestone!).SetValidator(new AddMilestone.Validator(clock)).When(i => i.Milestone is not null);
            RuleFor(i => i.Completion!).SetValidator(new CompleteAction.Validator(clock)).When(i => i.Completion is not null);
        }
    }
}

/// <summary>What a return did, item by item.</summary>
public sealed record ReturnResult(string Period, int EventsAppended, IReadOnlyList<ReturnItemResult> Items);

public sealed record ReturnItemResult(int Index, string Action, string Outcome, int EventsAppended, int? Version, ProblemDetails? Problem);

public static class PostReturnEndpoint
{
    /// <summary>An action the return changes: its state so far, the version it was read at, the events to append.</summary>
    private sealed record Pending(ActionRecord State, int ReadAt, bool IsNew)
    {
        public ActionRecord State { get; set; } = State;
        public List<ILedgerEvent> Events { get; } = [];
    }

    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/returns", Name = "PostReturn")]
    [Tags("Returns")]
    [ProducesResponseType<Written<ReturnResult>>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static Task<IResult> Post(PostReturn command, string partnershipId, string plan, LedgerWrites writes) =>
        writes.Run(command, session => Apply(session, partnershipId, plan, command, writes));

    private static async Task<WriteOutcome> Apply(IDocumentSession session, string partnershipId, string plan, PostReturn command, LedgerWrites writes)
    {
        var results = new List<ReturnItemResult>();
        // One query loads every existing action the return names; the events are appended at the end with
        // the version each action was read at, so a concurrent change to any of them still fails the return.
        var keys = command.Items.Where(i => i.NewAction is null).Select(i => ActionRecord.KeyFor(plan, i.Action)).Distinct().ToArray();
        var loaded = keys.Length == 0 ? [] : await session.LoadManyAsync<ActionRecord>(keys);
        var streams = loaded.ToDictionary(a => a.Id, a => new Pending(a, a.Version, IsNew: false));
        var planRules = new PlanRules(session, plan);
        var total = 0;

        for (var index = 0; index < command.Items.Count; index++)
        {
            var item = command.Items[index];
            var key = ActionRecord.KeyFor(plan, item.Action);
            var events = 0;
            ProblemDetails? problem = null;

            if (item.NewAction is { } add && !streams.ContainsKey(key))
            {
                var outcome = await AddActionEndpoint.Add(session, partnershipId, plan, add, writes.ProvenanceFor(add, command.EffectiveOn));
                switch (outcome)
                {
                    case WriteOutcome.Appended appended:
                        streams[key] = new Pending((ActionRecord)appended.Resource, 1, IsNew: true);
                        events++;
                        break;
                    case WriteOutcome.Refused refused:
                        problem = refused.Problem;
                        break;
                }
            }

            if (problem is null && !streams.ContainsKey(key))
                problem = Problems.Of(404, "Not found", $"Action '{item.Action}' of plan '{plan}' was not found in this partnership's ledger.", $"items[{index}].action");

            if (problem is null)
                problem = await planRules.Check(item.Changes());

            if (problem is null)
            {
                var pending = streams[key];
                foreach (var change in item.Changes())
                {
                    var decision = ActionChanges.Decide(pending.State, change, writes.ProvenanceFor(change, command.EffectiveOn));
                    if (decision.Refusal is not null) { problem = decision.Refusal.Problem; break; }
                    pending.Events.AddRange(decision.Events);
                    pending.State = decision.State;
                    events += decision.Events.Count;
                }
            }

            total += events;
            results.Add(problem is null
                ? new ReturnItemResult(index, item.Action, events == 0 ? "Unchanged" : "Appended", events, streams[key].State.Version, null)
                : new ReturnItemResult(index, item.Action, "Refused", 0, null, problem));
        }

        foreach (var (key, pending) in streams.Where(s => s.Value.Events.Count > 0))
        {
            var appended = pending.Events.Cast<object>().ToArray();
            if (pending.IsNew) session.Events.Append(key, appended);
            else session.Events.Append(key, pending.ReadAt + appended.Length, appended);
        }

        var result = new ReturnResult(command.Period, total, results);
        if (results.Any(r => r.Problem is not null))
        {
            var refusal = Problems.Of(422, "Return refused",
                $"{results.Count(r => r.Problem is not null)} of {results.Count} items were refused; nothing in this return was recorded.");
            refusal.Extensions["items"] = results;
            return new WriteOutcome.Refused(refusal);
        }
        return total == 0 ? new WriteOutcome.Unchanged(0, result) : new WriteOutcome.Appended(total, 0, result);
    }
}
