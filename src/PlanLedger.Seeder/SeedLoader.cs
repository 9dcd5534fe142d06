using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PlanLedger.Actions;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using PlanLedger.Partnerships;
using PlanLedger.Plans;
using PlanLedger.Reports;
using PlanLedger.SelfAssessments;

namespace PlanLedger.Seeder;

/// <summary>What a seed load posted, and how many events the ledger appended for it.</summary>
/// <param name="Partnerships">Partnerships onboarded (or found already onboarded).</param>
/// <param name="Plans">Plans registered.</param>
/// <param name="Reports">Committee reports recorded (covering report and the plans they cover).</param>
/// <param name="Headings">Headings added.</param>
/// <param name="HeadingStatuses">Headings' own statuses posted.</param>
/// <param name="Actions">Actions added.</param>
/// <param name="Milestones">Milestones added.</param>
/// <param name="Delays">Delays recorded (with or without a new date).</param>
/// <param name="Completions">Actions completed as the documents show them.</param>
/// <param name="ProgressUpdates">Progress updates posted (as return items).</param>
/// <param name="Returns">Returns posted (one per plan, period and reporting date).</param>
/// <param name="Ratings">Self-assessment ratings recorded.</param>
/// <param name="Revisions">Rating revisions recorded.</param>
/// <param name="Requests">HTTP writes sent (retries of a refused-for-rate request not counted twice).</param>
/// <param name="Replayed">Writes the API answered from an earlier request with the same Idempotency-Key.</param>
/// <param name="Unchanged">Writes the API answered "Unchanged" (nothing to append).</param>
/// <param name="EventsAppended">Sum of "eventsAppended" over the answers that were not replays.</param>
/// <param name="Elapsed">Wall-clock time of the load.</param>
public sealed record SeedSummary(
    int Partnerships,
    int Plans,
    int Reports,
    int Headings,
    int HeadingStatuses,
    int Actions,
    int Milestones,
    int Delays,
    int Completions,
    int ProgressUpdates,
    int Returns,
    int Ratings,
    int Revisions,
    int Requests,
    int Replayed,
    int Unchanged,
    int EventsAppended,
    TimeSpan Elapsed)
{
    public override string ToString() => string.Join(Environment.NewLine,
        $"partnerships      {Partnerships}",
        $"plans             {Plans}",
        $"committee reports {Reports}",
        $"headings          {Headings} ({HeadingStatuses} heading statuses)",
        $"actions           {Actions}",
        $"milestones        {Milestones}",
        $"delays            {Delays}",
        $"completions       {Completions}",
        $"progress updates  {ProgressUpdates} (in {Returns} return{(Returns == 1 ? "" : "s")})",
        $"ratings           {Ratings}",
        $"revisions         {Revisions}",
        $"requests          {Requests} ({Replayed} replayed, {Unchanged} unchanged)",
        $"events appended   {EventsAppended}",
        $"elapsed           {Elapsed.TotalSeconds:0.0} s");
}

/// <summary>A write the API refused (any non-2xx answer).</summary>
public sealed class SeedLoadException(string method, string path, int status, string body)
    : Exception($"{method} {path} answered {status}: {body}")
{
    public string Method { get; } = method;
    public string Path { get; } = path;
    public int Status { get; } = status;
    public string Body { get; } = body;
}

/// <summary>
/// Loads the seed documents through the public HTTP API, as each partnership's partner system would post them:
/// the admin onboards the partnerships, then a partner-writer credential per partnership registers its plans,
/// headings, actions, milestones, returns, ratings and revisions. Every write carries a deterministic
/// Idempotency-Key, so a second load appends nothing.
/// </summary>
public static class SeedLoader
{
    public const string AdminRole = "admin";
    public const string WriterRole = "partner-writer";

    /// <summary>The client name a partnership's partner system uses, e.g. "orkney-partner-system".</summary>
    public static string ClientFor(string partnership) => $"{partnership}-partner-system";

    /// <param name="client">An HttpClient whose BaseAddress is the API.</param>
    /// <param name="seedsDirectory">The seeds/ directory (partnerships.json, plans/*.json).</param>
    /// <param name="tokenFor">A bearer token for a role and, for partner roles, the one partnership it may write to.</param>
    public static async Task<SeedSummary> LoadAsync(HttpClient client, string seedsDirectory,
        Func<string, string?, string> tokenFor, CancellationToken ct = default)
    {
        var seeds = SeedSet.Read(seedsDirectory);
        var run = new Run(client, tokenFor, ct);
        var clock = Stopwatch.StartNew();

        foreach (var p in seeds.Partnerships)
        {
            await run.Post(AdminRole, null, "/partnerships", $"seed/partnership/{p.Id}",
                new OnboardPartnership(p.Id, p.Name, p.IntegrationAuthority, p.StatutoryPartners));
            run.Partnerships++;
        }

        foreach (var file in seeds.Plans)
            await LoadPlan(run, file);

        // Last: a report's appendix is what the ledger knew when the report was recorded.
        foreach (var r in seeds.Reports)
        {
            await run.Post(WriterRole, r.Partnership, $"/partnerships/{E(r.Partnership)}/reports", $"seed/{r.Partnership}/report/{r.Report.Reference}",
                new RecordCommitteeReport(r.Report, r.EffectiveOn));
            run.Reports++;
        }

        return new SeedSummary(run.Partnerships, run.Plans, run.Reports, run.Headings, run.HeadingStatuses, run.Actions, run.Milestones, run.Delays, run.Completions, run.ProgressUpdates,
            run.Returns, run.Ratings, run.Revisions, run.Requests, run.Replayed, run.Unchanged, run.EventsAppended, clock.Elapsed);
    }

    private static async Task LoadPlan(Run run, PlanFile file)
    {
        var p = file.Partnership;
        var plan = file.Plan;
        var planPath = $"/partnerships/{E(p)}/plans/{E(plan.Reference)}";
        var keyBase = $"seed/{p}/{plan.Reference}";

        var approved = plan.Status == nameof(PlanStatus.Approved);
        if (approved != plan.ApprovedOn is not null)
            throw new InvalidDataException($"Plan '{plan.Reference}' of {p} has status {plan.Status} but approvedOn {plan.ApprovedOn?.ToString() ?? "null"}.");
        await run.Post(WriterRole, p, $"/partnerships/{E(p)}/plans", $"{keyBase}/plan",
            new RegisterPlan(plan.Reference, Parse<PlanKind>(plan.Kind), plan.Title, plan.VersionLabel, plan.ApprovingBody, plan.ApprovedOn,
                EffectiveOn: plan.RegisteredOn, PriorityThemes: plan.PriorityThemes), plan.Note);
        run.Plans++;

        foreach (var h in file.Headings)
        {
            await run.Post(WriterRole, p, $"{planPath}/headings", $"{keyBase}/heading/{h.Reference}",
                new AddHeading(h.Reference, Parse<HeadingKind>(h.Kind), h.Title, h.Proposal, EffectiveOn: plan.RegisteredOn));
            run.Headings++;
        }

        foreach (var a in file.Actions)
        {
            // No initial status: none of the plans gives one when the action is added; a RAG arrives with a progress update.
            await run.Post(WriterRole, p, $"{planPath}/actions", $"{keyBase}/action/{a.Reference}",
                new AddAction(a.Reference, a.Heading, a.Description, a.Comment, a.Measures,
                    a.Leads.Select(l => new Lead(l.Name, l.Role, l.Organisation)).ToList(),
                    a.Timescale is null ? null : new TimescaleInput(a.Timescale),
                    Status: null, a.CrossReferences, a.PriorityThemes, a.NationalOutcomes, EffectiveOn: a.AddedOn,
                    ProgressReportDue: a.ProgressReportDue), a.Note);
            run.Actions++;

            for (var i = 0; i < a.Milestones.Count; i++)
            {
                var m = a.Milestones[i];
                await run.Post(WriterRole, p, $"{planPath}/actions/{E(a.Reference)}/milestones", $"{keyBase}/action/{a.Reference}/milestone/{i + 1}",
                    new AddMilestone(m.Description, m.Due, m.DueText, m.Done, EffectiveOn: a.AddedOn));
                run.Milestones++;
            }
        }

        // One return per reporting period and date: the whole board-cycle update arrives in one all-or-nothing post.
        foreach (var period in file.ProgressUpdates.GroupBy(u => (u.Period, u.EffectiveOn)))
        {
            var items = period.Select(u => new ReturnItem(u.Action,
                ProgressUpdate: new RecordProgressUpdate(u.Period, u.Narrative, u.NextSteps,
                    u.Status is null ? null : Parse<DeliveryStatus>(u.Status)))).ToList();
            await run.Post(WriterRole, p, $"{planPath}/returns", $"{keyBase}/return/{period.Key.EffectiveOn:yyyy-MM-dd}",
                new PostReturn(period.Key.Period, items, period.Key.EffectiveOn));
            run.Returns++;
            run.ProgressUpdates += items.Count;
        }

        foreach (var h in file.HeadingStatuses ?? [])
        {
            await run.Post(WriterRole, p, $"{planPath}/headings/{E(h.Heading)}/status", $"{keyBase}/heading/{h.Heading}/status/{h.EffectiveOn:yyyy-MM-dd}",
                new ChangeHeadingStatus(Parse<DeliveryStatus>(h.Status), h.Reason, h.Period, h.EffectiveOn));
            run.HeadingStatuses++;
        }

        foreach (var d in file.Delays ?? [])
        {
            await run.Post(WriterRole, p, $"{planPath}/actions/{E(d.Action)}/delays", $"{keyBase}/action/{d.Action}/delay/{d.EffectiveOn:yyyy-MM-dd}",
                new RecordDelay(d.Reason, d.NewTimescale is null ? null : new TimescaleInput(d.NewTimescale), d.EffectiveOn));
            run.Delays++;
        }

        foreach (var c in file.Completions ?? [])
        {
            await run.Post(WriterRole, p, $"{planPath}/actions/{E(c.Action)}/completion", $"{keyBase}/action/{c.Action}/completion",
                new CompleteAction(c.Reason, c.EffectiveOn), c.Note);
            run.Completions++;
        }

        foreach (var s in file.SelfAssessments)
        {
            await run.Post(WriterRole, p, $"/partnerships/{E(p)}/self-assessments/{E(s.Proposal)}", $"seed/{p}/self-assessment/{s.Proposal}",
                new RecordRating(RatingOf(s.Rating), s.Evidence, s.ProposedImprovementActions, s.AssessedBy, plan.Reference, s.AssessedOn), s.Note);
            run.Ratings++;
        }

        foreach (var r in file.RatingRevisions)
        {
            await run.Post(WriterRole, p, $"/partnerships/{E(p)}/self-assessments/{E(r.Proposal)}/revisions",
                $"seed/{p}/self-assessment/{r.Proposal}/revision/{r.RevisedOn:yyyy-MM-dd}",
                new ReviseRating(RatingOf(r.To), r.Reason, EffectiveOn: r.RevisedOn), r.Note);
            run.Revisions++;
        }
    }

    /// <summary>"Not yet established" → NotYetEstablished, and so on along the MSG scale.</summary>
    public static Rating RatingOf(string text) => text.Trim().ToLowerInvariant() switch
    {
        "not yet established" => Rating.NotYetEstablished,
        "partly established" => Rating.PartlyEstablished,
        "established" => Rating.Established,
        "exemplary" => Rating.Exemplary,
        _ => throw new InvalidDataException($"'{text}' is not on the MSG self-assessment scale.")
    };

    private static T Parse<T>(string value) where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new InvalidDataException($"'{value}' is not a {typeof(T).Name} ({string.Join(", ", Enum.GetNames<T>())}).");

    private static string E(string segment) => Uri.EscapeDataString(segment);

    private sealed class Run(HttpClient client, Func<string, string?, string> tokenFor, CancellationToken ct)
    {
        private static readonly JsonSerializerOptions Json = LedgerHttp.Configure(new JsonSerializerOptions());
        private const int Attempts = 6;
        private readonly Dictionary<(string, string?), string> _tokens = new();

        public int Partnerships, Plans, Reports, Headings, HeadingStatuses, Delays, Completions, Actions, Milestones, ProgressUpdates, Returns, Ratings, Revisions;
        public int Requests, Replayed, Unchanged, EventsAppended;

        /// <param name="note">A reading the document does not state in its words, recorded on the events (Ledger-Note).</param>
        public async Task Post(string role, string? partnership, string path, string idempotencyKey, object command, string? note = null)
        {
            if (!_tokens.TryGetValue((role, partnership), out var token))
                _tokens[(role, partnership)] = token = tokenFor(role, partnership);
            var body = JsonSerializer.Serialize(command, command.GetType(), Json);
            Requests++;

            for (var attempt = 1; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json")
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Add(IdempotencyConfiguration.Header, idempotencyKey);
                if (note is not null) request.Headers.Add(Provenance.NoteHeader, Uri.EscapeDataString(note));
                using var response = await client.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);

                // Partner systems retry what the API asks them to retry; the Idempotency-Key makes that safe.
                if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && attempt < Attempts)
                {
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250 * attempt);
                    await Task.Delay(wait, ct);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw new SeedLoadException("POST", path, (int)response.StatusCode, text);

                Count(response, path, text);
                return;
            }
        }

        private void Count(HttpResponseMessage response, string path, string text)
        {
            if (response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true"))
            {
                // The answer is the original one, events and all; this request appended nothing.
                Replayed++;
                return;
            }
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                if (root.TryGetProperty("outcome", out var outcome) && outcome.GetString() == "Unchanged") Unchanged++;
                EventsAppended += root.GetProperty("eventsAppended").GetInt32();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new SeedLoadException("POST", path, (int)response.StatusCode, $"not a write answer ({e.Message}): {text}");
            }
        }
    }
}
