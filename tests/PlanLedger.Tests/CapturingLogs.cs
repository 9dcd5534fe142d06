using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PlanLedger.Tests;

/// <summary>Every log event a host writes, as text, with its level and category.</summary>
public sealed class CapturingLogs : ILoggerProvider
{
    public sealed record Entry(LogLevel Level, string Category, string Text);

    public ConcurrentQueue<Entry> Entries { get; } = new();
    public IEnumerable<string> Lines => Entries.Select(e => e.Text);
    public ILogger CreateLogger(string category) => new Logger(this, category);
    public void Dispose() { }

    private sealed class Logger(CapturingLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel level) => true;
        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new Entry(level, category, $"{category} {formatter(state, exception)} {exception}"));
    }
}
