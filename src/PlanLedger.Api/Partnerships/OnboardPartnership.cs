using FluentValidation;
using Marten;
using Marten.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Partnerships;

/// <summary>Onboards a partnership (a tenant): its code (e.g. "perth-kinross"), name and statutory partners.</summary>
public sealed record OnboardPartnership(
    string Code,
    string Name,
    string? IntegrationAuthority = null,
    IReadOnlyList<string>? StatutoryPartners = null,
    DateOnly? EffectiveOn = null) : IEffectiveChange
{
    /// <summary>An example, for the contract.</summary>
    public static OnboardPartnership Example => new("orkney", "Orkney Health and Social Care Partnership", "Orkney Integration Joint Board", ["Orkney Islands Council", "NHS Orkney"]);

    public sealed class Validator : ChangeValidator<OnboardPartnership>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Code).NotEmpty().MaximumLength(Limits.Reference).Matches("^[a-z0-9]+(-[a-z0-9]+)*$")
                .WithMessage("'Code' must be lower-case letters and digits separated by single hyphens, e.g. perth-kinross")
                .NotEqual(NationalLedger.Tenant).WithMessage($"'Code' must not be '{NationalLedger.Tenant}': that is the national ledger's");
            RuleFor(c => c.Name).NotEmpty().MaximumLength(Limits.Title);
            RuleFor(c => c.IntegrationAuthority).MaximumLength(Limits.Title);
            RuleFor(c => c.StatutoryPartners).Must(p => p is null || p.Count <= 10).WithMessage("At most 10 statutory partners");
            RuleForEach(c => c.StatutoryPartners).NotEmpty().MaximumLength(Limits.Title);
        }
    }

    /// <summary>A partnership is onboarded once; the same onboarding again changes nothing.</summary>
    public Verdict Decide(Partnership? existing, Provenance provenance) =>
        existing is null ? Verdict.Record(new PartnershipOnboarded(Code, Name, IntegrationAuthority, StatutoryPartners ?? [], provenance))
        : existing.Name == Name ? Verdict.Unchanged
        : Problems.Of(409, "Partnership exists", $"A partnership '{Code}' is already onboarded as '{existing.Name}'.", "code");
}

public static class OnboardPartnershipEndpoint
{
    [WolverinePost("/partnerships", Name = "OnboardPartnership")]
    [Tags("Partnerships")]
    [Authorize(Policy = Policies.Onboard)]
    [WriteAnswers(typeof(Partnership), 201, RepeatIsUnchanged = true)]
    [Refuses(409, "A partnership with this code is already onboarded under another name.")]
    [Refuses(412, RefusalMeanings.CreateCondition)]
    public static async Task<IResult> Post(OnboardPartnership command, LedgerWrites writes, IDocumentStore store, HttpContext http)
    {
        // Over a pool of databases the partnership's ledger is placed first (where fewest are), so it has a database
        // before anyone can write to it; placing is idempotent, so a repeated onboarding places nothing new.
        await store.PlaceAsync(command.Code, http.RequestAborted);
        return await writes.Run(command, NationalLedger.Tenant, write => write.Create<Partnership>(Partnership.KeyFor(command.Code), command,
            command.Decide, $"/partnerships/{command.Code}", $"partnership '{command.Code}'"));
    }

    /// <summary>
    /// Every onboarded partnership, including those with no data yet, in code order; or those onboarded by a
    /// point in time: <c>asOf</c> (recorded by then) and/or <c>effectiveOn</c> (effective by that business date).
    /// <c>format=csv</c> gives the registry as CSV.
    /// </summary>
    /// <param name="asOf">Only onboardings recorded at or before this time (ISO 8601 date-time; encode '+' as %2B or use Z).</param>
    /// <param name="effectiveOn">Only onboardings effective on or before this business date (yyyy-MM-dd).</param>
    /// <param name="format">json (default) or csv.</param>
    [WolverineGet("/partnerships", Name = "ListPartnerships")]
    [Tags("Partnerships")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<IReadOnlyList<Partnership>>(200, "application/json", "text/csv")]
    [ProducesResponseType<ProblemDetails>(400)]
    public static async Task<IResult> List(DateTimeOffset? asOf, DateOnly? effectiveOn, string? format, IDocumentStore store, HttpContext http)
    {
        var check = new QueryCheck();
        var output = check.Output(format, null, Partnership.Tables);
        if (check.Problem is { } problem) return problem;
        await using var session = store.QuerySession(NationalLedger.Tenant);
        var all = await Partnership.RegistryAsync(session, new PointInTime(asOf, effectiveOn), http.RequestAborted);
        return output.Send(http, "partnerships", all, _ => Partnership.Table(all));
    }
}
