using Microsoft.CodeAnalysis;
using TypedConnectors.Testing;

namespace TypedConnectors.Generator.Tests;

public class GenerationTests
{
    [Fact]
    public void Canonical_connector_generates_expected_source()
    {
        var run = GeneratorHarness.Run(new[] { TestFiles.Connector("acme.connector.json") });

        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Match(run.AllSources, "Acme");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Generated_code_compiles_without_errors_or_warnings(bool withHttpClientFactory)
    {
        var run = GeneratorHarness.Run(new[] { TestFiles.Connector("acme.connector.json") }, withHttpClientFactory: withHttpClientFactory);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        var hasDi = run.Sources.Any(s => s.SourceText.ToString().Contains("AddAcmeClient(", StringComparison.Ordinal));
        Assert.Equal(withHttpClientFactory, hasDi);
    }

    [Fact]
    public void Namespace_comes_from_root_namespace_and_slug_and_can_be_overridden()
    {
        var file = TestFiles.Connector("acme.connector.json");
        var byDefault = GeneratorHarness.Run(new[] { file }, rootNamespace: "Contoso.App");
        Assert.NotNull(byDefault.OutputCompilation.GetTypeByMetadataName("Contoso.App.Acme.AcmeClient"));

        var overridden = GeneratorHarness.Run(
            new[]
            {
                file with
                {
                    Metadata = new Dictionary<string, string>
                    {
                        ["TypedConnectorsNamespace"] = "My.Crm",
                        ["TypedConnectorsClientName"] = "CrmClient",
                    },
                },
            }
        );
        Assert.NotNull(overridden.OutputCompilation.GetTypeByMetadataName("My.Crm.CrmClient"));
        Assert.NotNull(overridden.OutputCompilation.GetTypeByMetadataName("My.Crm.CrmConnection"));
        Assert.Empty(overridden.CompileDiagnostics);
    }

    [Fact]
    public void Generated_members_follow_the_connector_file()
    {
        var run = GeneratorHarness.Run(new[] { TestFiles.Connector("acme.connector.json") }, rootNamespace: "App");
        var client = run.OutputCompilation.GetTypeByMetadataName("App.Acme.AcmeClient")!;

        var get = (IMethodSymbol)client.GetMembers("GetCustomerAsync").Single();
        Assert.Equal(new[] { "customerId", "include", "options", "cancellationToken" }, get.Parameters.Select(p => p.Name));
        Assert.Equal("System.Threading.Tasks.Task<App.Acme.Customer>", get.ReturnType.ToDisplayString());
        Assert.True(get.Parameters[1].HasExplicitDefaultValue);
        Assert.Equal("TypedConnectors.ConnectorCallOptions?", get.Parameters[2].Type.ToDisplayString());
        Assert.True(get.Parameters[2].HasExplicitDefaultValue);

        // The twin takes the same parameters and returns status and headers with the body.
        var raw = (IMethodSymbol)client.GetMembers("GetCustomerWithResponseAsync").Single();
        Assert.Equal(get.Parameters.Select(p => p.Name + ":" + p.Type), raw.Parameters.Select(p => p.Name + ":" + p.Type));
        Assert.Equal("System.Threading.Tasks.Task<TypedConnectors.ConnectorResponse<App.Acme.Customer>>", raw.ReturnType.ToDisplayString());
        var delete = (IMethodSymbol)client.GetMembers("DeleteCustomerWithResponseAsync").Single();
        Assert.Equal("System.Threading.Tasks.Task<TypedConnectors.ConnectorResponse>", delete.ReturnType.ToDisplayString());

        var list = (IMethodSymbol)client.GetMembers("ListCustomersAsync").Single();
        Assert.Equal(25, list.Parameters.Single(p => p.Name == "limit").ExplicitDefaultValue);

        var attributes = client.GetAttributes().Select(a => a.AttributeClass!.Name).ToList();
        Assert.Contains("RateLimitAttribute", attributes);
        Assert.Contains("MaxConcurrencyAttribute", attributes);
        Assert.Equal(2, attributes.Count(a => a == "AuthMethodAttribute"));

        var connection = run.OutputCompilation.GetTypeByMetadataName("App.Acme.AcmeConnection")!;
        Assert.Contains(connection.GetMembers(), m => m.Name == "CreateBasic");
        Assert.Contains(connection.GetMembers(), m => m.Name == "CreateToken");
        Assert.Contains(connection.GetMembers(), m => m.Name == "Create");
        Assert.DoesNotContain(connection.GetMembers(), m => m.Name is "ApiKey" or "Token");
    }

    [Fact]
    public void Malformed_file_reports_located_error_and_other_files_still_generate()
    {
        const string broken =
            "{\n  \"name\": \"Broken\",\n  \"base_url\": \"https://api.example.com\",\n  \"endpoints\": [\n    { \"name\": \"a\", \"method\": \"get\" \"path\": \"/a\" }\n  ]\n}\n";
        var run = GeneratorHarness.Run(
            new[] { new InputFile("/project/broken.connector.json", broken), TestFiles.Connector("acme.connector.json") }
        );

        var error = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("TC0001", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        var span = error.Location.GetLineSpan();
        Assert.Equal("/project/broken.connector.json", span.Path);
        Assert.Equal(4, span.StartLinePosition.Line);
        Assert.Equal(35, span.StartLinePosition.Character);
        Assert.Contains(run.Sources, s => s.HintName.Contains("AcmeClient", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Sources, s => s.HintName.Contains("Broken", StringComparison.Ordinal));
        Assert.Empty(run.CompileDiagnostics);
    }

    [Fact]
    public void Text_from_the_file_cannot_inject_code()
    {
        const string hostile = """
            {
              "name": "class",
              "slug": "namespace",
              "description": "Ends */ and </summary> and \"\"\" then\n} public class Pwned1 { } //",
              "base_url": "https://api.example.com/\"+System.Environment.Exit(1)+\"",
              "headers": [ { "name": "X-A", "value": "\"); public class Pwned2 { } (\"" } ],
              "types": {
                "String": { "type": "object", "properties": { "class": { "type": "string", "description": "</summary><summary>x" }, "String": { "type": "string" } } },
                "Task": { "type": "string", "enum": [ "1st", "a b", "a-b", "A_B", "", "class" ] }
              },
              "endpoints": [
                {
                  "name": "void",
                  "description": "*/ public class Pwned3 {} /*",
                  "method": "post",
                  "path": "/x/{params}",
                  "parameters": [
                    { "name": "params", "in": "path" },
                    { "name": "cancellationToken", "in": "query" },
                    { "name": "__request", "in": "header" },
                    { "name": "kind", "in": "query", "schema": { "$ref": "#/types/Task" } }
                  ],
                  "request_body": { "schema": { "$ref": "#/types/String" } },
                  "response": { "$ref": "#/types/String" }
                },
                { "name": "Void", "method": "get", "path": "/y" }
              ]
            }
            """;
        var run = GeneratorHarness.Run(new[] { new InputFile("/p/hostile.connector.json", hostile) });

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.CompileDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(run.CompileDiagnostics);
        foreach (var pwned in new[] { "Pwned1", "Pwned2", "Pwned3" })
        {
            Assert.DoesNotContain(run.OutputCompilation.GetSymbolsWithName(pwned, SymbolFilter.Type), _ => true);
        }

        Assert.NotEmpty(run.Sources);
    }

    [Fact]
    public void Two_files_with_the_same_client_name_do_not_break_the_build()
    {
        var file = TestFiles.Connector("acme.connector.json");
        var run = GeneratorHarness.Run(new[] { file, file with { Path = "/project/Other/acme.connector.json" } });

        Assert.Empty(run.CompileDiagnostics);
        var collision = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("TC0012", collision.Id);
    }
}
