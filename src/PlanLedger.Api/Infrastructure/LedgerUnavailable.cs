using System.Net.Sockets;
using Npgsql;

namespace PlanLedger.Infrastructure;

/// <summary>
/// Whether a failure means PostgreSQL cannot be reached or cannot serve now (down, restarting, out of
/// connections), however Marten or Weasel wrapped it: the client should retry later (503, Retry-After).
/// </summary>
public static class LedgerUnavailable
{
    public const int RetryAfterSeconds = 5;

    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(Is)) return true;
            if (e is PostgresException p) return p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is "57P01" or "57P02" or "57P03" or "53300";
            if (e is NpgsqlException { IsTransient: true } or SocketException or TimeoutException) return true;
        }
        return false;
    }

    public static void Answer(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
