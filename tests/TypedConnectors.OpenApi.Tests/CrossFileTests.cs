using System.Reflection;
using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;
using TypedConnectors.Generator;
using TypedConnectors.Generator.Reading;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>
/// References between AdditionalFiles: external <c>$ref</c>s into other documents, and connector files that overlay an
/// OpenAPI document. Nothing is fetched; only the project's own files are read.
/// </summary>
public sealed class CrossFileTests
{
    private const string GitHubDocument = """
        openapi: 3.0.3
        info: { title: GitHub v3 REST API, version: '1.1' }
        servers: [{ url: 'https://api.github.com' }]
        security: [{ token: [] }]
        paths:
          /repos/{owner}/{repo}:
            parameters:
              - { name: owner, in: path, required: true, schema: { type: string } }
              - { name: repo, in: path, required: true, schema: { type: string } }
            get:
              operationId: repos/get
              tags: [repos]
              responses:
                '200':
                  description: The repository.
                  content: { application/json: { schema: { $ref: '#/components/schemas/Repository' } } }
            delete:
              operationId: repos/delete
              tags: [repos]
              responses: { '204': { description: Deleted. } }
          /user/repos:
            get:
              operationId: repos/list-for-authenticated-user
              tags: [repos]
              responses:
                '200':
                  description: Repositories.
                  content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Repository' } } } }
          /users/{username}:
            get:
              operationId: users/get-by-username
              tags: [users]
              parameters: [{ name: username, in: path, required: true, schema: { type: string } }]
              responses: { '204': { description: ok } }
          /gists:
            get:
              operationId: gists/list
              tags: [gists]
              responses: { '204': { description: ok } }
        components:
          securitySchemes:
            token: { type: http, scheme: bearer }
          schemas:
            Repository:
              type: object
              required: [id, full_name]
              properties:
                id: { type: integer, format: int64 }
                full_name: { type: string }
        """;

    private const string GitHubConnector = """
        {
          "format_version": 1,
          "name": "GitHub",
          "slug": "github",
          "openapi": "specs/github.openapi.yaml",
          "base_url": "https://{{domain}}/api/v3",
          "variables": [{ "name": "domain", "default": "github.example.com" }],
          "rate_limit": { "requests": 5000, "per": "hour" },
          "max_concurrency": 4,
          "auth": [
            {
              "key": "token",
              "type": "bearer",
              "prefix": "token",
              "fields": [{ "field_name": "pat", "label": "Personal access token", "input_type": "password" }],
              "token_field": "pat"
            }
          ],
          "operations": {
            "include": ["repos/*", "tag:users"],
            "exclude": ["repos/delete"],
            "rename": { "repos/get": "GetRepository", "repos/gett": "X" }
          }
        }
        """;

    private static InputFile[] GitHubFiles() =>
        new[]
        {
            new InputFile("/project/github.connector.json", GitHubConnector),
            new InputFile("/project/specs/github.openapi.yaml", GitHubDocument),
        };

    [Fact]
    public void A_connector_file_overlays_auth_limits_base_url_and_the_operations_of_its_document()
    {
        var run = GeneratorHarness.Run(GitHubFiles());

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));

        // One client: the document itself is generated only through the connector file that overlays it.
        var client = Assert.Single(run.Sources, s => s.HintName.EndsWith(".Client.g.cs", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains(
            "[global::TypedConnectors.Connector(\"github\", Name = \"GitHub\", BaseUrl = \"https://{{domain}}/api/v3\", Version = \"1.1\")]",
            client,
            StringComparison.Ordinal
        );
        Assert.Contains("[global::TypedConnectors.RateLimit(5000, 3600)]", client, StringComparison.Ordinal);
        Assert.Contains("[global::TypedConnectors.MaxConcurrency(4)]", client, StringComparison.Ordinal);
        Assert.Contains(
            "[global::TypedConnectors.AuthMethod(\"token\", global::TypedConnectors.AuthKind.Bearer, IsDefault = true, Prefix = \"token\", TokenField = \"pat\")]",
            client,
            StringComparison.Ordinal
        );

        var methods = OpenApiRun.ClientMethods(run).Select(m => m.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "GetRepositoryAsync", "ReposListForAuthenticatedUserAsync", "UsersGetByUsernameAsync" }, methods);
    }

    [Fact]
    public void Overlay_entries_that_match_nothing_are_warnings_in_the_connector_file()
    {
        var reported = Reported.Of(GitHubFiles());

        var warning = Assert.Single(reported, r => r.Message.Contains("no operation 'repos/gett'", StringComparison.Ordinal));
        Assert.Equal(("github.connector.json", 22, 47), (warning.File, warning.Line, warning.Column));
        Assert.Contains("did you mean 'repos/get'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_overlaid_client_sends_with_the_overlay_base_url_and_auth()
    {
        const string user = """
            namespace TestApp
            {
                /// <summary>Calls the overlaid client.</summary>
                public static class Scenario
                {
                    /// <summary>Gets a repository.</summary>
                    /// <param name="baseAddress">The server.</param>
                    /// <returns>What came back.</returns>
                    public static async System.Threading.Tasks.Task<string> Run(System.Uri baseAddress)
                    {
                        var connection = TestApp.GitHub.GitHubConnection.Create("abc", options: new TypedConnectors.ConnectorConnectionOptions { BaseAddress = baseAddress });
                        using var client = new TestApp.GitHub.GitHubClient(connection);
                        var repository = await client.GetRepositoryAsync("octo", "hello world");
                        return repository.Id + " " + repository.FullName + " " + TestApp.GitHub.GitHubConnection.Create("abc").BaseAddress;
                    }
                }
            }
            """;
        var run = GeneratorHarness.Run(GitHubFiles(), userSource: user);
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        await using var server = await LoopbackServer.StartJsonAsync("""{"id":7,"full_name":"octo/hello world"}""");

        var scenario = GeneratorHarness.Load(run).GetType("TestApp.Scenario")!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;
        var result = await (Task<string>)scenario.Invoke(null, new object[] { new Uri(server.BaseAddress, "api/v3/") })!;

        Assert.Equal("7 octo/hello world https://github.example.com/api/v3/", result);
        var request = server.Single();
        Assert.Equal("/api/v3/repos/octo/hello world", request.Path);
        Assert.Equal("token abc", request.Header("Authorization"));
    }

    [Fact]
    public void A_connector_file_naming_a_document_that_is_not_an_additional_file_is_an_error_at_the_name()
    {
        var reported = Reported.Of(new InputFile("/project/github.connector.json", GitHubConnector));

        var error = Assert.Single(reported, r => r.Id == "TC0034");
        Assert.Equal(("github.connector.json", 5, 14), (error.File, error.Line, error.Column));
    }

    [Fact]
    public void External_references_resolve_against_other_additional_files()
    {
        var main = new InputFile(
            "/project/api/store.openapi.yaml",
            """
            openapi: 3.0.3
            info: { title: Store, version: '1' }
            paths:
              /orders/{id}:
                get:
                  operationId: getOrder
                  parameters: [{ $ref: '../shared/common.yaml#/parameters/Id' }]
                  responses:
                    '200':
                      description: The order.
                      content: { application/json: { schema: { $ref: '../shared/common.yaml#/schemas/Order' } } }
                    '404':
                      description: Missing.
                      content: { application/json: { schema: { $ref: '../shared/common.yaml#/schemas/Problem' } } }
            """
        );
        var common = new InputFile(
            "/project/shared/common.yaml",
            """
            parameters:
              Id: { name: id, in: path, required: true, schema: { type: string, format: uuid } }
            schemas:
              Order:
                type: object
                properties:
                  lines: { type: array, items: { $ref: '#/schemas/Line' } }
              Line:
                type: object
                properties:
                  sku: { type: string }
              Problem:
                type: object
                properties:
                  title: { type: string }
            """
        );

        var run = GeneratorHarness.Run(new[] { main, common });

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var client = run.Source(".Client.g.cs");
        Assert.Contains("Task<global::TestApp.Store.Order> GetOrderAsync(global::System.Guid id,", client, StringComparison.Ordinal);
        Assert.Contains("404 => __e.WithError(global::TestApp.Store.StoreJson.ProblemTypeInfo)", client, StringComparison.Ordinal);
        Assert.Contains("public sealed partial record Line", run.Source(".Models.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unrelated_csharp_edit_leaves_every_step_cached()
    {
        var files = GitHubFiles()
            .Append(new InputFile("/project/petstore.openapi.yaml", "openapi: 3.0.0\ninfo: { title: Pets, version: '1' }\npaths: {}\n"))
            .ToList();
        var driver = GeneratorHarness.CreateDriver(files);
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        driver = driver.RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace User { public class B { } }")
        );
        var result = driver.RunGenerators(edited).GetRunResult().Results[0];

        foreach (
            var step in new[]
            {
                TrackingNames.Inputs,
                TrackingNames.Scan,
                TrackingNames.Documents,
                TrackingNames.Referenced,
                TrackingNames.References,
                TrackingNames.Parse,
                TrackingNames.Emit,
            }
        )
        {
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }
    }

    [Fact]
    public void Editing_an_overlaid_document_rereads_only_the_files_that_refer_to_it()
    {
        var files = GitHubFiles()
            .Append(
                new InputFile(
                    "/project/acme.connector.json",
                    """{ "name": "Acme", "base_url": "https://acme.example.com", "endpoints": [] }"""
                )
            )
            .Append(new InputFile("/project/petstore.openapi.yaml", "openapi: 3.0.0\ninfo: { title: Pets, version: '1' }\npaths: {}\n"))
            .ToList();
        var driver = GeneratorHarness.CreateDriver(files, "TestApp", out var texts);
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        driver = driver.RunGenerators(compilation);

        var edited = new GeneratorHarness.InMemoryAdditionalText(
            "/project/specs/github.openapi.yaml",
            GitHubDocument.Replace("The repository.", "The repository, edited.", StringComparison.Ordinal)
        );
        driver = driver.ReplaceAdditionalText(texts.Single(t => t.Path == edited.Path), edited).RunGenerators(compilation);

        var parse = driver.GetRunResult().Results[0].TrackedSteps[TrackingNames.Parse].SelectMany(s => s.Outputs).ToList();
        string PathOf(object value) => ((ReadResult)value).Path;
        Assert.Equal(IncrementalStepRunReason.Modified, parse.Single(o => PathOf(o.Value) == "/project/github.connector.json").Reason);
        Assert.Equal(IncrementalStepRunReason.Cached, parse.Single(o => PathOf(o.Value) == "/project/acme.connector.json").Reason);
        Assert.Equal(IncrementalStepRunReason.Cached, parse.Single(o => PathOf(o.Value) == "/project/petstore.openapi.yaml").Reason);

        // The overlaid document itself is not generated on its own, before or after the edit.
        Assert.Null(((ReadResult)parse.Single(o => PathOf(o.Value) == "/project/specs/github.openapi.yaml").Value).Spec);
    }
}
