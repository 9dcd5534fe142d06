namespace PlanLedger.Ledger;

/// <summary>
/// "Today" for a partnership is its own date: every Scottish partnership keeps UK time (Europe/London),
/// which runs an hour ahead of UTC in summer, so just after midnight there it is still yesterday in UTC.
/// </summary>
public static class PartnershipCalendar
{
    public static readonly TimeZoneInfo Zone = FindZone();

    public static DateOnly PartnershipToday(this TimeProvider clock) => DateOf(clock.GetUtcNow());

    public static DateOnly DateOf(DateTimeOffset moment) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(moment, Zone).DateTime);

    private static TimeZoneInfo FindZone()
    {
        if (TimeZoneInfo.TryFindSystemTimeZoneById("Europe/London", out var zone)) return zone;
        // No time zone data on the machine: the UK rule since 1996, BST from 01:00 UTC on the last Sunday
        // of March to 01:00 UTC on the last Sunday of October.
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 1, 0, 0), 3, 5, DayOfWeek.Sunday),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 10, 5, DayOfWeek.Sunday));
        return TimeZoneInfo.CreateCustomTimeZone("Europe/London", TimeSpan.Zero, "UK time", "GMT", "BST", [rule]);
    }
}
