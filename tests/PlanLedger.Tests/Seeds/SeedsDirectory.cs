namespace PlanLedger.Tests.Seeds;

public static class SeedsDirectory
{
    /// <summary>The repository's seeds/ directory, found above the test binaries.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "seeds");
            if (File.Exists(Path.Combine(candidate, "partnerships.json"))) return candidate;
        }
        throw new DirectoryNotFoundException($"No seeds/ directory above {AppContext.BaseDirectory}");
    }
}
