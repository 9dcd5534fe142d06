using Microsoft.OpenApi;
using PlanLedger.Infrastructure;
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
            Description = "The plan's return template (GET …/return-template), edited: RFC 4180 CSV with the header row, or the .xlsx workbook.",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["text/csv"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                [Xlsx.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } }
            }
        };
    }
}
