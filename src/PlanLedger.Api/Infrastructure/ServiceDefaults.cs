using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PlanLedger.Infrastructure;

/// <summary>Telemetry, structured logs and health endpoints, as every PlanLedger host has them.</summary>
public static class ServiceDefaults
{
    public const string ServiceName = "PlanLedger";

    /// <summary>
    /// Where appsettings.json is read from: the app's own folder, whatever the working directory (deploy/run.sh
    /// starts it from the repository root), unless the host is told otherwise (--contentRoot, or the
    /// ASPNETCORE_/DOTNET_CONTENTROOT variables, as the test host does). A command (codegen write, projections…)
    /// keeps the working directory: codegen writes its code under the content root, into the project.
    /// </summary>
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        ContentRootPath = (args.Length > 0 && !args[0].StartsWith('-'))
                          || args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
                          || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is not null
                          || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is not null
            ? null
            : AppContext.BaseDirectory
    };

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        // Development: one line a person can read per event; everywhere else JSON for the log pipeline.
        if (builder.Environment.IsDevelopment())
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.UseUtcTimestamp = true;
            });
        else
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });

        // With no collector to send to, recording spans and metrics would only cost every request.
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (otlp || builder.Configuration.GetValue("Ledger:Telemetry", false)) AddTelemetry(builder, otlp);
        var checks = builder.Services.AddHealthChecks()
            .AddCheck<DatabaseReadiness>("postgresql", tags: ["ready"])
            .AddCheck<TransactionHorizon>("transaction-horizon", tags: ["ready"]);
        if (LedgerCluster.IsDistributed(builder.Configuration)) checks.AddCheck<ClusterNode>("cluster-node", tags: ["ready"]);
        return builder;
    }

    private static void AddTelemetry(WebApplicationBuilder builder, bool otlp)
    {
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
            if (otlp) o.AddOtlpExporter();
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddSource("Marten", "Wolverine", LedgerTelemetry.SourceName);
                if (otlp) t.AddOtlpExporter();
            })
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentationIfPresent()
                    .AddMeter("Npgsql", "Marten", "Wolverine", LedgerTelemetry.SourceName);
                if (otlp) m.AddOtlpExporter();
            });
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealth })
            .AllowAnonymous().ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = WriteHealth
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static MeterProviderBuilder AddRuntimeInstrumentationIfPresent(this MeterProviderBuilder m) =>
        m.AddMeter("System.Runtime");

    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description
            })
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}

/// <summary>Ready means PostgreSQL answers (every database of the pool, when partnerships are spread) and the ledger's schema is in place.</summary>
internal sealed class DatabaseReadiness(LedgerDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        foreach (var (name, connectionString) in database.Probes)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(timeout.Token);
                await using var command = new NpgsqlCommand("select 1", connection);
                await command.ExecuteScalarAsync(timeout.Token);
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or System.Net.Sockets.SocketException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(database.Spread ? $"PostgreSQL of database '{name}' is unreachable" : "PostgreSQL is unreachable");
            }
        }
        return database.SchemaReady
            ? HealthCheckResult.Healthy("PostgreSQL answers")
            : HealthCheckResult.Unhealthy("PostgreSQL answers; the ledger schema is still being applied");
    }
}
