using FluentValidation;
using Marten;
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
    public sealed class Validator : ChangeValidator<OnboardPartnership>
    {
        public Validator(TimeProvider clock) : base(clock)
        {
            RuleFor(c => c.Code).NotEmpty().MaximumLength(Limits.Reference).Matches("^[a-z0-9]+(-[a-z0-9]+)*$")
                .WithMessage("'Code' must be lower-case letters and digits separated by single hyphens, e.g. perth-kinross");
            RuleFor(c => c.Name).NotEmpty().MaximumLength(Limits.Title);
            RuleFor(c => c.IntegrationAuthority).MaximumLength(Limits.Title);
            RuleFor(c => c.StatutoryPartners).Must(p => p is null || p.Count <= 10).WithMessage("At most 10 statutory partners");
            RuleForEach(c => c.StatutoryPartners).NotEmpty().MaximumLength(Limits.Title);
        }
    }
}

public static class OnboardPartnershipEndpoint
{
    [WolverinePost("/partnerships", Name = "OnboardPartnership")]
    [Tags("Partnerships")]
    [Authorize(Policy = Policies.Onboard)]
    [ProducesResponseType<Written<Partnership>>(201)]
    [ProducesResponseType<ProblemDetails>(409)]
    public static async Task<IResult> Post(OnboardPartnership command, IDocumentStore store, LedgerWrites writes,
        PartnershipDirectory directory, HttpContext http)
    {
        var key = Partnership.KeyFor(command.Code);
        await using var session = store.LightweightSession();
        var existing = await session.LoadAsync<Partnership>(key, http.RequestAborted);
        if (existing is not null)
        {
            return existing.Name == command.Name
                ? Results.Json(new Written<Partnership>("Unchanged", 0, existing.Version, existing))
                : Problems.Result(409, "Partnership exists", $"A partnership '{command.Code}' is already onboarded as '{existing.Name}'.", "code");
        }

        var onboarded = new PartnershipOnboarded(command.Code, command.Name, command.IntegrationAuthority,
            command.StatutoryPartners ?? [], writes.ProvenanceFor(command));
        session.Events.StartStream<Partnership>(key, onboarded);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (JasperFx.Events.ExistingStreamIdCollisionException)
        {
            return Problems.Result(409, "Partnership exists", $"A partnership '{command.Code}' is already onboarded.", "code");
        }
        directory.Remember(command.Code);
        var partnership = new Partnership
        {
            Id = key, Version = 1, Code = command.Code, Name = command.Name, IntegrationAuthority = command.IntegrationAuthority,
            StatutoryPartners = onboarded.StatutoryPartners, OnboardedOn = onboarded.Provenance.EffectiveOn
        };
        return Results.Created($"/partnerships/{command.Code}", new Written<Partnership>("Appended", 1, 1, partnership));
    }

    /// <summary>Every onboarded partnership, including those with no data yet.</summary>
    [WolverineGet("/partnerships", Name = "ListPartnerships")]
    [Tags("Partnerships")]
    [Authorize(Policy = Policies.ReadAcross)]
    [ProducesResponseType<IReadOnlyList<Partnership>>(200)]
    public static async Task<IReadOnlyList<Partnership>> List(IDocumentStore store, HttpContext http)
    {
        await using var session = store.QuerySession();
        var all = await session.Query<Partnership>().ToListAsync(http.RequestAborted);
        return all.OrderBy(p => p.Code).ToList();
    }
}
