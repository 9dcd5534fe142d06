using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PlanLedger.Benchmarks;

/// <summary>One figure of the run, with its target where the brief sets one.</summary>
public sealed record Figure(string Section, string Name, double Value, string Unit, string? Target = null, bool? Met = null, string? Note = null);

public sealed class Report
{
    public List<Figure> Figures { get; } = [];
    public Dictionary<string, string> Context { get; } = [];

    /// <summary>A report that says which machine and when, and how the load was generated.</summary>
    public static Report Started(string load) => new()
    {
        Context = { ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}", ["when"] = DateTimeOffset.UtcNow.ToString("u"), ["load"] = load }
    };

    public Figure Add(string section, string name, double value, string unit, string? target = null, bool? met = null, string? note = null)
    {
        var figure = new Figure(section, name, Math.Round(value, 2), unit, target, met, note);
        Figures.Add(figure);
        Console.WriteLine($"  {section} | {name}: {figure.Value.ToString(CultureInfo.InvariantCulture)} {unit}{(target is null ? "" : $" (target {target}: {(met == true ? "met" : "missed")})")}");
        return figure;
    }

    public async Task WriteAsync(string directory, string name = "latest")
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.json"),
            JsonSerializer.Serialize(new { context = Context, figures = Figures }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        var md = new StringBuilder();
        md.AppendLine("# PlanLedger benchmark").AppendLine();
        foreach (var (k, v) in Context) md.AppendLine($"- {k}: {v}");
        md.AppendLine().AppendLine("| section | figure | value | unit | target | met |").AppendLine("|---|---|---:|---|---|---|");
        foreach (var f in Figures)
            md.AppendLine($"| {f.Section} | {f.Name}{(f.Note is null ? "" : $" ({f.Note})")} | {f.Value.ToString(CultureInfo.InvariantCulture)} | {f.Unit} | {f.Target ?? ""} | {(f.Met is null ? "" : f.Met.Value ? "yes" : "**no**")} |");
        await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.md"), md.ToString());
        Console.WriteLine();
        Console.WriteLine(md.ToString());
    }
}
