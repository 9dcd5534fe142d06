using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;

namespace PlanLedger.Decisions.Tests;

/// <summary>
/// Given events → when a command → then events or a problem: a decision is a pure function of the state its stream
/// folds to, so it is tested with no database and no host. Records are compared whole, as JSON (lists compare by value).
/// </summary>
public static class Specification
{
    public static readonly DateOnly Today = new(2020, 11, 30);
    public static readonly Provenance By = new(Today, new DateTimeOffset(2020, 12, 1, 9, 30, 0, TimeSpan.Zero), "orkney-partner-system", "orkney-system", "corr-1");
    private static readonly JsonSerializerOptions Json = LedgerHttp.Configure(new JsonSerializerOptions());

    public static Provenance On(DateOnly effective) => By with { EffectiveOn = effective };

    public static Provenance ProvenanceFor(IEffectiveChange change, DateOnly? fallback) => By with { EffectiveOn = change.EffectiveOn ?? fallback ?? Today };

    public static TState Given<TState>(string key, params ILedgerEvent[] events) where TState : class, IStreamState<TState> =>
        StreamState.FoldAll<TState>(null, key, events);

    /// <summary>When the change: its rules, then its decision.</summary>
    public static Verdict When<TState>(this TState state, IChange<TState> change) =>
        Verdict.Of(change, state, ProvenanceFor(change, null));

    public static void ThenRecords(this Verdict verdict, params ILedgerEvent[] expected)
    {
        verdict.Refusal.ShouldBeNull(verdict.Refusal?.Detail);
        Text(verdict.Events).ShouldBe(Text(expected));
    }

    public static void ThenNothing(this Verdict verdict) => verdict.ThenRecords();

    public static ProblemDetails ThenRefuses(this Verdict verdict, int status, string? field = null)
    {
        verdict.Events.ShouldBeEmpty();
        var problem = verdict.Refusal.ShouldNotBeNull();
        problem.Status.ShouldBe(status, problem.Detail);
        if (field is not null) ((IDictionary<string, string[]>)problem.Extensions["errors"]!).Keys.ShouldContain(field);
        return problem;
    }

    /// <summary>The whole record, as JSON with its type: two records are the same when every member is.</summary>
    public static void ShouldBeTheSameAs<T>(this T actual, T expected) => Text(actual).ShouldBe(Text(expected));

    private static string Text(object? value) => value switch
    {
        null => "null",
        IEnumerable<ILedgerEvent> events => "[" + string.Join(",\n", events.Select(Text)) + "]",
        _ => $"{value.GetType().Name} {JsonSerializer.Serialize(value, value.GetType(), Json)}"
    };
}
