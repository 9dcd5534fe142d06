using System.Diagnostics;

namespace PlanLedger.Benchmarks;

/// <summary>Latency samples and rates, measured by wall clock on this machine.</summary>
public sealed class Samples
{
    private readonly List<double> _ms = [];
    private readonly Lock _lock = new();
    public int Failures;

    public void Add(double ms) { lock (_lock) _ms.Add(ms); }
    public int Count { get { lock (_lock) return _ms.Count; } }

    public double Percentile(double p)
    {
        lock (_lock)
        {
            if (_ms.Count == 0) return double.NaN;
            var sorted = _ms.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }
}

public static class Measure
{
    /// <summary>Runs <paramref name="workers"/> loops for <paramref name="duration"/>; each call returns whether it succeeded.</summary>
    public static async Task<(double PerSecond, Samples Samples)> Concurrently(int workers, TimeSpan duration, Func<int, int, Task<bool>> call)
    {
        var samples = new Samples();
        var stop = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(async worker =>
        {
            var i = 0;
            while (stop.Elapsed < duration)
            {
                var t = Stopwatch.GetTimestamp();
                var ok = await call(worker, i++);
                if (ok) samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                else Interlocked.Increment(ref samples.Failures);
            }
        }).ToArray();
        await Task.WhenAll(tasks);
        return (samples.Count / stop.Elapsed.TotalSeconds, samples);
    }

    public static async Task<Samples> Sequentially(int count, Func<int, Task<bool>> call)
    {
        var samples = new Samples();
        for (var i = 0; i < count; i++)
        {
            var t = Stopwatch.GetTimestamp();
            if (await call(i)) samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            else samples.Failures++;
        }
        return samples;
    }
}
