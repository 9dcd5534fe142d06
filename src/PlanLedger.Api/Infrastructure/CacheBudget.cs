using System.Runtime.InteropServices;
using System.Text.Json;

namespace PlanLedger.Infrastructure;

/// <summary>
/// Every in-memory cache is bounded by an estimate of the bytes it holds, not by a count of entries: one
/// history can hold thousands of entries, so a count says nothing about memory. Budgets are set under
/// <c>Ledger:Cache:{name}Megabytes</c>.
/// </summary>
public static class CacheBudget
{
    public static long Bytes(IConfiguration configuration, string name, int defaultMegabytes) =>
        Math.Max(1, configuration.GetValue($"Ledger:Cache:{name}Megabytes", defaultMegabytes)) * 1024L * 1024L;

    // Rough managed sizes: an object header and its fields; a string's UTF-16 characters; a JSON element's
    // raw UTF-8 text plus its document's metadata rows (about as large again).
    public const long Object = 32;

    public static long Of(string? text) => text is null ? 0 : 22 + 2L * text.Length;

    public static long Of(JsonElement? element) => element is { } e ? 96 + 2L * JsonMarshal.GetRawUtf8Value(e).Length : 0;
}
