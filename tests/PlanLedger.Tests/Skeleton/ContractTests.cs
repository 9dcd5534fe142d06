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

    [Fact]
    public async Task the_contract_declares_what_every_write_answers_and_every_limit()
    {
        var document = JsonNode.Parse(await Host.Client.GetStringAsync("/openapi/v1.json"))!;
        var text = document.ToJsonString();
        foreach (var dotnet in new[] { "IResult", "System.", "PlanLedger." }) text.Contains(dotnet, StringComparison.Ordinal).ShouldBeFalse($"the contract names {dotnet}");
        var schemas = document["components"]!["schemas"]!.AsObject();

        foreach (var (path, operations) in document["paths"]!.AsObject())
        foreach (var (method, operation) in operations!.AsObject())
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            foreach (var parameter in operation!["parameters"]?.AsArray() ?? [])
                if (parameter!["in"]!.GetValue<string>() != "path") parameter["description"].ShouldNotBeNull($"{where}: parameter {parameter["name"]} undescribed");
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                response!["description"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace($"{where} {status}");
                if (status[0] is '4' or '5') response["content"]!["application/problem+json"].ShouldNotBeNull($"{where} {status}: no problem body");
                if (status is "429" or "503") response["headers"]!["Retry-After"].ShouldNotBeNull($"{where} {status}");
            }
            if (method != "post") continue;

            var content = operation["requestBody"]!["content"]!.AsObject();
            var body = content["application/json"] ?? content.First().Value!;
            var bodySchema = body["schema"]?["$ref"]?.GetValue<string>() is { } bodyRef ? schemas[bodyRef.Split('/').Last()]! : body["schema"];
            if (bodySchema?["type"]?.GetValue<string>() != "object" || bodySchema["properties"] is not null)
                body["example"].ShouldNotBeNull($"{where}: no example body");
            // A ledger write (it takes an Idempotency-Key) declares the headers of its answers.
            var ledgerWrite = operation["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == "Idempotency-Key") == true;
            foreach (var (status, response) in operation["responses"]!.AsObject().Where(r => ledgerWrite && r.Key[0] == '2'))
            {
                var headers = response!["headers"]!.AsObject();
                headers.ContainsKey("Idempotent-Replayed").ShouldBeTrue($"{where} {status}");
                if (!path.Contains("/returns")) headers.ContainsKey("ETag").ShouldBeTrue($"{where} {status}: no ETag declared");
                if (status == "201") headers.ContainsKey("Location").ShouldBeTrue($"{where} 201: no Location declared");
            }
            foreach (var (property, schema) in StringProperties(schemas, body["schema"]!, new HashSet<string>()))
                schema["maxLength"].ShouldNotBeNull($"{where}: '{property}' has no maxLength");
        }
    }

    /// <summary>Every free-text string property a request schema reaches, through references, arrays and allOf.</summary>
    private static IEnumerable<(string Name, JsonNode Schema)> StringProperties(JsonObject schemas, JsonNode schema, HashSet<string> seen)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var name = reference.Split('/').Last();
            if (!seen.Add(name)) yield break;
            schema = schemas[name]!;
        }
        if (schema["enum"] is not null) yield break;
        foreach (var part in schema["allOf"]?.AsArray() ?? [])
            foreach (var found in StringProperties(schemas, part!, seen)) yield return found;
        if (schema["items"] is { } items)
        {
            if (items["type"]?.GetValue<string>() == "string" && items["format"] is null && items["enum"] is null) yield return ("[]", items);
            foreach (var found in StringProperties(schemas, items, seen)) yield return found;
        }
        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            if (property!["type"]?.GetValue<string>() == "string" && property["format"] is null && property["enum"] is null) yield return (name, property);
            foreach (var found in StringProperties(schemas, property, seen)) yield return found;
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
