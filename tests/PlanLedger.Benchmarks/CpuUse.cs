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

    /// <summary>The port of the PostgreSQL cluster measured; other clusters on the machine are not counted.</summary>
    public static int PostgresPort { get; set; }

    public static CpuUse Now(int apiProcessId) => new(
        Seconds(apiProcessId),
        ClusterSeconds(),
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);

    /// <summary>
    /// The cluster's postmaster (its own time and that of children that have exited) plus its live children, so a
    /// backend that exits mid-phase keeps its CPU in the sum and other clusters' processes are left out.
    /// </summary>
    private static double ClusterSeconds()
    {
        var postgres = Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsAsciiDigit))
            .Select(d => int.Parse(d!)).Where(IsPostgres).ToList();
        var postmaster = postgres.FirstOrDefault(pid => CommandLine(pid).Contains($"port={PostgresPort}"));
        if (postmaster == 0) return postgres.Sum(pid => Seconds(pid));
        return Seconds(postmaster, withExitedChildren: true) + postgres.Where(pid => Parent(pid) == postmaster).Sum(pid => Seconds(pid));
    }

    private static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
    }

    private static int Parent(int pid) => Fields(pid) is { } fields ? int.Parse(fields[1]) : 0;

    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
    }

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

    private static double Seconds(int pid, bool withExitedChildren = false)
    {
        // state is field 3: utime is 14, stime 15, and the time of waited-for children cutime 16, cstime 17.
        if (Fields(pid) is not { } fields) return 0;
        var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        if (withExitedChildren) ticks += long.Parse(fields[13]) + long.Parse(fields[14]);
        return ticks / TicksPerSecond;
    }
}
