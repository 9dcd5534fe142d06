using System.Text.Json;
using System.Text.Json.Nodes;

namespace PlanLedger.Tests.Skeleton;

/// <summary>The API contract is a file: api-spec/openapi.json must equal what the running app serves.</summary>
public sealed class ContractTests(LedgerHost host) : LedgerTest(host)
{
    public const string Regenerate = "UPDATE_API_SPEC=1 deploy/test.sh --filter FullyQualifiedName~ContractTests";

    [Fact]
    public async Task the_served_openapi_document_equals_api_spec_openapi_json()
    {
        var served = Normalise(await Host.Client.GetStringAsync("/openapi/v1.json"));
        var file = Path.Combine(RepositoryRoot(), "api-spec", "openapi.json");

        if (Environment.GetEnvironmentVariable("UPDATE_API_SPEC") == "1")
            await File.WriteAllTextAsync(file, served);

        File.Exists(file).ShouldBeTrue($"api-spec/openapi.json is missing; generate it with: {Regenerate}");
        var committed = await File.ReadAllTextAsync(file);
        committed.ShouldBe(served, $"The API contract drifted from api-spec/openapi.json. If the change is intended, regenerate it with: {Regenerate}");
    }

    [Fact]
    public async Task every_operation_is_named_described_and_documents_its_body_answers_and_errors()
    {
        var document = JsonNode.Parse(await Host.Client.GetStringAsync("/openapi/v1.json"))!;
        var ids = new HashSet<string>();
        foreach (var (path, operations) in document["paths"]!.AsObject())
        foreach (var (method, operation) in operations!.AsObject())
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            ids.Add(operation!["operationId"]!.GetValue<string>()).ShouldBeTrue($"{where}: duplicate operationId");
            operation["operationId"]!.GetValue<string>().StartsWith(method.ToUpperInvariant() + "_").ShouldBeFalse(where);
            operation["description"]?.GetValue<string>().ShouldNotBeNullOrWhiteSpace(where);
            var responses = operation["responses"]!.AsObject();
            responses.Any(r => r.Key.StartsWith("2") && r.Value!["content"] is not null).ShouldBeTrue($"{where}: no documented success body");
            responses.ContainsKey("401").ShouldBeTrue($"{where}: 401 undocumented");
            if (method == "post")
            {
                // JSON commands; a file upload (the CSV return) documents its own media type.
                var body = operation["requestBody"]!["content"]!;
                (body["application/json"] ?? body["text/csv"])!["schema"].ShouldNotBeNull(where);
                responses.ContainsKey("400").ShouldBeTrue($"{where}: 400 undocumented");
            }
        }
    }

    private static string Normalise(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PlanLedger.sln"))) return dir.FullName;
        throw new InvalidOperationException("PlanLedger.sln not found above the test binaries");
    }
}
