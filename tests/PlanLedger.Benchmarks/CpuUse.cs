using System.Diagnostics;

namespace PlanLedger.Benchmarks;

/// <summary>
/// CPU time spent by the API, by PostgreSQL (every postgres process) and by this load generator, so a
/// phase's figures say where its two cores went, not just how fast it ran.
/// </summary>
public sealed record CpuUse(double ApiSeconds, double PostgresSeconds, double LoadGeneratorSeconds)
{
    // USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux we run.
    private const double TicksPerSecond = 100;

    public static CpuUse Now(int apiProcessId) => new(
        Seconds(apiProcessId),
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsAsciiDigit))
            .Select(d => int.Parse(d!)).Where(IsPostgres).Sum(Seconds),
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);

    public CpuUse Since(CpuUse start) =>
        new(ApiSeconds - start.ApiSeconds, PostgresSeconds - start.PostgresSeconds, LoadGeneratorSeconds - start.LoadGeneratorSeconds);

    /// <summary>Milliseconds of CPU per request (or event) of each part.</summary>
    public string PerUnit(double units, string unit) =>
        $"CPU per {unit}: API {ApiSeconds * 1000 / units:F2} ms, PostgreSQL {PostgresSeconds * 1000 / units:F2} ms, load generator {LoadGeneratorSeconds * 1000 / units:F2} ms";

    public double Total => ApiSeconds + PostgresSeconds + LoadGeneratorSeconds;

    private static bool IsPostgres(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim() is "postgres" or "postmaster"; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
            // state is field 3, utime 14 and stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
        }
        catch (IOException) { return 0; }
    }
}
