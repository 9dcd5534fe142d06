namespace PlanLedger.Ledger;

/// <summary>How many ratings stand at each level of the scale; NotRated counts those with no rating.</summary>
public sealed record RatingCounts(int NotYetEstablished, int PartlyEstablished, int Established, int Exemplary, int NotRated)
{
    public static RatingCounts Of(IEnumerable<Rating?> ratings)
    {
        var list = ratings.ToList();
        int Count(Rating? level) => list.Count(r => r == level);
        return new(Count(Rating.NotYetEstablished), Count(Rating.PartlyEstablished), Count(Rating.Established), Count(Rating.Exemplary), Count(null));
    }

    public static readonly string[] Columns = ["notYetEstablished", "partlyEstablished", "established", "exemplary", "notRated"];

    public object?[] Cells() => [NotYetEstablished, PartlyEstablished, Established, Exemplary, NotRated];
}
