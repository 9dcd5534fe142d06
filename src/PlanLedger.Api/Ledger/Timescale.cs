using System.Globalization;
using System.Text.RegularExpressions;

namespace PlanLedger.Ledger;

public enum TimescaleKind
{
    /// <summary>A target date ("31 March 2021", "January 2020 IJB").</summary>
    Date,
    /// <summary>A span of time ("2019 – 2021"); the target is its end.</summary>
    Range,
    /// <summary>Recurs each period after a first target ("By end of March 2020 and thereafter each year by end March").</summary>
    Recurring,
    /// <summary>Starts on a date and has no end ("From August 2020").</summary>
    OpenEnded,
    /// <summary>Continuous, no target ("Ongoing").</summary>
    Ongoing,
    /// <summary>A duration with no anchor date ("6 - 12 months").</summary>
    Relative,
    /// <summary>Text we cannot read as dates.</summary>
    Unstructured
}

/// <summary>
/// A timescale as the partnership wrote it, plus the structured reading the ledger uses for overdue
/// and slippage: a target date, a range, or none.
/// </summary>
public sealed record Timescale(string Text, TimescaleKind Kind, DateOnly? Target, DateOnly? Start, DateOnly? End)
{
    public static Timescale Read(string text) => TimescaleReader.Read(text);
}

/// <summary>Reads the timescales found in board papers into a structured form.</summary>
public static partial class TimescaleReader
{
    private static readonly string[] Months = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12];

    public static Timescale Read(string text)
    {
        var t = text.Trim();
        var lower = t.ToLowerInvariant();

        if (lower is "ongoing" or "on-going" or "continuous" or "tbc" or "n/a")
            return new(t, lower.StartsWith("on") || lower == "continuous" ? TimescaleKind.Ongoing : TimescaleKind.Unstructured, null, null, null);

        if (RelativePattern().IsMatch(lower))
            return new(t, TimescaleKind.Relative, null, null, null);

        var years = YearRange().Match(t);
        if (years.Success)
        {
            var start = new DateOnly(int.Parse(years.Groups[1].Value), 1, 1);
            var end = new DateOnly(int.Parse(years.Groups[2].Value), 12, 31);
            if (end >= start) return new(t, TimescaleKind.Range, end, start, end);
        }

        var dates = FindDates(t);
        if (lower.StartsWith("from") && dates.Count > 0)
            return new(t, TimescaleKind.OpenEnded, null, dates[0], null);
        if (lower.Contains("thereafter") || lower.Contains("each year") || lower.Contains("annually"))
            return dates.Count > 0 ? new(t, TimescaleKind.Recurring, dates[0], dates[0], null) : new(t, TimescaleKind.Unstructured, null, null, null);
        if (dates.Count >= 2 && (lower.Contains(" to ") || lower.Contains('–') || lower.Contains(" - ")))
            return new(t, TimescaleKind.Range, dates[^1], dates[0], dates[^1]);
        if (dates.Count > 0)
            return new(t, TimescaleKind.Date, dates[^1], null, null);
        return new(t, TimescaleKind.Unstructured, null, null, null);
    }

    /// <summary>Finds "31 March 2021", "March 2021" (read as the month's end), "31/03/2021" and "2021-03-31".</summary>
    private static List<DateOnly> FindDates(string text)
    {
        var found = new List<(int Index, DateOnly Date)>();
        foreach (Match m in DayMonthYear().Matches(text))
        {
            var month = MonthNumber(m.Groups[2].Value);
            var year = int.Parse(m.Groups[3].Value);
            var day = int.Parse(m.Groups[1].Value);
            if (month > 0 && day <= DateTime.DaysInMonth(year, month)) found.Add((m.Index, new DateOnly(year, month, day)));
        }
        foreach (Match m in MonthYear().Matches(text))
        {
            if (found.Any(f => Math.Abs(f.Index - m.Index) < 4)) continue;
            var month = MonthNumber(m.Groups[1].Value);
            var year = int.Parse(m.Groups[2].Value);
            if (month > 0) found.Add((m.Index, new DateOnly(year, month, DateTime.DaysInMonth(year, month))));
        }
        foreach (Match m in NumericDate().Matches(text))
        {
            if (DateOnly.TryParseExact(m.Value, ["dd/MM/yyyy", "d/M/yyyy", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                found.Add((m.Index, d));
        }
        return found.OrderBy(f => f.Index).Select(f => f.Date).ToList();
    }

    private static int MonthNumber(string name)
    {
        var i = Array.FindIndex(Months, m => m.StartsWith(name, StringComparison.OrdinalIgnoreCase) && name.Length >= 3);
        return i + 1;
    }

    [GeneratedRegex(@"^\d+\s*(-|–|to)?\s*\d*\s*months?$")]
    private static partial Regex RelativePattern();

    // A trailing full stop is how board papers often end a table cell ("2019 – 2021.").
    [GeneratedRegex(@"^(?:\D*\s)?((?:19|20)\d{2})\s*(?:-|–|to)\s*((?:19|20)\d{2})\s*\.?\s*$")]
    private static partial Regex YearRange();

    [GeneratedRegex(@"\b(\d{1,2})(?:st|nd|rd|th)?\s+(Jan\w*|Feb\w*|Mar\w*|Apr\w*|May|Jun\w*|Jul\w*|Aug\w*|Sep\w*|Oct\w*|Nov\w*|Dec\w*)\s+((?:19|20)\d{2})\b", RegexOptions.IgnoreCase)]
    private static partial Regex DayMonthYear();

    [GeneratedRegex(@"\b(Jan\w*|Feb\w*|Mar\w*|Apr\w*|May|Jun\w*|Jul\w*|Aug\w*|Sep\w*|Oct\w*|Nov\w*|Dec\w*)\s+((?:19|20)\d{2})\b", RegexOptions.IgnoreCase)]
    private static partial Regex MonthYear();

    [GeneratedRegex(@"\b(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\b")]
    private static partial Regex NumericDate();
}
