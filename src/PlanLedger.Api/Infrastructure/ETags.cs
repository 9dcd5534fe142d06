using Microsoft.Extensions.Primitives;

namespace PlanLedger.Infrastructure;

/// <summary>An ETag is the stream version in quotes; If-Match carries the version a caller saw.</summary>
public static class ETags
{
    public static string For(int version) => $"\"{version}\"";

    public static int? ParseIfMatch(StringValues header)
    {
        var value = header.FirstOrDefault()?.Trim();
        if (string.IsNullOrEmpty(value) || value == "*") return null;
        if (value.StartsWith("W/")) value = value[2..];
        return int.TryParse(value.Trim('"'), out var version) ? version : -1;
    }

    public static void Write(this HttpResponse response, int version) => response.Headers.ETag = For(version);
}
