using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization;

namespace PlanLedger.Infrastructure;

/// <summary>
/// What any text or enum value taken from a client must be, wherever it arrives (JSON body, query string,
/// path): text holds no control characters but tab, CR and LF (PostgreSQL refuses NUL; the others only
/// hide text), and no half of a surrogate pair; an enum value is exactly one of its documented names.
/// </summary>
public static class InputText
{
    public const string ControlCharacters =
        "must not contain control characters (other than tab, carriage return and line feed) or unpaired surrogates.";

    public static bool IsClean(string? text)
    {
        if (text is null) return true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
                return false;
            }
            if (char.IsLowSurrogate(c)) return false;
            if ((c < ' ' && c is not ('\t' or '\r' or '\n')) || c is >= '\u007f' and <= '\u009f') return false;
        }
        return true;
    }

    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, object>> Names = new();

    /// <summary>The enum's names, each meaning exactly its value; nothing else (no numbers, lists, spaces or other case).</summary>
    public static bool TryParseEnum(Type type, string? text, out object? value)
    {
        var names = Names.GetOrAdd(type, t => Enum.GetNames(t).ToDictionary(n => n, n => Enum.Parse(t, n), StringComparer.Ordinal));
        value = null;
        return text is not null && names.TryGetValue(text, out value);
    }

    public static string EnumNames(Type type) => string.Join(", ", Enum.GetNames(type));

    /// <summary>The JSON rules every body is read with.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        // Ahead of JsonStringEnumConverter, which stays for the contract's enum schemas but never reads.
        o.Converters.Insert(0, new StrictEnumConverter());
        o.Converters.Insert(1, new CleanTextConverter());
        o.AllowDuplicateProperties = false;
        return o;
    }
}

/// <summary>Reads a JSON string into text only when <see cref="InputText.IsClean"/>; the error names the field.</summary>
internal sealed class CleanTextConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw JsonProblems.Refuse("must be a string.");
        var text = reader.GetString();
        return InputText.IsClean(text) ? text : throw JsonProblems.Refuse(InputText.ControlCharacters);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>Reads and writes every enum as exactly its name.</summary>
internal sealed class StrictEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String && InputText.TryParseEnum(typeof(T), reader.GetString(), out var value)) return (T)value!;
            throw JsonProblems.Refuse($"must be one of: {InputText.EnumNames(typeof(T))}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            InputText.TryParseEnum(typeof(T), reader.GetString(), out var value) ? (T)value! : throw JsonProblems.Refuse($"must be one of: {InputText.EnumNames(typeof(T))}.");

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(value.ToString());
    }
}

/// <summary>
/// A body the JSON reader refused, answered like every other bad input: "errors" keyed by the field as the
/// caller wrote it (leads[0].name), saying what is wrong in the contract's words rather than .NET's.
/// Wolverine writes the problem (title "Invalid JSON format") with the reader's message; this rewrites it.
/// </summary>
public static partial class JsonProblems
{
    private const string ReasonKey = "planledger.json-reason";

    /// <summary>
    /// The exception a converter throws: without a message of its own, so the reader adds the field's path
    /// to its message; the reason waits on the request for <see cref="Rewrite"/>.
    /// </summary>
    internal static JsonException Refuse(string reason)
    {
        if (new HttpContextAccessor().HttpContext is { } http) http.Items[ReasonKey] = reason;
        return new JsonException();
    }

    [GeneratedRegex(@"Path: \$\.?(?<field>[^ |]*)")]
    private static partial Regex PathOf();

    [GeneratedRegex(@"Duplicate property '(?<field>[^']+)'")]
    private static partial Regex Duplicate();

    [GeneratedRegex(@"The JSON property '(?<field>[^']+)' could not be mapped")]
    private static partial Regex Unmapped();

    public static void Rewrite(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Title != "Invalid JSON format" || problem.Detail is not { } detail) return;
        var (field, reason) =
            Duplicate().Match(detail) is { Success: true } d ? (d.Groups["field"].Value, "appears more than once; each member may be given once.")
            : Unmapped().Match(detail) is { Success: true } u ? (u.Groups["field"].Value, "is not a member of this request.")
            : PathOf().Match(detail) is { Success: true } p && p.Groups["field"].Value.Length > 0
                ? (p.Groups["field"].Value, context.HttpContext.Items[ReasonKey] as string ?? "is not a valid value of its type (see the contract).")
                : ((string?)null, "The body is not well-formed JSON.");
        problem.Title = "Invalid JSON";
        problem.Detail = field is null ? reason : $"Invalid: {field}";
        problem.Type = "https://httpstatuses.io/400";
        if (field is not null) problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [reason] };
    }
}
