using Microsoft.OpenApi;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PlanLedger.Returns;

/// <summary>Returns as files: the template download and the CSV upload (no store configuration of their own).</summary>
public sealed class ReturnsModule : ILedgerModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.ConfigureSwaggerGen(c => c.OperationFilter<CsvUploadBody>());
}

/// <summary>Documents the CSV upload's body, which the endpoint reads itself rather than binding JSON.</summary>
internal sealed class CsvUploadBody : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.HttpMethod != "POST" || context.ApiDescription.RelativePath?.EndsWith("/returns/csv") != true) return;
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"The plan's return template (GET …/return-template), edited: RFC 4180 CSV with the header row, or the .xlsx workbook. " +
                $"At most {Limits.ReturnFileRows} rows besides the header and {Limits.ReturnFileBytes} bytes ({Limits.ReturnFileBytes / (1024 * 1024)} MiB); " +
                "the file is read a row at a time, so its size does not change the memory an upload takes.",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["text/csv"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = System.Text.Json.Nodes.JsonValue.Create(Csv.Write(ReturnTemplate.Example))
                },
                [Xlsx.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } }
            }
        };
        // With dryRun=true the answer is the preview; otherwise what the return recorded, as every write answers.
        var preview = context.SchemaGenerator.GenerateSchema(typeof(ReturnPreview), context.SchemaRepository);
        var written = context.SchemaGenerator.GenerateSchema(typeof(Written<Actions.ReturnResult>), context.SchemaRepository);
        operation.Responses ??= new OpenApiResponses();
        operation.Responses["413"] = new OpenApiResponse
        {
            Description = $"The file is over {Limits.ReturnFileBytes} bytes, or has more than {Limits.ReturnFileRows} rows besides its header: nothing was recorded.",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository) }
            }
        };
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = "dryRun=true: what would change, row by row, and every problem (nothing recorded). Otherwise: the return recorded (outcome Appended) or nothing to change (Unchanged).",
            Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Idempotent-Replayed"] = new OpenApiHeader
                {
                    Description = "\"true\" when this is the stored answer to an earlier upload with the same Idempotency-Key (nothing was appended now).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^true$" }
                }
            },
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchema { OneOf = [preview, written] } }
            }
        };
    }
}
