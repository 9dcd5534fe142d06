using System.Reflection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PlanLedger.Infrastructure;

/// <summary>The OpenAPI contract: what a partner needs to write a client from it alone.</summary>
public static class OpenApiDocument
{
    public const string FileName = "openapi.json";

    public static void Configure(SwaggerGenOptions c)
    {
        c.SwaggerDoc("v1", new OpenApiInfo
        {
            Title = "PlanLedger",
            Version = "v1",
            Description = "Event-sourced ledger of Scottish health and social care partnerships' improvement plans. "
                          + "Every change is an immutable event carrying its effective date and recorded time. "
                          + "Authenticate with a bearer token; writes accept Idempotency-Key and If-Match headers; errors are RFC 7807 problem details."
        });
        var xml = Path.Combine(AppContext.BaseDirectory, $"{Assembly.GetExecutingAssembly().GetName().Name}.xml");
        if (File.Exists(xml)) c.IncludeXmlComments(xml);
        c.SupportNonNullableReferenceTypes();
        c.UseAllOfToExtendReferenceSchemas();
        c.CustomSchemaIds(SchemaId);
        c.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT from the identity provider (client credentials); locally, deploy/token.sh mints one."
        });
        c.AddSecurityRequirement(doc => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", doc)] = [] });
        c.OperationFilter<WriteHeaders>();
        c.OperationFilter<NationalAnswers>();
    }

    private static string SchemaId(Type type)
    {
        if (!type.IsGenericType) return type.IsNested ? type.DeclaringType!.Name + type.Name : type.Name;
        var name = type.Name[..type.Name.IndexOf('`')];
        return name + "Of" + string.Join("And", type.GetGenericArguments().Select(SchemaId));
    }

    /// <summary>Documents the headers every write understands.</summary>
    private sealed class WriteHeaders : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var method = context.ApiDescription.HttpMethod;
            if (method is null or "GET") return;
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyConfiguration.Header, In = ParameterLocation.Header, Required = false,
                Description = "Makes a retry safe: the same key and body get the original answer and append nothing; the same key with another body gets 422.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 }
            });
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match", In = ParameterLocation.Header, Required = false,
                Description = "The ETag (version) the caller last saw; a stale one gets 412.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String }
            });
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "X-Correlation-Id", In = ParameterLocation.Header, Required = false,
                Description = "Recorded on every event the request appends.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 }
            });
        }
    }

    /// <summary>Documents what every national view answers beside its JSON: CSV text and its projection positions.</summary>
    private sealed class NationalAnswers : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (operation.Tags?.Any(t => t.Name == "National") != true
                || operation.Responses is null || !operation.Responses.TryGetValue("200", out var response) || response is not OpenApiResponse ok) return;
            if (ok.Content is not null && ok.Content.TryGetValue("text/csv", out var media) && media is OpenApiMediaType csv) csv.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
            ok.Headers ??= new Dictionary<string, IOpenApiHeader>();
            ok.Headers[National.ViewPosition.ProjectionHeader] = new OpenApiHeader
            {
                Description = "The last ledger event sequence this view includes (the daemon projects asynchronously).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }
            };
            ok.Headers[National.ViewPosition.LedgerHeader] = new OpenApiHeader
            {
                Description = "The last event sequence recorded in any partnership's ledger; the difference is the view's lag.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }
            };
        }
    }
}
