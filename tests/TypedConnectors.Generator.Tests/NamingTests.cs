using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedConnectors.Testing;

namespace TypedConnectors.Generator.Tests;

/// <summary>Generated names read as the source spells them, decided in the model (SpecBinder), never in the emitter.</summary>
public class NamingTests
{
    [Theory]
    [InlineData("GitHub", "github", "GitHubClient")]
    [InlineData("Github MCP", "github-mcp", "GithubMcpClient")]
    [InlineData("HubSpot CRM", "hubspot-crm", "HubSpotCrmClient")]
    [InlineData("acme", "acme", "AcmeClient")]
    [InlineData("Something else entirely", "payments", "PaymentsClient")]
    public void The_client_keeps_the_casing_of_the_display_name_for_the_slugs_words(string displayName, string slug, string client)
    {
        var file = new InputFile(
            "/p/" + slug + ".connector.json",
            $$"""
            { "format_version": 1, "name": "{{displayName}}", "display_name": "{{displayName}}", "slug": "{{slug}}",
              "base_url": "https://api.example.com",
              "endpoints": [ { "name": "ping", "method": "GET", "path": "/ping" } ] }
            """
        );
        var run = GeneratorHarness.Run(new[] { file });
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains(run.OutputCompilation.GetSymbolsWithName(client, SymbolFilter.Type), s => s is INamedTypeSymbol);
    }

    [Fact]
    public void An_openapi_title_gives_its_own_casing()
    {
        var run = GeneratorHarness.Run(new[] { OpenApi("GitHub v3 REST API", tags: ["repos"], operations: 1) });
        Assert.Empty(run.CompileDiagnostics);
        Assert.NotNull(run.OutputCompilation.GetTypeByMetadataName("TestApp.GitHubV3RestApi.GitHubV3RestApiClient"));
    }

    [Fact]
    public void A_tag_repeating_the_clients_name_does_not_stutter()
    {
        var run = GeneratorHarness.Run(
            new[] { OpenApi("Twilio Verify V2", tags: ["Verify V2 Verification", "Verify V2 Service"], operations: 40) }
        );
        Assert.Empty(run.CompileDiagnostics);
        var client = run.OutputCompilation.GetTypeByMetadataName("TestApp.TwilioVerifyV2.TwilioVerifyV2Client")!;
        Assert.NotNull(client);
        Assert.Equal(
            ["Service", "Verification"],
            client
                .GetMembers()
                .OfType<IPropertySymbol>()
                .Where(p => p.Type.Name.EndsWith("Operations", StringComparison.Ordinal))
                .Select(p => p.Name)
                .Order()
        );
        Assert.NotNull(run.OutputCompilation.GetTypeByMetadataName("TestApp.TwilioVerifyV2.TwilioVerifyV2VerificationOperations"));
        Assert.Null(run.OutputCompilation.GetTypeByMetadataName("TestApp.TwilioVerifyV2.TwilioVerifyV2VerifyV2VerificationOperations"));
    }

    [Fact]
    public void Groups_that_collide_in_csharp_are_reported_where_the_tag_is_written()
    {
        var file = OpenApi("Shop", tags: ["pet store", "Pet-Store"], operations: 40);
        var run = GeneratorHarness.Run(new[] { file });
        Assert.Empty(run.CompileDiagnostics);
        var collision = Assert.Single(AnalyzerDiagnostics(file), d => d.Id == "TC0012");
        Assert.Contains("'pet store' and 'Pet-Store' both become the C# name 'PetStore'", collision.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("PetStore2", collision.GetMessage(), StringComparison.Ordinal);
        Assert.True(collision.Location.GetLineSpan().StartLinePosition.Line > 0, "located at the operation's tags, not the file");
    }

    [Theory]
    [InlineData("accountSid_authToken", null, "accountSid", "authToken")]
    [InlineData("basicAuth", "Use your API key ID as the username and the API secret as the password.", "apiKeyId", "apiSecret")]
    [InlineData("basic_auth", null, "username", "password")]
    [InlineData("http", "HTTP basic authentication.", "username", "password")]
    public void Basic_factory_parameters_are_named_after_the_credential_the_scheme_describes(
        string scheme,
        string? description,
        string user,
        string password
    )
    {
        var doc = JsonNode.Parse(OpenApi("Vendor", tags: ["x"], operations: 1).Text)!;
        var security = new JsonObject { ["type"] = "http", ["scheme"] = "basic" };
        if (description is not null)
        {
            security["description"] = description;
        }

        doc["components"] = new JsonObject { ["securitySchemes"] = new JsonObject { [scheme] = security } };
        doc["security"] = new JsonArray(new JsonObject { [scheme] = new JsonArray() });
        var run = GeneratorHarness.Run(new[] { new InputFile("/p/vendor.openapi.json", doc.ToJsonString()) });
        Assert.Empty(run.CompileDiagnostics);
        var connection = run.OutputCompilation.GetTypeByMetadataName("TestApp.Vendor.VendorConnection")!;
        var factory = connection.GetMembers("Create").OfType<IMethodSymbol>().Single();
        Assert.Equal([user, password, "options"], factory.Parameters.Select(p => p.Name));
    }

    /// <summary>The emitter prints names: it cannot reach the helpers that make them.</summary>
    [Fact]
    public void The_emitter_derives_no_names()
    {
        var emit = Path.Combine(RepositoryRoot(), "src", "TypedConnectors.Generator", "Emit");
        var files = Directory.GetFiles(emit, "*.cs");
        Assert.NotEmpty(files);
        var forbidden = new HashSet<string>(StringComparer.Ordinal) { "Naming", "SpecBinder", "SyntaxFacts", "GeneratedNames" };
        var uses = files
            .SelectMany(f =>
                CSharpSyntaxTree
                    .ParseText(File.ReadAllText(f))
                    .GetRoot()
                    .DescendantNodes()
                    .OfType<IdentifierNameSyntax>()
                    .Where(n =>
                        forbidden.Contains(n.Identifier.ValueText)
                        && n.Parent is not QualifiedCrefSyntax
                        && n.Ancestors().OfType<CrefSyntax>().Any() is false
                    )
                    .Select(n => Path.GetFileName(f) + ":" + (n.GetLocation().GetLineSpan().StartLinePosition.Line + 1) + " " + n.Parent)
            )
            .ToList();
        Assert.True(uses.Count == 0, "naming helpers used by the emitter:\n" + string.Join("\n", uses));
    }

    /// <summary>
    /// read → validate → bind → emit, one way: no step uses a later one (the pipeline, ConnectorPipeline, calls them in
    /// order), and the validator does not know the dialect.
    /// </summary>
    [Theory]
    [InlineData("Reading", "ConnectorValidator,SpecBinder,ConnectorEmitter,ConnectorPipeline")]
    [InlineData("Validation", "SpecBinder,ConnectorEmitter,ConnectorPipeline,SourceDialect,Dialect")]
    [InlineData("Model", "ConnectorValidator,ConnectorEmitter,ConnectorPipeline,ConnectorFileReader")]
    [InlineData("Emit", "ConnectorValidator,SpecBinder,ConnectorFileReader,ConnectorPipeline")]
    public void Each_step_uses_no_later_step(string folder, string forbiddenNames)
    {
        var forbidden = forbiddenNames.Split(',').ToHashSet(StringComparer.Ordinal);
        var files = Directory.GetFiles(
            Path.Combine(RepositoryRoot(), "src", "TypedConnectors.Generator", folder),
            "*.cs",
            SearchOption.AllDirectories
        );
        Assert.NotEmpty(files);
        var uses = files
            .SelectMany(f =>
                CSharpSyntaxTree
                    .ParseText(File.ReadAllText(f))
                    .GetRoot()
                    .DescendantNodes()
                    .OfType<SimpleNameSyntax>()
                    .Where(n => forbidden.Contains(n.Identifier.ValueText) && !n.Ancestors().OfType<CrefSyntax>().Any())
                    .Select(n => Path.GetFileName(f) + ":" + (n.GetLocation().GetLineSpan().StartLinePosition.Line + 1) + " " + n.Parent)
            )
            .ToList();
        Assert.True(uses.Count == 0, folder + " uses a later step:\n" + string.Join("\n", uses));
    }

    /// <summary>
    /// A feature descriptor (Features/&lt;Feature&gt;/) holds all four steps of one operation-level feature, one method
    /// each: <c>Read…</c>, <c>Validate…</c>, <c>Bind…</c>, <c>Emit…</c>. Every method of a descriptor says its step by its
    /// name; no method uses a later step (its names, or a later method of the descriptors), and the emit methods derive
    /// no name.
    /// </summary>
    [Fact]
    public void Each_feature_step_uses_no_later_step()
    {
        string[] steps = ["Read", "Validate", "Bind", "Emit"];
        var later = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["Read"] =
            [
                "ConnectorValidator",
                "SpecBinder",
                "ConnectorEmitter",
                "ConnectorPipeline",
                "FeatureBinding",
                "IFeatureEmitter",
                "SourceWriter",
            ],
            ["Validate"] =
            [
                "SpecBinder",
                "ConnectorEmitter",
                "ConnectorPipeline",
                "FeatureBinding",
                "IFeatureEmitter",
                "SourceWriter",
                "SourceDialect",
                "Dialect",
            ],
            ["Bind"] =
            [
                "ConnectorValidator",
                "ConnectorEmitter",
                "ConnectorPipeline",
                "ConnectorFileReader",
                "IFeatureEmitter",
                "SourceWriter",
            ],
            ["Emit"] =
            [
                "ConnectorValidator",
                "SpecBinder",
                "ConnectorFileReader",
                "ConnectorPipeline",
                "Naming",
                "SyntaxFacts",
                "GeneratedNames",
                "DocContext",
                "FeatureBinding",
            ],
        };
        var root = Path.Combine(RepositoryRoot(), "src", "TypedConnectors.Generator", "Features");
        var files = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories).Where(f => Path.GetDirectoryName(f) != root).ToList();
        Assert.NotEmpty(files);
        string? StepOf(string name) => steps.FirstOrDefault(s => name.StartsWith(s, StringComparison.Ordinal));
        var problems = new List<string>();
        var methods = 0;
        foreach (var file in files)
        {
            var syntax = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var method in syntax.DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                methods++;
                var name = method.Identifier.ValueText;
                var where = Path.GetFileName(file) + ":" + (method.GetLocation().GetLineSpan().StartLinePosition.Line + 1) + " " + name;
                if (name == "MethodIdentifiers")
                {
                    continue; // the bound names, read back for member scopes
                }

                if (StepOf(name) is not { } step)
                {
                    problems.Add(where + ": the name says no step (Read, Validate, Bind, Emit)");
                    continue;
                }

                var laterMethods = steps.SkipWhile(s => s != step).Skip(1).ToArray();
                foreach (
                    var used in method.DescendantNodes().OfType<SimpleNameSyntax>().Where(n => !n.Ancestors().OfType<CrefSyntax>().Any())
                )
                {
                    var text = used.Identifier.ValueText;
                    if (later[step].Contains(text) || laterMethods.Any(l => text.StartsWith(l, StringComparison.Ordinal) && text != l))
                    {
                        problems.Add(where + " uses " + text);
                    }
                }
            }
        }

        Assert.True(methods >= 8, "the descriptors' methods were found");
        Assert.True(problems.Count == 0, "feature steps out of order:\n" + string.Join("\n", problems));
    }

    private static IEnumerable<Diagnostic> AnalyzerDiagnostics(InputFile file)
    {
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        var options = new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions(
            [new GeneratorHarness.InMemoryAdditionalText(file.Path, file.Text)],
            new TestOptionsProvider("TestApp", [file])
        );
        return compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ConnectorAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync()
            .GetAwaiter()
            .GetResult();
    }

    private static InputFile OpenApi(string title, string[] tags, int operations)
    {
        var paths = new JsonObject();
        for (var i = 0; i < operations; i++)
        {
            paths["/items" + i] = new JsonObject
            {
                ["get"] = new JsonObject
                {
                    ["operationId"] = "getItem" + i,
                    ["tags"] = new JsonArray(tags[i % tags.Length]),
                    ["responses"] = new JsonObject { ["204"] = new JsonObject { ["description"] = "done" } },
                },
            };
        }

        var doc = new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = title, ["version"] = "1" },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "https://api.example.com" }),
            ["paths"] = paths,
        };
        return new InputFile(
            "/p/" + title.Replace(' ', '-').ToLowerInvariant() + ".openapi.json",
            doc.ToJsonString(new() { WriteIndented = true })
        );
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Generators.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Generators.sln not found above " + AppContext.BaseDirectory);
    }
}
