using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace PlanLedger.Framework;

/// <summary>One of the nine national health and wellbeing outcomes, by its number and in its words.</summary>
public sealed record NationalOutcome(int Number, string Name);

/// <summary>The nine national health and wellbeing outcomes that strategic plans tag their actions with (1–9). National reference data.</summary>
public sealed record NationalOutcomes(string Id, string Title, string Source, IReadOnlyList<NationalOutcome> Outcomes)
{
    private static readonly Lazy<NationalOutcomes> Loaded = new(() =>
    {
        using var stream = typeof(NationalOutcomes).Assembly.GetManifestResourceStream("national-outcomes.json")
                           ?? throw new InvalidOperationException("The national outcomes resource is missing from the build");
        return JsonSerializer.Deserialize<NationalOutcomes>(stream, JsonSerializerOptions.Web)
               ?? throw new InvalidOperationException("The national outcomes resource is empty");
    });

    public static NationalOutcomes Current => Loaded.Value;
}

public static class NationalOutcomesEndpoint
{
    /// <summary>The nine national health and wellbeing outcomes, numbered as actions' nationalOutcomes are, with their names.</summary>
    [WolverineGet("/frameworks/national-outcomes", Name = "GetNationalOutcomes")]
    [Tags("Framework")]
    [ProducesResponseType<NationalOutcomes>(200)]
    public static NationalOutcomes Get() => NationalOutcomes.Current;
}
