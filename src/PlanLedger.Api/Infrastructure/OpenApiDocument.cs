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
        c.OperationFilter<NamesAndErrors>();
        c.SchemaFilter<RequiredConstructorParameters>();
        c.OperationFilter<NationalAnswers>();
    }

    private static string SchemaId(Type type)
    {
        if (!type.IsGenericType) return type.IsNested ? type.DeclaringType!.Name + type.Name : type.Name;
        var name = type.Name[..type.Name.IndexOf('`')];
        return name + "Of" + string.Join("And", type.GetGenericArguments().Select(SchemaId));
    }

    /// <summary>
    /// Operation ids, summaries and descriptions from the endpoint's name and XML docs (Wolverine's
    /// own are generated names), and the errors every operation can answer.
    /// </summary>
    private sealed class NamesAndErrors : IOperationFilter
    {
        private static readonly Lazy<System.Xml.XPath.XPathNavigator?> Docs = new(() =>
        {
            var xml = Path.Combine(AppContext.BaseDirectory, $"{typeof(OpenApiDocument).Assembly.GetName().Name}.xml");
            return File.Exists(xml) ? new System.Xml.XPath.XPathDocument(xml).CreateNavigator() : null;
        });

        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            var method = metadata.OfType<Wolverine.Http.HttpChain>().FirstOrDefault()?.Method.Method;
            var name = method?.GetCustomAttributes(typeof(Wolverine.Http.WolverineHttpMethodAttribute), false)
                .OfType<Wolverine.Http.WolverineHttpMethodAttribute>().FirstOrDefault()?.Name;
            if (name is not null)
            {
                operation.OperationId = name;
                operation.Summary = System.Text.RegularExpressions.Regex.Replace(name, "(?<=[a-z])([A-Z])", " $1");
                operation.Summary = operation.Summary[..1] + operation.Summary[1..].ToLowerInvariant();
            }
            var body = context.ApiDescription.ParameterDescriptions.FirstOrDefault(p => p.Source.Id == "Body")?.Type;
            operation.Description = Summary(method) ?? (body is null ? null : Summary(body)) ?? operation.Summary;

            var tenanted = context.ApiDescription.RelativePath?.Contains("{partnershipId}") == true;
            var write = context.ApiDescription.HttpMethod is not ("GET" or "HEAD");
            operation.Responses ??= new OpenApiResponses();
            Add(operation, context, "401", "No valid bearer token.");
            Add(operation, context, "403", "The credential's role may not do this.");
            if (tenanted) Add(operation, context, "404", "The partnership, or what the path names in it, was not found (another partnership's data reads as missing).");
            if (write)
            {
                Add(operation, context, "400", "The body or a parameter is invalid; `errors` names each field.");
                Add(operation, context, "413", "The body is over 1 MiB.");
                Add(operation, context, "422", "A business rule refused the change, or an Idempotency-Key was reused for another request.");
            }
            Add(operation, context, "429", "Too many requests from this client; retry after Retry-After seconds.");
        }

        private static void Add(OpenApiOperation operation, OperationFilterContext context, string status, string description)
        {
            if (operation.Responses!.TryGetValue(status, out var existing))
            {
                if (existing is OpenApiResponse response) response.Description = description;
                return;
            }
            operation.Responses[status] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["application/problem+json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository) }
                }
            };
        }

        private static string? Summary(System.Reflection.MemberInfo? member)
        {
            if (member is null || Docs.Value is null) return null;
            var id = member switch
            {
                Type t => $"T:{t.FullName}",
                System.Reflection.MethodInfo m => $"M:{m.DeclaringType!.FullName}.{m.Name}" + (m.GetParameters().Length == 0 ? "" :
                    "(" + string.Join(",", m.GetParameters().Select(p => XmlTypeName(p.ParameterType))) + ")"),
                _ => null
            };
            var node = id is null ? null : Docs.Value.SelectSingleNode($"/doc/members/member[@name='{id}']/summary");
            return node is null ? null : System.Text.RegularExpressions.Regex.Replace(node.InnerXml, @"<see cref=""\w:[\w.]*?([\w]+)""\s*/>", "$1")
                .Replace("&amp;", "&").Trim().ReplaceLineEndings(" ").Replace("  ", " ");
        }

        private static string XmlTypeName(Type t) =>
            t.IsGenericType
                ? $"{t.Namespace}.{t.Name[..t.Name.IndexOf('`')]}{{{string.Join(",", t.GetGenericArguments().Select(XmlTypeName))}}}"
                : t.FullName!.Replace('+', '.');
    }

    /// <summary>A record's constructor parameter without a default is required in JSON too.</summary>
    private sealed class RequiredConstructorParameters : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema concrete || concrete.Properties is null || !context.Type.IsClass || context.Type.Namespace?.StartsWith("PlanLedger") != true) return;
            var constructor = context.Type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
            if (constructor is null) return;
            foreach (var parameter in constructor.GetParameters().Where(p => !p.HasDefaultValue))
            {
                var property = concrete.Properties.Keys.FirstOrDefault(k => string.Equals(k, parameter.Name, StringComparison.OrdinalIgnoreCase));
                if (property is null) continue;
                concrete.Required ??= new HashSet<string>();
                concrete.Required.Add(property);
            }
        }
    }

    /// <summary>Documents the headers every write understands.</summary>
    private sealed class WriteHeaders : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var method = context.ApiDescription.HttpMethod;
            if (method is null or "GET") return;
            // Webhook subscriptions are not ledger writes: no idempotency keys, versions or correlation ids.
            if (operation.Tags?.Any(t => t.Name == "Webhooks") == true) return;
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
