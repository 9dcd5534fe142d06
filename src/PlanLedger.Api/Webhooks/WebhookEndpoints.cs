using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Changes;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Webhooks;

/// <summary>A partnership's webhooks: its partner-writer or the admin manages them.</summary>
public static class PartnershipWebhookEndpoints
{
    private const string Path = "/partnerships/{partnershipId}/webhooks";

    private static FeedScope Scope(HttpContext http) => new(http.Partnership());

    /// <summary>
    /// Subscribes a URL to this partnership's events: each is POSTed as one CloudEvent, in ledger order, signed
    /// per Standard Webhooks 1.0 (webhook-id, webhook-timestamp, webhook-signature), retried with exponential
    /// backoff until acknowledged with a 2xx. The answer shows the signing secret once. Outside Development
    /// the URL must be https and must not reach loopback, private, link-local or metadata addresses.
    /// </summary>
    [WolverinePost(Path, Name = "CreateWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = WebhookPolicies.Manage)]
    [PartnershipAdministration]
    [ProducesResponseType<WebhookWithSecret>(201)]
    public static Task<IResult> Create(CreateWebhook command, string partnershipId, WebhookAdministration admin, HttpContext http) =>
        admin.CreateAsync(Scope(http), command, http);

    /// <summary>This partnership's webhook subscriptions, with their state and delivery progress (never their secrets).</summary>
    [WolverineGet(Path, Name = "ListWebhooks")]
    [Tags("Webhooks")]
    [Authorize(Policy = WebhookPolicies.Manage)]
    [PartnershipAdministration]
    [ProducesResponseType<IReadOnlyList<WebhookView>>(200)]
    public static Task<IReadOnlyList<WebhookView>> List(string partnershipId, WebhookAdministration admin, HttpContext http) =>
        admin.ListAsync(Scope(http), http.RequestAborted);

    /// <summary>One webhook subscription: state, why it is paused, position delivered, failures in a row and the next retry.</summary>
    [WolverineGet(Path + "/{subscriptionId}", Name = "GetWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = WebhookPolicies.Manage)]
    [PartnershipAdministration]
    [ProducesResponseType<WebhookView>(200)]
    public static Task<IResult> Get(string partnershipId, string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.GetAsync(Scope(http), subscriptionId, http.RequestAborted);

    /// <summary>Every delivery attempt of a subscription, newest first: time, HTTP status, latency, the start of the answer, the error.</summary>
    /// <param name="limit">Attempts to show, 1 to 500 (default 50).</param>
    [WolverineGet(Path + "/{subscriptionId}/attempts", Name = "ListWebhookAttempts")]
    [Tags("Webhooks")]
    [Authorize(Policy = WebhookPolicies.Manage)]
    [PartnershipAdministration]
    [ProducesResponseType<WebhookAttempts>(200)]
    [ProducesResponseType<ProblemDetails>(400)]
    public static Task<IResult> Attempts(string partnershipId, string subscriptionId, int? limit, WebhookAdministration admin, HttpContext http) =>
        admin.AttemptsAsync(Scope(http), subscriptionId, limit, http.RequestAborted);

    /// <summary>Pauses a webhook subscription, with a reason; events are kept and delivered in order on resume.</summary>
    [WolverinePost(Path + "/{subscriptionId}/pause", Name = "PauseWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = WebhookPolicies.Manage)]
    [PartnershipAdministration]
    [ProducesResponseType<WebhookView>(200)]
    public static Task<IResult> Pause(PauseWebhook command, string partnershipId, string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.PauseAsync(Scope(http), subscriptionId, command, http);

    /// <summary>Resumes a paused webhook subscription where it stopped, with its failure count cleared.</summary>
    [WolverinePost(Path + "/{subscriptionId}/resume", Name = "ResumeWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = WebhookPolicies.Manage)]
    [PartnershipAdministration]
    [ProducesResponseType<WebhookView>(200)]
    public static Task<IResult> Resume(ResumeWebhook command, string partnershipId, string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.ResumeAsync(Scope(http), subscriptionId, http);

    /// <summary>Rotates the signing secret; the answer shows the new secret once. The old secret also signs (a second signature) for 24 hours.</summary>
    [WolverinePost(Path + "/{subscriptionId}/secret", Name = "RotateWebhookSecret")]
    [Tags("Webhooks")]
    [Authorize(Policy = WebhookPolicies.Manage)]
    [PartnershipAdministration]
    [ProducesResponseType<WebhookWithSecret>(200)]
    public static Task<IResult> Rotate(RotateWebhookSecret command, string partnershipId, string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.RotateAsync(Scope(http), subscriptionId, http);

    /// <summary>Replays: delivers again, in order, every event after the given position (same webhook-ids as before).</summary>
    [WolverinePost(Path + "/{subscriptionId}/replay", Name = "ReplayWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = WebhookPolicies.Manage)]
    [PartnershipAdministration]
    [ProducesResponseType<WebhookView>(200)]
    public static Task<IResult> Replay(ReplayWebhook command, string partnershipId, string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.ReplayAsync(Scope(http), subscriptionId, command, http);

    /// <summary>Deletes a webhook subscription and its attempt log; answers the subscription as it was.</summary>
    [WolverineDelete(Path + "/{subscriptionId}", Name = "DeleteWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = WebhookPolicies.Manage)]
    [PartnershipAdministration]
    [ProducesResponseType<WebhookView>(200)]
    public static Task<IResult> Delete(string partnershipId, string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.DeleteAsync(Scope(http), subscriptionId, http.RequestAborted);
}

/// <summary>National webhooks (every partnership's events, each naming its partnership): national leadership manages them.</summary>
public static class NationalWebhookEndpoints
{
    private const string Path = "/national/webhooks";

    /// <summary>
    /// Subscribes a URL to every partnership's events, delivered and signed as a partnership webhook's are
    /// (one CloudEvent a request, in ledger order, Standard Webhooks 1.0). The answer shows the signing secret once.
    /// </summary>
    [WolverinePost(Path, Name = "CreateNationalWebhook")]
    [ProducesResponseType<ProblemDetails>(409, "application/problem+json", Description = "Partnerships are spread over several databases: national webhooks are not offered then.")]
    [Tags("Webhooks")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<WebhookWithSecret>(201)]
    public static Task<IResult> Create(CreateWebhook command, WebhookAdministration admin, HttpContext http) =>
        admin.CreateAsync(FeedScope.National, command, http);

    /// <summary>The national webhook subscriptions, with their state and delivery progress (never their secrets).</summary>
    [WolverineGet(Path, Name = "ListNationalWebhooks")]
    [Tags("Webhooks")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<IReadOnlyList<WebhookView>>(200)]
    public static Task<IReadOnlyList<WebhookView>> List(WebhookAdministration admin, HttpContext http) =>
        admin.ListAsync(FeedScope.National, http.RequestAborted);

    /// <summary>One national webhook subscription: state, why it is paused, position delivered, failures in a row and the next retry.</summary>
    [WolverineGet(Path + "/{subscriptionId}", Name = "GetNationalWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<WebhookView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static Task<IResult> Get(string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.GetAsync(FeedScope.National, subscriptionId, http.RequestAborted);

    /// <summary>Every delivery attempt of a national subscription, newest first: time, HTTP status, latency, the start of the answer, the error.</summary>
    /// <param name="limit">Attempts to show, 1 to 500 (default 50).</param>
    [WolverineGet(Path + "/{subscriptionId}/attempts", Name = "ListNationalWebhookAttempts")]
    [Tags("Webhooks")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<WebhookAttempts>(200)]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static Task<IResult> Attempts(string subscriptionId, int? limit, WebhookAdministration admin, HttpContext http) =>
        admin.AttemptsAsync(FeedScope.National, subscriptionId, limit, http.RequestAborted);

    /// <summary>Pauses a national webhook subscription, with a reason; events are kept and delivered in order on resume.</summary>
    [WolverinePost(Path + "/{subscriptionId}/pause", Name = "PauseNationalWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<WebhookView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static Task<IResult> Pause(PauseWebhook command, string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.PauseAsync(FeedScope.National, subscriptionId, command, http);

    /// <summary>Resumes a paused national webhook subscription where it stopped, with its failure count cleared.</summary>
    [WolverinePost(Path + "/{subscriptionId}/resume", Name = "ResumeNationalWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<WebhookView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static Task<IResult> Resume(ResumeWebhook command, string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.ResumeAsync(FeedScope.National, subscriptionId, http);

    /// <summary>Rotates a national subscription's signing secret; the answer shows the new secret once. The old secret also signs for 24 hours.</summary>
    [WolverinePost(Path + "/{subscriptionId}/secret", Name = "RotateNationalWebhookSecret")]
    [Tags("Webhooks")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<WebhookWithSecret>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static Task<IResult> Rotate(RotateWebhookSecret command, string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.RotateAsync(FeedScope.National, subscriptionId, http);

    /// <summary>Replays a national subscription: delivers again, in order, every event after the given position.</summary>
    [WolverinePost(Path + "/{subscriptionId}/replay", Name = "ReplayNationalWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<WebhookView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static Task<IResult> Replay(ReplayWebhook command, string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.ReplayAsync(FeedScope.National, subscriptionId, command, http);

    /// <summary>Deletes a national webhook subscription and its attempt log; answers the subscription as it was.</summary>
    [WolverineDelete(Path + "/{subscriptionId}", Name = "DeleteNationalWebhook")]
    [Tags("Webhooks")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<WebhookView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static Task<IResult> Delete(string subscriptionId, WebhookAdministration admin, HttpContext http) =>
        admin.DeleteAsync(FeedScope.National, subscriptionId, http.RequestAborted);
}
