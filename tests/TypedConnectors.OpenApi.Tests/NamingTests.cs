using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>Names from documents become valid C#: keywords escaped, collisions suffixed, framework names shadowed safely.</summary>
public sealed class NamingTests
{
    [Fact]
    public void Schemas_named_like_framework_types_and_keywords_compile_without_warnings()
    {
        var names = new[]
        {
            "String",
            "Task",
            "System",
            "HttpClient",
            "Object",
            "Type",
            "Int32",
            "Guid",
            "Uri",
            "Stream",
            "JsonElement",
            "TypedConnectors",
            "Action",
            "Exception",
            "class",
            "namespace",
            "Nullable",
            "IReadOnlyList",
        };
        var schemas = string.Join(
            "\n",
            names.Select(n =>
                $$"""
                        '{{n}}':
                          type: object
                          properties:
                            value: { type: string }
                            class: { type: integer }
                            String: { type: string, format: uuid }
                            '{{n}}': { type: boolean }
                            validate: { type: string, maxLength: 3 }
                            additionalProperties: { type: string }
                            'when-used@2024': { type: string }
                    """
            )
        );
        var operations = string.Join(
            "\n",
            names.Select(n =>
                $$"""
                      /{{n.ToLowerInvariant()}}/{id}:
                        get:
                          operationId: 'get {{n}}!'
                          tags: ['{{n}} & co']
                          parameters:
                            - { name: id, in: path, required: true, schema: { type: string } }
                            - { name: cancellationToken, in: query, schema: { type: string } }
                            - { name: params, in: header, schema: { type: string } }
                          responses:
                            '200':
                              description: ok
                              content:
                                application/json:
                                  schema: { $ref: '#/components/schemas/{{n}}' }
                    """
            )
        );
        var yaml =
            "openapi: 3.0.3\ninfo: { title: 'System', version: '1' }\npaths:\n"
            + operations
            + "\ncomponents:\n  schemas:\n"
            + schemas
            + "\n";

        var run = OpenApiRun.Generate("/p/shadow.openapi.yaml", yaml);

        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics.Take(20)));
        Assert.Equal(names.Length, OpenApiRun.ClientMethods(run).Count);
        var models = run.Source(".Models.g.cs");
        Assert.Contains("public sealed partial record Class", models, StringComparison.Ordinal);
        Assert.Contains("string? @params = null", run.Source(".Client.g.cs"), StringComparison.Ordinal);
        Assert.Contains("public sealed partial record String", models, StringComparison.Ordinal);
        Assert.Contains("[global::System.Text.Json.Serialization.JsonPropertyName(\"when-used@2024\")]", models, StringComparison.Ordinal);
    }

    [Fact]
    public void Operations_without_ids_get_names_from_method_and_path()
    {
        var run = OpenApiRun.Generate(
            "/p/anon.openapi.yaml",
            """
            openapi: 3.0.3
            info: { title: Anon, version: '1' }
            paths:
              /:
                get:
                  responses: { '204': { description: ok } }
              /users/{userId}/orders:
                get:
                  parameters: [{ name: userId, in: path, required: true, schema: { type: integer } }]
                  responses: { '204': { description: ok } }
                post:
                  parameters: [{ name: userId, in: path, required: true, schema: { type: integer } }]
                  responses: { '204': { description: ok } }
              /files/{name}.{ext}:
                delete:
                  parameters:
                    - { name: name, in: path, required: true, schema: { type: string } }
                    - { name: ext, in: path, required: true, schema: { type: string } }
                  responses: { '204': { description: ok } }
            """
        );

        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var methods = OpenApiRun.ClientMethods(run).Select(m => m.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[] { "DeleteFilesNameExtAsync", "GetRootAsync", "GetUsersByUserIdOrdersAsync", "PostUsersByUserIdOrdersAsync" },
            methods
        );
    }

    [Fact]
    public void Large_documents_group_operations_by_tag_into_sub_clients()
    {
        var paths = string.Join(
            "\n",
            Enumerable
                .Range(0, 40)
                .Select(i =>
                    $$"""
                          /items{{i}}:
                            get:
                              operationId: getItem{{i}}
                              tags: [{{(i % 2 == 0 ? "even numbers" : "odd")}}]
                              responses: { '204': { description: ok } }
                        """
                )
        );
        var yaml =
            "openapi: 3.0.3\ninfo: { title: Big, version: '1' }\npaths:\n"
            + paths
            + "\n  /untagged:\n    get:\n      operationId: untagged\n      responses: { '204': { description: ok } }\n";

        var run = OpenApiRun.Generate("/p/big.openapi.yaml", yaml);

        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var client = run.Source(".Client.g.cs");
        Assert.Contains("public IBigEvenNumbersOperations EvenNumbers => ", client, StringComparison.Ordinal);
        Assert.Contains("public IBigOddOperations Odd => ", client, StringComparison.Ordinal);
        Assert.Contains(
            "public sealed partial class BigEvenNumbersOperations : global::TypedConnectors.ConnectorOperations<BigConnection>, IBigEvenNumbersOperations",
            client,
            StringComparison.Ordinal
        );
        var methods = OpenApiRun.ClientMethods(run);
        Assert.Equal(41, methods.Count);
        Assert.Equal("BigClient", methods.Single(m => m.Name == "UntaggedAsync").ContainingType.Name);
        Assert.Equal("BigOddOperations", methods.Single(m => m.Name == "GetItem1Async").ContainingType.Name);
    }

    [Fact]
    public void An_inline_schema_written_twice_through_a_yaml_alias_is_a_type_at_each_location()
    {
        // One node in the tree at two locations: each location names its own type, as two copies of the text would.
        var run = OpenApiRun.Generate(
            "/p/alias.openapi.yaml",
            """
            openapi: 3.0.3
            info: { title: Alias, version: '1' }
            paths:
              /orders:
                get:
                  responses:
                    '200':
                      description: ok
                      content:
                        application/json:
                          schema: { $ref: '#/components/schemas/Order' }
            components:
              schemas:
                Order:
                  type: object
                  properties:
                    billing: &address
                      type: object
                      properties:
                        street: { type: string }
                        kind: { type: string, enum: [home, work] }
                    shipping: *address
                    history:
                      type: array
                      items: *address
            """
        );

        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var models = run.Source(".Models.g.cs");
        Assert.Contains("public sealed partial record OrderBilling", models, StringComparison.Ordinal);
        Assert.Contains("public sealed partial record OrderShipping", models, StringComparison.Ordinal);
        Assert.Contains("public sealed partial record OrderHistoryItem", models, StringComparison.Ordinal);
        Assert.Contains("OrderShipping? Shipping", models, StringComparison.Ordinal);
        Assert.Contains("IReadOnlyList<global::TestApp.Alias.OrderHistoryItem>? History", models, StringComparison.Ordinal);
    }

    [Fact]
    public void A_component_schema_repeated_under_the_same_key_is_generated_once_from_its_first_occurrence()
    {
        const string Document = """
            {
              "openapi": "3.0.3",
              "info": { "title": "Repeated", "version": "1" },
              "paths": {},
              "components": {
                "schemas": {
                  "Pet": { "type": "object", "properties": { "name": { "type": "string" } } },
                  "Pet": { "type": "object", "properties": { "tag": { "type": "string" } } }
                }
              }
            }
            """;

        Assert.Contains(OpenApiRun.Read("/p/repeated.openapi.json", Document), d => d.Id == "TC0028");
        var run = OpenApiRun.Generate("/p/repeated.openapi.json", Document);
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var models = run.Source(".Models.g.cs");
        Assert.Contains("public sealed partial record Pet", models, StringComparison.Ordinal);
        Assert.DoesNotContain("record Pet2", models, StringComparison.Ordinal);
        Assert.Contains(" Name ", models, StringComparison.Ordinal);
        Assert.DoesNotContain(" Tag ", models, StringComparison.Ordinal);
    }
}
