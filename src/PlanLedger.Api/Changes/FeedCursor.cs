using System.Globalization;

namespace PlanLedger.Changes;

/// <summary>
/// Where a reader of the national feed is: the last event sequence it has read in each database. With one database this
/// is one number, written as the number itself; over a pool it is written "east:120,west:98" (database order), and a
/// database missing from it (one added later) is read from its start.
/// </summary>
public sealed record FeedCursor(IReadOnlyDictionary<string, long> Positions)
{
    public long this[string database] => Positions.GetValueOrDefault(database);

    public FeedCursor With(string database, long position) =>
        new(new Dictionary<string, long>(Positions) { [database] = position });

    public override string ToString() => Positions.Count == 1
        ? Positions.Values.Single().ToString(CultureInfo.InvariantCulture)
        : string.Join(",", Positions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>
    /// Reads a cursor a feed gave (absent: the start). A plain number is a position of the only database; over a pool
    /// only 0 (the start) is, since a number cannot say which database it counts in.
    /// </summary>
    public static bool TryParse(string? text, IReadOnlyList<string> databases, out FeedCursor cursor)
    {
        cursor = new FeedCursor(databases.ToDictionary(d => d, _ => 0L));
        if (string.IsNullOrEmpty(text)) return true;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var single))
        {
            if (databases.Count != 1 && single != 0) return false;
            cursor = new FeedCursor(databases.ToDictionary(d => d, _ => single));
            return true;
        }
        if (text.Length > 2000) return false;
        var positions = databases.ToDictionary(d => d, _ => 0L);
        foreach (var part in text.Split(','))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0 || !positions.ContainsKey(part[..colon])
                || !long.TryParse(part[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var position)) return false;
            positions[part[..colon]] = position;
        }
        cursor = new FeedCursor(positions);
        return true;
    }
}
