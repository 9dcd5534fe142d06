using PlanLedger.Changes;

namespace PlanLedger.Webhooks;

public enum WebhookState { Active, Paused }

/// <summary>
/// A partner system's webhook: where to deliver which of a partnership's (or, national, every partnership's)
/// events, and how far delivery has got. Stored as a single-tenanted Marten document; the partnership is a field.
/// </summary>
public sealed record WebhookSubscription
{
    public Guid Id { get; init; }
    /// <summary>The partnership whose events it receives; null for a national subscription (every partnership).</summary>
    public string? Partnership { get; init; }
    public string Url { get; init; } = "";
    /// <summary>Published event types it receives; empty for all.</summary>
    public IReadOnlyList<string> EventTypes { get; init; } = [];
    public string Secret { get; init; } = "";
    /// <summary>After a rotation the old secret also signs until <see cref="PreviousSecretUntil"/>, so receivers can switch without losing deliveries.</summary>
    public string? PreviousSecret { get; init; }
    public DateTimeOffset? PreviousSecretUntil { get; init; }
    public WebhookState State { get; init; }
    public string? PausedReason { get; init; }
    public DateTimeOffset? PausedAt { get; init; }
    /// <summary>The position of the last event delivered (or replayed from): delivery continues after it.</summary>
    public long Position { get; init; }
    /// <summary>Counts replays, so a delivery that raced a replay does not move the position back past it.</summary>
    public int Replays { get; init; }
    public int ConsecutiveFailures { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public string? LastError { get; init; }
    public long Delivered { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";

    [System.Text.Json.Serialization.JsonIgnore]
    public FeedScope Scope => new(Partnership);
}

/// <summary>One delivery attempt, as the receiver answered it.</summary>
/// <param name="Position">The ledger position of the event delivered.</param>
/// <param name="WebhookId">The webhook-id header sent (the event's id; the same on every retry).</param>
/// <param name="Attempt">1 for the first attempt of this event, 2 for its first retry, …</param>
/// <param name="Status">The receiver's HTTP status; null when no answer came (see Error).</param>
/// <param name="LatencyMilliseconds">From sending to the end of the answer (or the failure).</param>
/// <param name="Response">The start of the receiver's answer body (at most 256 characters).</param>
/// <param name="Error">Why no answer came: timeout, refused connection, refused target, …</param>
public sealed record WebhookAttempt(
    Guid Id,
    Guid SubscriptionId,
    long Position,
    string WebhookId,
    string EventType,
    int Attempt,
    DateTimeOffset At,
    int? Status,
    long LatencyMilliseconds,
    string? Response,
    string? Error,
    bool Delivered);

/// <summary>A webhook subscription as the API shows it (never its secret).</summary>
/// <param name="Position">The position of the last event delivered; delivery continues after it.</param>
/// <param name="PausedReason">Why it is paused: by whom, or after how many failed deliveries and the last error.</param>
/// <param name="NextAttemptAt">When the next retry is due, while retrying.</param>
public sealed record WebhookView(
    Guid Id,
    string? Partnership,
    string Url,
    IReadOnlyList<string> EventTypes,
    WebhookState State,
    string? PausedReason,
    DateTimeOffset? PausedAt,
    long Position,
    long Delivered,
    int ConsecutiveFailures,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    DateTimeOffset CreatedAt,
    string CreatedBy)
{
    public static WebhookView Of(WebhookSubscription s) => new(s.Id, s.Partnership, s.Url, s.EventTypes, s.State, s.PausedReason, s.PausedAt,
        s.Position, s.Delivered, s.ConsecutiveFailures, s.NextAttemptAt, s.LastError, s.CreatedAt, s.CreatedBy);
}

/// <summary>A subscription with its signing secret: answered once, on creation or rotation, and never again.</summary>
/// <param name="Secret">The signing secret, whsec_ + base64: verify webhook-signature with it (Standard Webhooks).</param>
public sealed record WebhookWithSecret(WebhookView Subscription, string Secret);

/// <summary>A page of delivery attempts, newest first.</summary>
public sealed record WebhookAttempts(Guid SubscriptionId, IReadOnlyList<WebhookAttempt> Attempts);
