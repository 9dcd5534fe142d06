using FluentValidation;
using Marten;
using PlanLedger.Audit;
using PlanLedger.Changes;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Security;

namespace PlanLedger.Webhooks;

/// <summary>
/// Subscribes a partner system's URL to the ledger's events: which event types (all when omitted), and the
/// position to deliver after (default: the current end of the ledger, i.e. only new events; 0 for every event).
/// The answer carries the signing secret, once.
/// </summary>
public sealed record CreateWebhook(string Url, IReadOnlyList<string>? EventTypes = null, long? After = null)
{
    public const int MaxUrl = 2000;

    /// <summary>An example, for the contract.</summary>
    public static CreateWebhook Example => new("https://partner.example.org/planledger/events", ["scot.planledger.action.status-changed"], 0);

    public sealed class Validator : AbstractValidator<CreateWebhook>
    {
        public Validator()
        {
            RuleFor(c => c.Url).NotEmpty().MaximumLength(MaxUrl)
                .Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                .WithMessage("'Url' must be an absolute https URL.");
            RuleFor(c => c.EventTypes).Must(t => t is null || t.Count <= 50).WithMessage("At most 50 event types");
            RuleForEach(c => c.EventTypes).MaximumLength(Limits.Name).Must(t => t is not null && ChangeTypes.IsKnown(t))
                .WithMessage("'{PropertyValue}' is not a published event type (see the README's table, e.g. scot.planledger.action.status-changed).");
            RuleFor(c => c.After).GreaterThanOrEqualTo(0);
        }
    }
}

/// <summary>Pauses delivery; events keep accumulating and are delivered, in order, on resume.</summary>
public sealed record PauseWebhook(string? Reason = null)
{
    /// <summary>An example, for the contract.</summary>
    public static PauseWebhook Example => new("Receiver down for maintenance");

    public sealed class Validator : AbstractValidator<PauseWebhook>
    {
        public Validator() => RuleFor(c => c.Reason).MaximumLength(Limits.Title);
    }
}

/// <summary>Resumes delivery where it stopped, with the failure count cleared (an empty object).</summary>
public sealed record ResumeWebhook
{
    /// <summary>An example, for the contract: the body is empty.</summary>
    public static ResumeWebhook Example => new();
}

/// <summary>Makes a new signing secret (an empty object); the old one also signs for a grace period (24 h by default).</summary>
public sealed record RotateWebhookSecret
{
    /// <summary>An example, for the contract: the body is empty.</summary>
    public static RotateWebhookSecret Example => new();
}

/// <summary>Delivers again every event after <c>After</c> (0: from the start), in order, with the same webhook-ids.</summary>
public sealed record ReplayWebhook(long After)
{
    /// <summary>An example, for the contract.</summary>
    public static ReplayWebhook Example => new(1200);

    public sealed class Validator : AbstractValidator<ReplayWebhook>
    {
        public Validator() => RuleFor(c => c.After).GreaterThanOrEqualTo(0);
    }
}

/// <summary>What every subscription operation does, for a partnership's subscriptions or the national ones.</summary>
public sealed class WebhookAdministration(IDocumentStore store, SafePosition safe, WebhookTargets targets, WebhookDispatcher dispatcher,
    WebhookOptions options, TimeProvider clock)
{
    public const int MaxAttempts = 500;

    public async Task<IResult> CreateAsync(FeedScope scope, CreateWebhook command, HttpContext http)
    {
        if (targets.RefuseUrl(new Uri(command.Url)) is { } refusal)
            return Problems.Result(422, "Target refused", $"'url' {refusal}", "url");
        // A subscription's position is one event sequence, and over a pool each database has its own.
        if (scope.Partnership is null && store.IsSpread())
            return Problems.Result(409, "Not available over several databases",
                "Partnerships are spread over several databases, so national webhooks are not offered: subscribe to each partnership's, or read /national/changes.");
        var now = clock.GetUtcNow();
        var subscription = new WebhookSubscription
        {
            Id = Guid.NewGuid(), Partnership = scope.Partnership, Url = command.Url, EventTypes = command.EventTypes ?? [],
            Secret = WebhookSignature.NewSecret(), Position = command.After ?? await safe.ReadAsync(scope.Partnership ?? NationalLedger.Tenant, http.RequestAborted),
            CreatedAt = now, CreatedBy = http.Caller().Actor
        };
        await using var session = store.LightweightSession(NationalLedger.Tenant);
        session.Store(subscription);
        await session.SaveChangesAsync(http.RequestAborted);
        dispatcher.Kick();
        return Results.Created($"{PathOf(scope)}/{subscription.Id}", new WebhookWithSecret(WebhookView.Of(subscription), subscription.Secret));
    }

    public async Task<IReadOnlyList<WebhookView>> ListAsync(FeedScope scope, CancellationToken token)
    {
        await using var session = store.QuerySession(NationalLedger.Tenant);
        var all = scope.Partnership is { } p
            ? await session.Query<WebhookSubscription>().Where(s => s.Partnership == p).ToListAsync(token)
            : await session.Query<WebhookSubscription>().Where(s => s.Partnership == null).ToListAsync(token);
        return all.OrderBy(s => s.CreatedAt).Select(WebhookView.Of).ToList();
    }

    public async Task<IResult> GetAsync(FeedScope scope, string id, CancellationToken token) =>
        await FindAsync(scope, id, token) is { } s ? Results.Json(WebhookView.Of(s)) : NotFound(id);

    public Task<IResult> PauseAsync(FeedScope scope, string id, PauseWebhook command, HttpContext http) =>
        ChangeAsync(scope, id, s => s with
        {
            State = WebhookState.Paused, PausedAt = clock.GetUtcNow(), PausedReason = command.Reason ?? $"Paused by {http.Caller().Actor}"
        }, http);

    public Task<IResult> ResumeAsync(FeedScope scope, string id, HttpContext http) =>
        ChangeAsync(scope, id, s => s with
        {
            State = WebhookState.Active, PausedAt = null, PausedReason = null, ConsecutiveFailures = 0, NextAttemptAt = null
        }, http);

    public Task<IResult> ReplayAsync(FeedScope scope, string id, ReplayWebhook command, HttpContext http) =>
        ChangeAsync(scope, id, s => s with { Position = command.After, Replays = s.Replays + 1, ConsecutiveFailures = 0, NextAttemptAt = null }, http);

    public async Task<IResult> RotateAsync(FeedScope scope, string id, HttpContext http)
    {
        var secret = WebhookSignature.NewSecret();
        var result = await MutateAsync(scope, id, s => s with
        {
            Secret = secret, PreviousSecret = s.Secret, PreviousSecretUntil = clock.GetUtcNow() + options.PreviousSecretGrace
        }, http.RequestAborted);
        return result is null ? NotFound(id) : Results.Json(new WebhookWithSecret(WebhookView.Of(result), secret));
    }

    public async Task<IResult> DeleteAsync(FeedScope scope, string id, CancellationToken token)
    {
        if (await FindAsync(scope, id, token) is not { } s) return NotFound(id);
        await using var session = store.LightweightSession(NationalLedger.Tenant);
        session.Delete<WebhookSubscription>(s.Id);
        session.DeleteWhere<WebhookAttempt>(a => a.SubscriptionId == s.Id);
        await session.SaveChangesAsync(token);
        return Results.Json(WebhookView.Of(s));
    }

    public async Task<IResult> AttemptsAsync(FeedScope scope, string id, int? limit, CancellationToken token)
    {
        if (limit is not null and not (>= 1 and <= MaxAttempts)) return QueryProblem.For("limit", $"must be from 1 to {MaxAttempts}.");
        if (await FindAsync(scope, id, token) is not { } s) return NotFound(id);
        await using var session = store.QuerySession(NationalLedger.Tenant);
        var attempts = await session.Query<WebhookAttempt>().Where(a => a.SubscriptionId == s.Id)
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Position).ThenByDescending(a => a.Attempt)
            .Take(limit ?? 50).ToListAsync(token);
        return Results.Json(new WebhookAttempts(s.Id, attempts));
    }

    private async Task<IResult> ChangeAsync(FeedScope scope, string id, Func<WebhookSubscription, WebhookSubscription> change, HttpContext http)
    {
        var result = await MutateAsync(scope, id, change, http.RequestAborted);
        if (result is null) return NotFound(id);
        dispatcher.Kick();
        return Results.Json(WebhookView.Of(result));
    }

    /// <summary>Load, change, store with optimistic concurrency; the dispatcher may move the same document meanwhile, so retry.</summary>
    private async Task<WebhookSubscription?> MutateAsync(FeedScope scope, string id, Func<WebhookSubscription, WebhookSubscription> change, CancellationToken token)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await FindAsync(scope, id, token) is not { } current) return null;
            await using var session = store.LightweightSession(NationalLedger.Tenant);
            var loaded = await session.LoadAsync<WebhookSubscription>(current.Id, token);
            if (loaded is null) return null;
            var changed = change(loaded);
            session.Store(changed);
            try
            {
                await session.SaveChangesAsync(token);
                return changed;
            }
            catch (JasperFx.ConcurrencyException) when (attempt < 10)
            {
            }
        }
    }

    private async Task<WebhookSubscription?> FindAsync(FeedScope scope, string id, CancellationToken token)
    {
        if (!Guid.TryParse(id, out var guid)) return null;
        await using var session = store.QuerySession(NationalLedger.Tenant);
        var s = await session.LoadAsync<WebhookSubscription>(guid, token);
        return s is not null && s.Partnership == scope.Partnership ? s : null;
    }

    private static IResult NotFound(string id) => Problems.Result(404, "Not found", $"Webhook subscription '{id}' was not found.");

    public static string PathOf(FeedScope scope) => scope.Partnership is null ? "/national/webhooks" : $"/partnerships/{scope.Partnership}/webhooks";
}
