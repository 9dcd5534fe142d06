using PlanLedger.Security;

namespace PlanLedger.Infrastructure;

internal sealed class LogPolicyFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new LogPolicy(inner.CreateLogger(categoryName));
    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);
    public void Dispose() => inner.Dispose();
}

/// <summary>
/// Passes every event on, with its message and its values redacted when any of them looks like a credential,
/// and an expected refusal (a client's bad body, a lost race for a stream) demoted to Debug: the client got
/// its 400 or 409, nothing failed, and the libraries' Error entries for them carry whole SQL statements.
/// </summary>
internal sealed class LogPolicy(ILogger inner) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
        state is IReadOnlyList<KeyValuePair<string, object?>> values && values.Any(v => Credentials.MayHold(v.Value?.ToString()))
            ? inner.BeginScope(Redacted(values))
            : inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Warning && exception is not null && ExpectedRefusal.Is(exception)) logLevel = LogLevel.Debug;
        if (!inner.IsEnabled(logLevel)) return;
        var message = formatter(state, exception);
        var values = state as IReadOnlyList<KeyValuePair<string, object?>>;
        if (!Credentials.MayHold(message) && (values is null || !values.Any(v => Credentials.MayHold(v.Value?.ToString()))))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }
        var redacted = new RedactedState(Credentials.Redact(message), values is null ? [] : Redacted(values));
        inner.Log(logLevel, eventId, redacted, exception, static (s, _) => s.Message);
    }

    private static List<KeyValuePair<string, object?>> Redacted(IReadOnlyList<KeyValuePair<string, object?>> values) =>
        values.Select(v => v.Value is null or ValueType || !Credentials.MayHold(v.Value.ToString())
            ? v
            : new KeyValuePair<string, object?>(v.Key, Credentials.Redact(v.Value.ToString()!))).ToList();

    private sealed class RedactedState(string message, List<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message;
        public KeyValuePair<string, object?> this[int index] => values[index];
        public int Count => values.Count;
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => Message;
    }
}

/// <summary>A failure that is the client's answer, not the service's fault.</summary>
public static class ExpectedRefusal
{
    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Text.Json.JsonException or JasperFx.ConcurrencyException) return true;
            // What Marten turns into a concurrency refusal: another writer appended the same stream version
            // first (a unique key, or Marten's own stream-version check, raised as MT0nn).
            if (e is Npgsql.PostgresException p && (p.SqlState == "23505" || p.SqlState.StartsWith("MT", StringComparison.Ordinal))) return true;
        }
        return false;
    }
}
