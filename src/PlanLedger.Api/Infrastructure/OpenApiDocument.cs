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
            Description = "A JWT from the identity provider (client credentials); locally, deploy/token.sh mints one. "
                          + "Its sub is the actor recorded on every change (a token without sub gets 401). A credential with the "
                          + "partner-writer role carries no other role (else 403 everywhere) and writes only to the partnerships it names."
        });
        c.AddSecurityRequirement(doc => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", doc)] = [] });
        c.OperationFilter<WriteHeaders>();
        c.OperationFilter<NamesAndErrors>();
        c.OperationFilter<WriteContract>();
        c.OperationFilter<QueryObjectDocs>();
        c.OperationFilter<RequestExamples>();
        c.OperationFilter<CsvIsText>();
        c.DocumentFilter<NoFrameworkSchemas>();
        c.SchemaFilter<ValidatorLimits>();
        c.SchemaFilter<RequiredConstructorParameters>();
    }

    /// <summary>A CSV answer is text, whatever the JSON beside it looks like.</summary>
    private sealed class CsvIsText : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (operation.Responses is not null && operation.Responses.TryGetValue("200", out var response) && response is OpenApiResponse { Content: { } content }
                && content.TryGetValue("text/csv", out var media) && media is OpenApiMediaType csv)
                csv.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
        }
    }

    private static string SchemaId(Type type)
    {
        if (type == typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails)) return "ValidationProblem";
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
            operation.Description = Docs.Summary(method) ?? (body is null ? null : Docs.Summary(body)) ?? operation.Summary;

            var tenanted = context.ApiDescription.RelativePath?.Contains("{partnershipId}") == true;
            var write = context.ApiDescription.HttpMethod is not ("GET" or "HEAD");
            operation.Responses ??= new OpenApiResponses();
            Add(operation, context, "401", "No valid bearer token.");
            Add(operation, context, "403", "The credential's role may not do this.");
            if (tenanted) Add(operation, context, "404", "The partnership, or what the path names in it, was not found (another partnership's data reads as missing).");
            if (write)
            {
                Add(operation, context, "400", "The body or a parameter is invalid; `errors` names each field.");
                // An endpoint with its own body limit (a streamed file) documents its own 413.
                if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>().Any())
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
    }

    /// <summary>The XML documentation of our own members, for descriptions.</summary>
    private static class Docs
    {
        private static readonly Lazy<System.Xml.XPath.XPathNavigator?> Xml = new(() =>
        {
            var xml = Path.Combine(AppContext.BaseDirectory, $"{typeof(OpenApiDocument).Assembly.GetName().Name}.xml");
            return File.Exists(xml) ? new System.Xml.XPath.XPathDocument(xml).CreateNavigator() : null;
        });

        public static string? Summary(System.Reflection.MemberInfo? member)
        {
            if (member is null || Xml.Value is null) return null;
            var id = member switch
            {
                Type t => $"T:{t.FullName}",
                System.Reflection.PropertyInfo p => $"P:{p.DeclaringType!.FullName!.Replace('+', '.')}.{p.Name}",
                System.Reflection.MethodInfo m => $"M:{m.DeclaringType!.FullName}.{m.Name}" + (m.GetParameters().Length == 0 ? "" :
                    "(" + string.Join(",", m.GetParameters().Select(p => XmlTypeName(p.ParameterType))) + ")"),
                _ => null
            };
            var node = id is null ? null : Xml.Value.SelectSingleNode($"/doc/members/member[@name='{id}']/summary");
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

    private static System.Reflection.MethodInfo? EndpointMethod(OperationFilterContext context) =>
        context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<Wolverine.Http.HttpChain>().FirstOrDefault()?.Method.Method;

    private static OpenApiHeader Header(string description, JsonSchemaType type = JsonSchemaType.String, string? pattern = null) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = type, Pattern = pattern } };

    /// <summary>
    /// The answers of each write as the endpoint declares them (<see cref="WriteAnswersAttribute"/>, <see cref="RefusesAttribute"/>):
    /// its success body and headers, and what each refusal means on this operation; Retry-After wherever a retry is asked for.
    /// </summary>
    private sealed class WriteContract : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            operation.Responses ??= new OpenApiResponses();
            var method = EndpointMethod(context);
            // An endpoint returning IResult gets a placeholder 200 beside the answers it declares: drop it.
            var types = context.ApiDescription.SupportedResponseTypes;
            foreach (var placeholder in types.Where(t => t.Type == typeof(IResult)).ToList())
                if (types.Any(t => t != placeholder && t.StatusCode is >= 200 and < 300)) operation.Responses.Remove(placeholder.StatusCode.ToString());
            if (operation.Responses.TryGetValue("429", out var tooMany) && tooMany is OpenApiResponse limited)
                limited.Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = Header("Seconds to wait before retrying.", JsonSchemaType.Integer) };
            operation.Responses["503"] = new OpenApiResponse
            {
                Description = "The ledger's database is unavailable; nothing was recorded. Retry after Retry-After seconds (with the same Idempotency-Key).",
                Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = Header("Seconds to wait before retrying.", JsonSchemaType.Integer) },
                Content = Problem(context)
            };
            if (method?.GetCustomAttributes(typeof(AnswersWithETagAttribute), false).Length > 0
                && operation.Responses.TryGetValue("200", out var read) && read is OpenApiResponse current)
                current.Headers = new Dictionary<string, IOpenApiHeader> { ["ETag"] = ETagHeader("The resource's version, for If-Match on the next write; absent for an as-of answer.") };

            DeclareWriteAnswers(operation, context, method);
            foreach (var (status, response) in operation.Responses.Where(r => r.Key[0] is '4' or '5'))
                if (response is OpenApiResponse { Content: null or { Count: 0 } } bare) bare.Content = Problem(context);
        }

        private static void DeclareWriteAnswers(OpenApiOperation operation, OperationFilterContext context, MethodInfo? method)
        {
            if (method?.GetCustomAttributes(typeof(WriteAnswersAttribute), true).FirstOrDefault() is not WriteAnswersAttribute answers || operation.Responses is null) return;
            var written = context.SchemaGenerator.GenerateSchema(typeof(Written<>).MakeGenericType(answers.Resource), context.SchemaRepository);
            if (answers.Success != 200 && !answers.RepeatIsUnchanged) operation.Responses.Remove("200");
            foreach (var status in answers.RepeatIsUnchanged && answers.Success != 200 ? new[] { answers.Success, 200 } : [answers.Success])
            {
                var headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Idempotent-Replayed"] = Header("\"true\" when this is the stored answer to an earlier request with the same Idempotency-Key (nothing was appended now).", pattern: "^true$")
                };
                if (answers.HasETag) headers["ETag"] = ETagHeader("The resource's version after the write, for If-Match on the next one.");
                if (status == 201) headers["Location"] = Header("The path of the created resource.");
                operation.Responses[status.ToString()] = new OpenApiResponse
                {
                    Description = status == 201 ? "Created: the events were appended (outcome Appended)."
                        : answers.Success == 201 ? "The same thing already exists: nothing was appended (outcome Unchanged)."
                        : "Recorded (outcome Appended), or nothing to change (outcome Unchanged, nothing appended).",
                    Headers = headers,
                    Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = written } }
                };
            }

            var refusals = answers.Refusals
                .Concat(method.GetCustomAttributes(typeof(RefusesAttribute), false).Cast<RefusesAttribute>().Select(r => (Status: r.Status, Meaning: r.Meaning)))
                .Append((400, "Or an If-Match, If-None-Match or Idempotency-Key header is malformed."))
                .Append((422, "Or the Idempotency-Key was already used for a different request."));
            foreach (var group in refusals.GroupBy(r => r.Item1))
            {
                var description = string.Join(" ", group.Select(r => r.Item2));
                if (operation.Responses.TryGetValue(group.Key.ToString(), out var existing) && existing is OpenApiResponse response)
                    response.Description = group.Key is 400 ? response.Description + " " + description : Sentence(description);
                else operation.Responses[group.Key.ToString()] = new OpenApiResponse { Description = Sentence(description) };
            }
        }

        /// <summary>"Or the key was reused." alone reads "The key was reused.".</summary>
        private static string Sentence(string meanings) => meanings.StartsWith("Or ") ? char.ToUpperInvariant(meanings[3]) + meanings[4..] : meanings;

        private static OpenApiHeader ETagHeader(string description) => Header(description + " A strong entity tag: the version number in quotes, e.g. \"3\".", pattern: "^\"[0-9]+\"$");

        private static Dictionary<string, IOpenApiMediaType> Problem(OperationFilterContext context) => new()
        {
            ["application/problem+json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository) }
        };
    }

    /// <summary>Query parameters bound from an object ([AsParameters]) take their description from the object's property docs.</summary>
    private sealed class QueryObjectDocs : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var method = EndpointMethod(context);
            if (method is null || operation.Parameters is null) return;
            var objects = method.GetParameters().Where(p => p.GetCustomAttributes(typeof(AsParametersAttribute), false).Length > 0).Select(p => p.ParameterType).ToList();
            foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.Description is null))
            {
                var property = objects.SelectMany(t => t.GetProperties())
                    .FirstOrDefault(p => (p.GetCustomAttributes(typeof(Microsoft.AspNetCore.Mvc.FromQueryAttribute), false).FirstOrDefault() as Microsoft.AspNetCore.Mvc.FromQueryAttribute)?.Name == parameter.Name
                                         || string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
                if (property is not null) parameter.Description = Docs.Summary(property);
            }
        }
    }

    /// <summary>The limits a body's FluentValidation validator sets, in its schema: maxLength, minLength, minimum, maximum.</summary>
    private sealed class ValidatorLimits(IServiceProvider services) : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema concrete || concrete.Properties is null) return;
            if (services.GetService(typeof(FluentValidation.IValidator<>).MakeGenericType(context.Type)) is not FluentValidation.IValidator validator) return;
            var descriptor = validator.CreateDescriptor();
            foreach (var (name, property) in concrete.Properties)
            {
                if (property is not OpenApiSchema target) continue;
                foreach (var rule in descriptor.GetRulesForMember(char.ToUpperInvariant(name[0]) + name[1..]))
                {
                    // RuleForEach limits each element of a list, not the list.
                    var each = rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(FluentValidation.ICollectionRule<,>));
                    if ((each ? target.Items : target) is not OpenApiSchema limited) continue;
                    foreach (var component in rule.Components) Limit(limited, component.Validator);
                }
            }
        }

        private static void Limit(OpenApiSchema property, FluentValidation.Validators.IPropertyValidator rule)
        {
            switch (rule)
            {
                case FluentValidation.Validators.ILengthValidator length:
                    if (length.Max > 0) property.MaxLength = length.Max;
                    if (length.Min > 0) property.MinLength = length.Min;
                    break;
                case FluentValidation.Validators.INotEmptyValidator when property.Type?.HasFlag(JsonSchemaType.String) == true:
                    property.MinLength ??= 1;
                    break;
                case FluentValidation.Validators.IBetweenValidator between when between.From is IConvertible from && between.To is IConvertible to:
                    property.Minimum = from.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    property.Maximum = to.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }
    }

    /// <summary>Every request body shows an example: the command's own <c>Example</c>, serialised as the API reads it.</summary>
    private sealed class RequestExamples : IOperationFilter
    {
        private static readonly System.Text.Json.JsonSerializerOptions Json = LedgerHttp.Configure(new System.Text.Json.JsonSerializerOptions());

        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var body = context.ApiDescription.ParameterDescriptions.FirstOrDefault(p => p.Source.Id == "Body")?.Type;
            var example = body?.GetProperty("Example", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
            if (example is null || operation.RequestBody?.Content is null) return;
            foreach (var media in operation.RequestBody.Content.Values.OfType<OpenApiMediaType>())
                media.Example = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(example, body!, Json));
        }
    }

    /// <summary>Endpoints that answer an IResult leave a framework schema behind once their real answers are declared.</summary>
    private sealed class NoFrameworkSchemas : IDocumentFilter
    {
        public void Apply(Microsoft.OpenApi.OpenApiDocument document, DocumentFilterContext context) => document.Components?.Schemas?.Remove("IResult");
    }
}
