namespace PlanLedger.Infrastructure;

/// <summary>
/// What a write endpoint answers, for the contract: its success (a <see cref="Written{T}"/> of the resource, with the
/// status it answers on success) and what each refusal means on this operation. A kind of write shared by several
/// endpoints (a change to an action, say) derives its own attribute, so the meanings are written once.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public class WriteAnswersAttribute(Type resource, int success, params (int Status, string Meaning)[] refusals) : Attribute
{
    public WriteAnswersAttribute(Type resource, int success) : this(resource, success, []) { }

    public Type Resource { get; } = resource;
    public int Success { get; } = success;
    public IReadOnlyList<(int Status, string Meaning)> Refusals { get; } = refusals;

    /// <summary>A create that finds the same thing already there answers 200 Unchanged rather than refusing.</summary>
    public bool RepeatIsUnchanged { get; init; }

    /// <summary>A return's answer has no version of its own, so no ETag.</summary>
    public bool HasETag { get; init; } = true;
}

/// <summary>One more thing a refusal with this status means on this operation (several may be given).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class RefusesAttribute(int status, string meaning) : Attribute
{
    public int Status { get; } = status;
    public string Meaning { get; } = meaning;
}

/// <summary>A read whose answer carries the resource's ETag (its version), for If-Match on the next write.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnswersWithETagAttribute : Attribute;

/// <summary>What the contract says of preconditions and conflicts on every kind of write.</summary>
public static class RefusalMeanings
{
    public const string StaleChange = "If-Match does not name the current version (a weak tag never matches), or If-None-Match names it or is *: read it again and retry.";
    public const string CreateCondition = "If-Match was sent, which nothing can match since this creates the resource; or If-None-Match: * was sent and it already exists.";
    public const string LostRace = "another change to the same stream was recorded first (a lost race): read it again and retry.";
}
