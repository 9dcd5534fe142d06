using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace PlanLedger.Infrastructure;

/// <summary>An ETag is the stream version in quotes: strong, so If-Match compares it exactly.</summary>
public static class ETags
{
    public static string For(int version) => $"\"{version}\"";

    public static void Write(this HttpResponse response, int version) => response.Headers.ETag = For(version);
}

/// <summary>
/// A write's conditions (RFC 9110, section 13): If-Match names the version(s) the caller saw or "*" (it must
/// exist); If-None-Match "*" means "only if absent" (or names versions that must not be current).
/// On a change they are checked against the stream's version; on a create nothing exists yet to match.
/// </summary>
public sealed record Preconditions(IReadOnlyList<EntityTagHeaderValue>? IfMatch, IReadOnlyList<EntityTagHeaderValue>? IfNoneMatch)
{
    public static readonly Preconditions None = new(null, null);

    public bool Any => IfMatch is not null || IfNoneMatch is not null;

    /// <summary>Reads both headers; a malformed one is a 400 naming it, never silently ignored.</summary>
    public static ProblemDetails? Read(HttpRequest request, out Preconditions preconditions)
    {
        preconditions = None;
        var ifMatch = Parse(request.Headers.IfMatch, HeaderNames.IfMatch, out var problem);
        if (problem is not null) return problem;
        var ifNoneMatch = Parse(request.Headers.IfNoneMatch, HeaderNames.IfNoneMatch, out problem);
        if (problem is not null) return problem;
        preconditions = new Preconditions(ifMatch, ifNoneMatch);
        return null;
    }

    /// <summary>The stream exists at this version: If-Match must name it (strongly), If-None-Match must not.</summary>
    public ProblemDetails? CheckExisting(int version, string what)
    {
        var current = new EntityTagHeaderValue(ETags.For(version));
        if (IfMatch is not null && !IfMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: true)))
            return Stale($"If-Match named {string.Join(", ", IfMatch)} but {what} is at version {version} (ETag {current}); read it again and retry.", HeaderNames.IfMatch);
        if (IfNoneMatch is not null && IfNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false)))
            return Stale($"If-None-Match named {string.Join(", ", IfNoneMatch)} but {what} already exists at version {version}.", HeaderNames.IfNoneMatch);
        return null;
    }

    /// <summary>Nothing exists yet: no If-Match can hold (RFC 9110 13.1.1); If-None-Match always holds.</summary>
    public ProblemDetails? CheckAbsent(string what) =>
        IfMatch is null ? null : Stale($"If-Match names a version, but {what} does not exist yet, so no version can match. Send If-None-Match: * to create only if absent.", HeaderNames.IfMatch);

    /// <summary>For a write that is not about one resource (a return): a header-level condition would be ambiguous.</summary>
    public ProblemDetails? Refuse(string instead) =>
        !Any ? null : Problems.Of(400, "Precondition not supported here", $"If-Match and If-None-Match apply to one resource; {instead}",
            IfMatch is not null ? HeaderNames.IfMatch : HeaderNames.IfNoneMatch);

    private static ProblemDetails Stale(string detail, string header) => Problems.Of(412, "Precondition failed", detail, header);

    private static IReadOnlyList<EntityTagHeaderValue>? Parse(Microsoft.Extensions.Primitives.StringValues values, string header, out ProblemDetails? problem)
    {
        problem = null;
        if (values.Count == 0) return null;
        if (EntityTagHeaderValue.TryParseStrictList(values, out var tags) && tags.Count > 0) return tags.ToList();
        problem = Problems.Of(400, "Invalid precondition", $"{header} must be \"*\" or a list of quoted ETags such as \"3\".", header);
        return null;
    }
}
