namespace PlanLedger.Webhooks;

/// <summary>How webhooks deliver: retry timing, limits and where they may reach (section "Webhooks" of configuration).</summary>
public sealed class WebhookOptions
{
    /// <summary>First retry after this; each further retry doubles it (with jitter), up to <see cref="RetryCap"/>.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryCap { get; set; } = TimeSpan.FromHours(24);
    /// <summary>A subscription is paused after this many failed deliveries in a row (about 2.5 days with the defaults).</summary>
    public int PauseAfterFailures { get; set; } = 15;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How often the dispatcher looks for due work when no append wakes it.</summary>
    public TimeSpan Poll { get; set; } = TimeSpan.FromSeconds(1);
    public int Parallel { get; set; } = 4;
    /// <summary>How long the old secret still signs after a rotation.</summary>
    public TimeSpan PreviousSecretGrace { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Plain http and private, loopback and link-local targets; on in Development and Testing only.</summary>
    public bool AllowPrivateTargets { get; set; }
    /// <summary>Host names allowed whatever they resolve to (e.g. a partner reached over a private link).</summary>
    public List<string> AllowedHosts { get; set; } = [];
    /// <summary>Networks (CIDR, e.g. 10.20.0.0/16) allowed although private.</summary>
    public List<string> AllowedNetworks { get; set; } = [];
    public bool Dispatch { get; set; } = true;
    /// <summary>Attempts older than this are deleted from the log (checked hourly).</summary>
    public TimeSpan AttemptRetention { get; set; } = TimeSpan.FromDays(30);
}
