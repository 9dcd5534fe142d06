using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Ledger;
using Wolverine.Http;

namespace PlanLedger.Framework;

public sealed record RatingDescriptors(string? NotYetEstablished, string? PartlyEstablished, string? Established, string? Exemplary);

public sealed record Proposal(
    string Number,
    string Text,
    string Timescale,
    string TimescaleBucket,
    bool ForLocalCompletion,
    RatingDescriptors? Descriptors)
{
    public int KeyFeature => int.Parse(Number.Split('.')[0]);
}

public sealed record KeyFeature(int Number, string Title, IReadOnlyList<Proposal> Proposals);

/// <summary>The MSG Review of Progress with Integration (February 2019): 6 key features, 25 proposals. National reference data.</summary>
public sealed record MsgFramework(string Id, string Title, IReadOnlyList<string> RatingScale, IReadOnlyList<KeyFeature> KeyFeatures)
{
    public IEnumerable<Proposal> Proposals => KeyFeatures.SelectMany(k => k.Proposals);

    public IEnumerable<Proposal> LocallyRated => Proposals.Where(p => p.ForLocalCompletion);

    public Proposal? Find(string number) => Proposals.FirstOrDefault(p => p.Number == number);

    private static readonly Lazy<MsgFramework> Loaded = new(Load);

    /// <summary>The framework as shipped with this build (it is reference data, not tenant data).</summary>
    public static MsgFramework Current => Loaded.Value;

    private static MsgFramework Load()
    {
        using var stream = typeof(MsgFramework).Assembly.GetManifestResourceStream("msg-review-2019.json")
                           ?? throw new InvalidOperationException("The MSG framework resource is missing from the build");
        return JsonSerializer.Deserialize<MsgFramework>(stream, JsonSerializerOptions.Web)
               ?? throw new InvalidOperationException("The MSG framework resource is empty");
    }
}

public static class FrameworkEndpoints
{
    /// <summary>The MSG framework: key features, proposals, timescale buckets, rating descriptors, and which are not for local completion.</summary>
    [WolverineGet("/frameworks/msg-2019", Name = "GetMsgFramework")]
    [Tags("Framework")]
    [ProducesResponseType<MsgFramework>(200)]
    public static MsgFramework Get() => MsgFramework.Current;
}
