namespace PlanLedger.Infrastructure;

/// <summary>Page and page size of any paged answer (histories, slippage, attempts), checked; a page past the last is empty.</summary>
public sealed record Paging(int Page, int PageSize)
{
    public const int DefaultSize = 100;
    public const int MaxSize = 500;

    public static bool IsPage(int? page) => page is null or >= 1;
    public static bool IsPageSize(int? pageSize) => pageSize is null or (>= 1 and <= MaxSize);

    public int PagesFor(int count) => (int)Math.Ceiling(count / (double)PageSize);

    /// <summary>This page's items; a page past the last is empty (never an earlier page relabelled).</summary>
    public List<T> PageOf<T>(IEnumerable<T> items) =>
        items.Skip((int)Math.Min(int.MaxValue, ((long)Page - 1) * PageSize)).Take(PageSize).ToList();
}
