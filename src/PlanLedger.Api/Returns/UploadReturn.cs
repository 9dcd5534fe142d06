using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using PlanLedger.Actions;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using PlanLedger.Security;
using Wolverine.Http;

namespace PlanLedger.Returns;

/// <summary>One field a row would change, before and after.</summary>
public sealed record RowChange(string Field, string? Before, string? After);

/// <summary>A row of the file that changes its action (rows are numbered as a spreadsheet numbers them: the header is row 1).</summary>
public sealed record RowChanges(int Row, string Reference, IReadOnlyList<RowChange> Changes);

/// <summary>A problem with one cell (or, for column problems, the header row).</summary>
public sealed record CellProblem(int Row, string Column, string Problem);

/// <summary>What an uploaded return would do: every row's changes before → after, and every problem by row and column.</summary>
/// <param name="EventsWouldAppend">How many events committing it would append (0 when it has problems).</param>
public sealed record ReturnPreview(string Period, DateOnly EffectiveOn, int Rows, IReadOnlyList<RowChanges> Changes, IReadOnlyList<CellProblem> Problems, int EventsWouldAppend);

/// <summary>An uploaded return as the pipeline records it: its period, date and the file's SHA-256 (so a retry is recognised by its bytes).</summary>
public sealed record CsvReturn(string Period, DateOnly? EffectiveOn, string FileSha256) : IEffectiveChange;

/// <summary>
/// Reads a return template back: which rows change what, as a <see cref="PostReturn"/>, and every problem by row and column.
/// A function of the file's records, read once a row at a time, and the plan's actions as they stand: each row is checked
/// as it is read and only what it changes and its problems are kept.
/// </summary>
public static class ReturnFile
{
    /// <param name="TooLarge">Set when the file has more than <see cref="Limits.ReturnFileRows"/> rows (reading stops there).</param>
    public sealed record Reading(PostReturn? Return, IReadOnlyList<RowChanges> Changes, IReadOnlyList<CellProblem> Problems, IReadOnlyList<int> ItemRows, int Rows,
        ProblemDetails? TooLarge = null);

    public static Reading Read(IRecords reader, string period, DateOnly? effectiveOn, PlanRecord plan, IReadOnlyDictionary<string, ActionRecord> actions)
    {
        var problems = new List<CellProblem>();
        var changes = new List<RowChanges>();
        var items = new List<ReturnItem>();
        var itemRows = new List<int>();
        IReadOnlyList<string>? header;
        try { header = reader.Next(); }
        catch (FormatException e) { return Refused(new CellProblem(1, "", e.Message)); }
        if (header is null) return Refused(new CellProblem(1, "", "The file is empty: it needs the template's header row."));
        var columns = header.Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
        foreach (var unknown in columns.Where(c => !ReturnTemplate.Columns.Contains(c)))
            problems.Add(new CellProblem(1, unknown, $"Unknown column '{unknown}': the template's columns are {string.Join(", ", ReturnTemplate.Columns)}."));
        foreach (var missing in ReturnTemplate.Columns.Where(c => !columns.Contains(c)))
            problems.Add(new CellProblem(1, missing, $"Column '{missing}' is missing."));
        if (columns.Distinct().Count() != columns.Count) problems.Add(new CellProblem(1, "", "A column appears twice."));
        if (problems.Count > 0) return new(null, [], problems, [], 0);

        var seen = new HashSet<string>();
        var row = 1;
        while (true)
        {
            IReadOnlyList<string>? record;
            try { record = reader.Next(); }
            catch (FormatException e) { problems.Add(new CellProblem(row + 1, "", e.Message)); break; }
            if (record is null) break;
            row++;
            if (row - 1 > Limits.ReturnFileRows)
                return new(null, [], [], [], row - 1, Problems.Of(413, "Return file too large",
                    $"A return file holds at most {Limits.ReturnFileRows} rows besides its header; row {row} is beyond that.", "file"));
            var problemsBefore = problems.Count;
            if (record.Count == 1 && record[0].Length == 0) continue;
            if (record.Count != columns.Count)
            {
                problems.Add(new CellProblem(row, "", $"The row has {record.Count} cells where the header has {columns.Count}."));
                continue;
            }
            string Cell(string column) => CsvReader.Unguard(record[columns.IndexOf(column)]).Trim();
            void Problem(string column, string text) => problems.Add(new CellProblem(row, column, text));

            var reference = Cell("Reference");
            if (!actions.TryGetValue(reference, out var action))
            {
                Problem("Reference", $"Plan '{plan.Reference}' has no action '{reference}': references are not changed by a return.");
                continue;
            }
            if (!seen.Add(reference)) { Problem("Reference", $"Action '{reference}' appears in more than one row."); continue; }
            if (Cell("Heading") != action.Heading) Problem("Heading", $"Action '{reference}' is under heading '{action.Heading}': a return does not move actions.");
            if (Cell("Action") != action.Description.Trim()) Problem("Action", $"The action's text is not changed by a return (amend its details instead).");

            DeliveryStatus? status = null;
            var statusCell = Cell("Status");
            if (statusCell.Length > 0)
            {
                if (Enum.TryParse<DeliveryStatus>(statusCell, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(statusCell, out _)) status = parsed;
                else Problem("Status", $"'{statusCell}' is not a status: RED, AMBER, GREEN or BLUE.");
            }
            string? Text(string column, int limit)
            {
                var text = Cell(column);
                if (text.Length > limit) Problem(column, $"At most {limit} characters.");
                return text.Length == 0 ? null : text;
            }
            var update = Text("Update", Limits.Text);
            var nextSteps = Text("Next Steps", Limits.Text);
            var timescale = Text("Timescale", Limits.Title);
            if (update is null && nextSteps is not null && nextSteps != action.LatestUpdate?.NextSteps) Problem("Update", "New next steps need an update narrative.");
            if (timescale is null && action.Timescale is not null) Problem("Timescale", "A return does not clear a timescale.");
            if (problems.Count > problemsBefore) continue;

            var rowChanges = new List<RowChange>();
            var reason = $"Return for {period}";
            var updated = update is not null && (update != action.LatestUpdate?.Narrative || nextSteps != action.LatestUpdate?.NextSteps);
            if (status is { } s && s != action.Status) rowChanges.Add(new("status", action.Status?.ToString(), s.ToString()));
            if (updated)
            {
                if (update != action.LatestUpdate?.Narrative) rowChanges.Add(new("update", action.LatestUpdate?.Narrative, update));
                if (nextSteps != action.LatestUpdate?.NextSteps) rowChanges.Add(new("nextSteps", action.LatestUpdate?.NextSteps, nextSteps));
            }
            var moved = timescale is not null && timescale != action.Timescale?.Text;
            if (moved) rowChanges.Add(new("timescale", action.Timescale?.Text, timescale));
            if (rowChanges.Count == 0) continue;

            changes.Add(new RowChanges(row, reference, rowChanges));
            itemRows.Add(row);
            items.Add(new ReturnItem(reference,
                Timescale: moved ? new SetTimescale(new TimescaleInput(timescale!), $"Timescale moved in the {period} return") : null,
                ProgressUpdate: updated ? new RecordProgressUpdate(period, update!, nextSteps, status) : null,
                Status: !updated && status is { } changed && changed != action.Status ? new ChangeStatus(changed, reason) : null));
        }
        return new(problems.Count == 0 ? new PostReturn(period, items, effectiveOn) : null, changes, problems, itemRows, row - 1);

        static Reading Refused(CellProblem problem) => new(null, [], [problem], [], 0);
    }
}

public static class UploadReturnEndpoint
{
    /// <summary>
    /// A return uploaded as the plan's return template (text/csv or an .xlsx workbook, as GET …/return-template gives it, edited). With
    /// dryRun=true it answers, row by row, what would change (before → after) and every problem by row and column, and
    /// records nothing. Otherwise it records exactly that as one all-or-nothing return (Idempotency-Key: a retry of
    /// the same file is answered as the first); a file with any problem is refused (422) naming each row and column.
    /// </summary>
    /// <param name="period">The reporting period, e.g. "November 2020".</param>
    /// <param name="effectiveOn">The reporting date (yyyy-MM-dd), default today.</param>
    /// <param name="dryRun">true: answer what would change and record nothing.</param>
    [WolverinePost("/partnerships/{partnershipId}/plans/{plan}/returns/csv", Name = "UploadReturn")]
    [RequestSizeLimit(Limits.ReturnFileBytes)]
    [Tags("Returns")]
    [ProducesResponseType<ReturnPreview>(200)]
    [ProducesResponseType<ProblemDetails>(400)]
    [ProducesResponseType<ProblemDetails>(404)]
    [ProducesResponseType<ProblemDetails>(415)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static async Task<IResult> Post(string partnershipId, string plan, string? period, DateOnly? effectiveOn, bool? dryRun,
        HttpRequest request, IDocumentStore store, TimeProvider clock, LedgerWrites writes)
    {
        var media = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (media is not ("text/csv" or Xlsx.ContentType))
            return Problems.Result(415, "Unsupported media type", $"Upload the return template as text/csv or {Xlsx.ContentType}.", "Content-Type");
        if (string.IsNullOrWhiteSpace(period) || period.Length > Limits.Name)
            return Problems.Result(400, "Invalid query", $"'period' is required: 1 to {Limits.Name} characters, e.g. November 2020.", "period");
        var today = clock.PartnershipToday();
        if (effectiveOn is { } date && (date < new DateOnly(2000, 1, 1) || date > today.AddDays(1)))
            return Problems.Result(400, "Invalid query", "'effectiveOn' must be a date from 2000-01-01 up to today.", "effectiveOn");
        var token = request.HttpContext.RequestAborted;
        var (spooled, tooLarge) = await ReturnUpload.SpoolAsync(request.Body, media == Xlsx.ContentType, token);
        if (spooled is null) return tooLarge!;
        await using var upload = spooled;
        IRecords records;
        try { records = upload.Records(); }
        catch (Exception e) when (ReturnUpload.IsMalformed(e))
        {
            return Problems.Result(400, "Malformed workbook", $"The upload is not a readable .xlsx workbook: {e.Message}", "file");
        }
        using var file = records;

        if (dryRun == true)
        {
            await using var session = store.QuerySession(request.HttpContext.Partnership());
            var (planRecord, actions) = await LoadAsync(session, plan, token);
            if (planRecord is null) return Problems.Result(PlanChanges.NotFound(plan));
            var reading = ReturnFile.Read(file, period, effectiveOn, planRecord, actions);
            if (reading.TooLarge is { } over) return Problems.Result(over);
            var problems = reading.Problems.ToList();
            var events = 0;
            if (reading.Return is { } command)
            {
                var caller = request.HttpContext.Caller();
                var decision = ReturnDecision.Of(command, plan, planRecord, actions,
                    (change, fallback) => new Provenance(change.EffectiveOn ?? fallback ?? today, clock.GetUtcNow(), caller.Actor, caller.SourceSystem, null));
                events = decision.Refusal is null ? decision.EventsAppended : 0;
                problems.AddRange(ItemProblems(decision.Refusal, reading.ItemRows));
            }
            return Results.Json(new ReturnPreview(period, effectiveOn ?? today, reading.Rows, reading.Changes, problems, problems.Count == 0 ? events : 0));
        }

        return await writes.Run<CsvReturn, ReturnResult>(new CsvReturn(period, effectiveOn, upload.Sha256), async write =>
        {
            var (planRecord, actions) = await LoadAsync(write.Session, plan, write.Cancellation);
            if (planRecord is null) return PlanChanges.NotFound(plan);
            var reading = ReturnFile.Read(file, period, effectiveOn, planRecord, actions);
            if (reading.TooLarge is { } over) return over;
            if (reading.Return is not { } command) return Refusal(reading.Problems);
            var outcome = await PostReturnEndpoint.Record(command, plan, write);
            return outcome is Outcome<ReturnResult>.Refused refused && ItemProblems(refused.Problem, reading.ItemRows).ToList() is { Count: > 0 } cells
                ? Refusal(cells)
                : outcome;
        }, ownTransaction: true);
    }

    private static async Task<(PlanRecord?, IReadOnlyDictionary<string, ActionRecord>)> LoadAsync(IQuerySession session, string plan, CancellationToken token)
    {
        var record = await session.LoadAsync<PlanRecord>(PlanRecord.KeyFor(plan), token);
        var actions = await session.Query<ActionRecord>().Where(a => a.Plan == plan).ToListAsync(token);
        return (record, actions.ToDictionary(a => a.Reference));
    }

    /// <summary>A refused return's item problems, as problems of the rows the items came from.</summary>
    private static IEnumerable<CellProblem> ItemProblems(ProblemDetails? refusal, IReadOnlyList<int> itemRows) =>
        refusal?.Extensions.TryGetValue("items", out var items) == true && items is IEnumerable<ReturnItemProblem> list
            ? list.Where(i => i.Problem is not null).Select(i => new CellProblem(itemRows[i.Index], ColumnOf(i.Problem!), i.Problem!.Detail ?? i.Problem.Title ?? ""))
            : [];

    private static string ColumnOf(ProblemDetails problem) =>
        problem.Extensions.TryGetValue("errors", out var errors) && errors is IDictionary<string, string[]> fields && fields.Keys.FirstOrDefault() is { } field
            ? field switch { "reason" or "timescale" => "Timescale", "status" => "Status", _ => "Update" }
            : "";

    private static ProblemDetails Refusal(IReadOnlyList<CellProblem> cells)
    {
        var problem = Problems.Of(422, "Return refused",
            $"{cells.Count} problem(s) in the file, so nothing in it was recorded: correct the cells named and upload the whole file again.");
        problem.Extensions["cells"] = cells;
        return problem;
    }
}
