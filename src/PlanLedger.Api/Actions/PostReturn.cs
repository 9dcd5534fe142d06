using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Plans;
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
    /// <summary>An example, for the contract.</summary>
    public static PostReturn Example => new("November 2020", [
        new ReturnItem("1.1", ProgressUpdate: new RecordProgressUpdate("November 2020", "Draft plan shared", Status: DeliveryStatus.Green), ExpectedVersion: 3),
        new ReturnItem("1.2", Timescale: new SetTimescale(new TimescaleInput("31 March 2021"), "Delayed due to COVID 19"))], new DateOnly(2020, 11, 30));

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
/// <param name="ExpectedVersion">The version the caller expects the action to be at when this item applies (the number in its
/// ETag); a different version refuses the whole return with 412. Absent, the item applies to the action as it stands.</param>
public sealed record ReturnItem(
    string Action,
    AddAction? NewAction = null,
    AmendDetails? Details = null,
    AssignLeads? Leads = null,
    SetTimescale? Timescale = null,
    RecordProgressUpdate? ProgressUpdate = null,
    ChangeStatus? Status = null,
    AddMilestone? Milestone = null,
    CompleteAction? Completion = null,
    int? ExpectedVersion = null,
    RecordDelay? Delay = null)
{
    public IEnumerable<IActionChange> Changes()
    {
        if (Details is not null) yield return Details;
        if (Leads is not null) yield return Leads;
        if (Timescale is not null) yield return Timescale;
        if (Delay is not null) yield return Delay;
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
            RuleFor(i => i.ExpectedVersion).GreaterThanOrEqualTo(1).When(i => i.ExpectedVersion is not null);
            RuleFor(i => i.Details!).SetValidator(new AmendDetails.Validator(clock)).When(i => i.Details is not null);
            RuleFor(i => i.Leads!).SetValidator(new AssignLeads.Validator(clock)).When(i => i.Leads is not null);
            RuleFor(i => i.Timescale!).SetValidator(new SetTimescale.Validator(clock)).When(i => i.Timescale is not null);
            RuleFor(i => i.Delay!).SetValidator(new RecordDelay.Validator(clock)).When(i => i.Delay is not null);
            RuleFor(i => i.ProgressUpdate!).SetValidator(new RecordProgressUpdate.Validator(clock)).When(i => i.ProgressUpdate is not null);
            RuleFor(i => i.Status!).SetValidator(new ChangeStatus.Validator(clock)).When(i => i.Status is not null);
            RuleFor(i => i.Milestone!).SetValidator(new AddMilestone.Validator(clock)).When(i => i.Milestone is not null);
            RuleFor(i => i.Completion!).SetValidator(new CompleteAction.Validator(clock)).When(i => i.Completion is not null);
        }
    }
}

/// <summary>What a recorded return appended, item by item.</summary>
public sealed record ReturnResult(string Period, IReadOnlyList<ReturnItemResult> Items);

/// <summary>What one item of a recorded return appended.</summary>
/// <param name="Version">The action's version once this item's events were appended (the number of its ETag then).</param>
public sealed record ReturnItemResult(int Index, string Action, WriteResult Outcome, int EventsAppended, int Version);

/// <summary>Why a refused return's item was not recorded: it was refused itself, or another item was.</summary>
public enum ReturnItemRefusal
{
    /// <summary>This item broke a rule; its problem says which.</summary>
    Refused,
    /// <summary>This item was acceptable, but the return is all-or-nothing and another item was refused.</summary>
    NotRecorded
}

/// <summary>One item of a refused return: nothing of it was recorded.</summary>
public sealed record ReturnItemProblem(int Index, string Action, ReturnItemRefusal Outcome, ProblemDetails? Problem);

/// <summary>The problem document of a refused return (application/problem+json): nothing in the return was recorded.</summary>
/// <param name="Items">Every item of the return: the refused ones with their problem (its errors name the field), the others marked NotRecorded.</param>
public sealed record ReturnRefused(string Type, string Title, int Status, string Detail, IReadOnlyList<ReturnItemProblem> Items, string? TraceId);

/// <summary>
/// A return's decision, as a pure function of the plan and the actions it names: every item is decided against the
/// state the items before it left, and the return is recorded whole or not at all.
/// </summary>
public sealed record ReturnDecision(ReturnResult Result, IReadOnlyDictionary<string, ReturnDecision.Stream> Streams, ProblemDetails? Refusal)
{
    /// <summary>An action the return changes: the version it was read at (null: the return adds it), its events and where they leave it.</summary>
    public sealed record Stream(int? ReadAt, IReadOnlyList<ILedgerEvent> Events, ActionRecord State);

    public int EventsAppended => Streams.Values.Sum(s => s.Events.Count);

    public static ReturnDecision Of(PostReturn command, string plan, PlanRecord? planRecord, IReadOnlyDictionary<string, ActionRecord> actions,
        Func<IEffectiveChange, DateOnly?, Provenance> provenance)
    {
        if (planRecord is null) return new(new ReturnResult(command.Period, []), new Dictionary<string, Stream>(), PlanChanges.NotFound(plan));

        var streams = new Dictionary<string, (int? ReadAt, List<ILedgerEvent> Events, ActionRecord? State)>();
        var results = new List<ReturnItemResult>();
        var problems = new List<(int Index, ProblemDetails Problem)>();

        for (var index = 0; index < command.Items.Count; index++)
        {
            var item = command.Items[index];
            var key = ActionRecord.KeyFor(plan, item.Action);
            if (!streams.TryGetValue(key, out var stream))
                stream = actions.TryGetValue(item.Action, out var current) ? (current.Version, [], current) : (null, [], null);
            var state = stream.State;
            var events = new List<ILedgerEvent>();
            ProblemDetails? problem = null;

            if (item.NewAction is { } add && state is null)
            {
                var added = add.Decide(plan, planRecord, null, provenance(add, command.EffectiveOn));
                problem = added.Refusal;
                events.AddRange(added.Events);
                if (problem is null) state = StreamState.FoldAll<ActionRecord>(null, key, events);
            }
            if (problem is null && state is null)
                problem = ActionChanges.NotFound(plan, item.Action, $"items[{index}].action");
            if (problem is null && item.ExpectedVersion is { } expected && expected != state!.Version)
                problem = Problems.Of(412, "Precondition failed",
                    $"Item {index} expected action '{item.Action}' at version {expected} but it is at version {state.Version}; read it again and retry.",
                    $"items[{index}].expectedVersion");

            foreach (var change in problem is null ? item.Changes() : [])
            {
                problem = change is IPlanRule rule ? rule.Validate(planRecord) : null;
                var verdict = problem is null ? Verdict.Of(change, state!, provenance(change, command.EffectiveOn)) : default;
                problem ??= verdict.Refusal;
                if (problem is not null) break;
                events.AddRange(verdict.Events);
                state = StreamState.FoldAll(state, key, verdict.Events);
            }

            if (problem is not null)
            {
                problems.Add((index, problem));
                continue;
            }
            streams[key] = (stream.ReadAt, [.. stream.Events, .. events], state);
            results.Add(new ReturnItemResult(index, item.Action, events.Count == 0 ? WriteResult.Unchanged : WriteResult.Appended, events.Count, state!.Version));
        }

        var decided = streams.ToDictionary(s => s.Key, s => new Stream(s.Value.ReadAt, s.Value.Events, s.Value.State!));
        return new(new ReturnResult(command.Period, results), decided, problems.Count == 0 ? null : Refuse(command, problems));
    }

    private static ProblemDetails Refuse(PostReturn command, List<(int Index, ProblemDetails Problem)> problems)
    {
        // A stale expected version is the caller's view being out of date (412); any other refusal is the content (422).
        var status = problems.Any(p => p.Problem.Status == 412) ? 412 : 422;
        var refusal = Problems.Of(status, "Return refused",
            $"{problems.Count} of {command.Items.Count} items were refused, so nothing in this return was recorded: " +
            "correct the refused items and send the whole return again.");
        refusal.Extensions["items"] = command.Items.Select((item, index) =>
            problems.FirstOrDefault(p => p.Index == index).Problem is { } problem
                ? new ReturnItemProblem(index, item.Action, ReturnItemRefusal.Refused, problem)
                : new ReturnItemProblem(index, item.Action, ReturnItemRefusal.NotRecorded, null)).ToList();
        return refusal;
    }
}

public static class PostReturnEndpoint
{
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/returns", Name = "PostReturn")]
    [Tags("Returns")]
    [WriteAnswers(typeof(ReturnResult), 200, HasETag = false)]
    [ProducesResponseType<ReturnRefused>(412, "application/problem+json")]
    [ProducesResponseType<ReturnRefused>(422, "application/problem+json")]
    [Refuses(400, "Or If-Match or If-None-Match was sent: a return is about many actions, so give each item's expectedVersion instead.")]
    [Refuses(404, "No plan with this reference.")]
    [Refuses(409, "Another change to one of the return's actions was recorded first (a lost race): nothing was recorded; read them again and retry.")]
    [Refuses(412, "An item's expectedVersion is not its action's version: nothing was recorded; `items` names the item.")]
    [Refuses(422, "One or more items were refused: nothing was recorded; `items` gives every item, Refused with its problem or NotRecorded.")]
    public static Task<IResult> Post(PostReturn command, string partnershipId, string plan, LedgerWrites writes) =>
        writes.Run<PostReturn, ReturnResult>(command, write => Record(command, plan, write), ownTransaction: true);

    /// <summary>A return's write inside the pipeline: its pure decision, then its streams staged with the versions read.</summary>
    public static async Task<Outcome<ReturnResult>> Record(PostReturn command, string plan, WriteContext write)
    {
        if (write.Preconditions.Refuse("a return changes many actions: give each item's expectedVersion instead.") is { } unsupported)
            return unsupported;

        // One round trip reads the plan and every action the return names; each is appended with the version it was
        // read at, so a concurrent change to any of them fails the whole return. The actions are read into the session's
        // identity map, where the inline ActionProjection finds them at SaveChanges instead of reading them all again.
        write.Session.UseIdentityMapFor<ActionRecord>();
        var keys = command.Items.Select(i => ActionRecord.KeyFor(plan, i.Action)).Distinct().ToArray();
        var read = write.Session.CreateBatchQuery();
        var planRead = read.Load<PlanRecord>(PlanRecord.KeyFor(plan));
        var actionsRead = read.LoadMany<ActionRecord>().ById(keys);
        await read.Execute(write.Cancellation);
        var (planRecord, actions) = (await planRead, await actionsRead);
        var decision = ReturnDecision.Of(command, plan, planRecord, actions.ToDictionary(a => a.Reference), write.ProvenanceFor);
        if (decision.Refusal is { } refusal) return refusal;

        var changed = decision.Streams.Where(s => s.Value.Events.Count > 0).ToList();
        if (write.Transaction is { } transaction && changed.Count > 0 && changed.All(s => s.Value.ReadAt is not null))
        {
            // Changes to existing actions only (a return's usual shape): one set-based append, not one per action.
            var changes = changed.Select(s => new ActionAppends.Change(s.Key, s.Value.ReadAt!.Value, s.Value.Events, s.Value.State)).ToList();
            write.Appended(await ActionAppends.AppendAsync(write.Session, transaction, changes, write.Cancellation));
        }
        else foreach (var (key, stream) in changed)
        {
            var events = stream.Events.Cast<object>().ToArray();
            if (stream.ReadAt is { } readAt) write.Session.Events.Append(key, readAt + events.Length, events);
            else write.Session.Events.StartStream<ActionRecord>(key, events);
        }
        return decision.EventsAppended == 0
            ? new Outcome<ReturnResult>.Unchanged(decision.Result, null)
            : new Outcome<ReturnResult>.Appended(decision.Result, decision.EventsAppended, null);
    }
}
