using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>
/// Members named like their enclosing type or like members every object or record already has get a deterministic
/// other name and keep their wire name.
/// </summary>
public sealed class MemberNameTests
{
    private static readonly string[] InheritedNames =
    {
        "Equals",
        "GetHashCode",
        "ToString",
        "GetType",
        "EqualityContract",
        "Deconstruct",
        "Clone",
        "<Clone>$",
        "MemberwiseClone",
        "Finalize",
        "PrintMembers",
        "ReferenceEquals",
    };

    private static GeneratorRun AssertCompiles(string yaml)
    {
        var run = OpenApiRun.Generate("/p/names.openapi.yaml", yaml);
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error || d.Id == "TC0024"));
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics.Take(20)) + "\n" + run.AllSources);
        return run;
    }

    [Fact]
    public void Properties_named_like_the_record_or_its_inherited_members_are_renamed_and_keep_their_wire_name()
    {
        var properties = string.Join(
            "\n",
            InheritedNames
                .Append("Thing")
                .Append("Names")
                .Append("NamesJson")
                .Append("Other")
                .Select(n => $"            '{n}': {{ type: string }}")
        );
        var run = AssertCompiles(
            $$"""
            openapi: 3.0.3
            info: { title: Names, version: '1' }
            paths:
              /things:
                get:
                  operationId: getThing
                  responses:
                    '200':
                      description: ok
                      content: { application/json: { schema: { $ref: '#/components/schemas/Thing' } } }
            components:
              schemas:
                Other: { type: string, enum: [a, b] }
                Thing:
                  type: object
                  properties:
            {{properties}}
            """
        );

        var thing = run.OutputCompilation.GetTypeByMetadataName("TestApp.Names.Thing")!;
        var wireNames = thing
            .GetMembers()
            .OfType<IPropertySymbol>()
            .ToDictionary(
                p => p.Name,
                p =>
                    p.GetAttributes()
                        .Where(a => a.AttributeClass?.Name == "JsonPropertyNameAttribute")
                        .Select(a => (string?)a.ConstructorArguments[0].Value)
                        .SingleOrDefault()
            );
        foreach (var name in InheritedNames.Append("Thing").Append("Names").Append("NamesJson").Append("Other"))
        {
            Assert.Contains(name, wireNames.Values);
        }

        Assert.Equal("Equals", wireNames["Equals2"]);
        Assert.Equal("Thing", wireNames["Thing2"]);
        Assert.Equal("Clone", wireNames["Clone2"]);

        var json = "{\"Equals\":\"e\",\"Clone\":\"c\",\"Thing\":\"t\",\"<Clone>$\":\"x\"}";
        var type = GeneratorHarness.Load(run).GetType("TestApp.Names.Thing")!;
        var value = System.Text.Json.JsonSerializer.Deserialize(json, type, TypedConnectors.ConnectorJson.Options)!;
        Assert.Equal("e", type.GetProperty("Equals2")!.GetValue(value));
        Assert.Equal("c", type.GetProperty("Clone2")!.GetValue(value));
        Assert.Equal("t", type.GetProperty("Thing2")!.GetValue(value));
    }

    [Fact]
    public void Properties_whose_wire_names_differ_only_by_case_read_and_write_their_own_values()
    {
        var run = AssertCompiles(
            """
            openapi: 3.0.3
            info: { title: Names, version: '1' }
            paths:
              /things:
                get:
                  operationId: getThing
                  responses:
                    '200':
                      description: ok
                      content: { application/json: { schema: { $ref: '#/components/schemas/Thing' } } }
            components:
              schemas:
                Thing:
                  type: object
                  properties:
                    name: { type: string }
                    Name: { type: string }
            """
        );

        var type = GeneratorHarness.Load(run).GetType("TestApp.Names.Thing")!;
        var value = System.Text.Json.JsonSerializer.Deserialize(
            "{\"name\":\"lower\",\"Name\":\"upper\"}",
            type,
            TypedConnectors.ConnectorJson.Options
        )!;
        Assert.Equal("lower", type.GetProperty("Name")!.GetValue(value));
        Assert.Equal("upper", type.GetProperty("Name2")!.GetValue(value));
    }

    [Fact]
    public void Schemas_named_like_record_members_get_other_type_names()
    {
        // Found by the adversarial tests: a record named GetHashCode declares a member named like itself (CS0542).
        var schemas = string.Join(
            "\n",
            InheritedNames
                .Where(n => !n.Contains('<', StringComparison.Ordinal))
                .Append("Validate")
                .Append("AdditionalProperties")
                .Select(n => $"    '{n}':\n      type: object\n      properties:\n        v: {{ type: string, maxLength: 3 }}")
        );
        var unions =
            "    Json:\n      oneOf: [{ type: string }, { type: integer }]\n    From:\n      oneOf: [{ type: string }, { type: integer }]";
        var run = AssertCompiles(
            "openapi: 3.0.3\ninfo: { title: Names, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n" + schemas + "\n" + unions + "\n"
        );

        var models = run.Source(".Models.g.cs");
        Assert.Contains("public sealed partial record GetHashCode2", models, StringComparison.Ordinal);
        Assert.Contains("public sealed partial record Json2", models, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"record (Json|From|GetHashCode|Equals|ToString|Validate|AdditionalProperties|Clone)\b", models);
    }

    [Fact]
    public void Names_differing_only_by_formatting_characters_are_distinct_identifiers()
    {
        // Found by the adversarial tests: the compiler ignores U+FEFF in an identifier, so x\uFEFFy and xy were one
        // parameter name twice (CS0100).
        var run = AssertCompiles(
            """
            openapi: 3.1.0
            info: { title: Names, version: '1' }
            paths:
              /things:
                get:
                  operationId: getThing
                  parameters:
                    - { name: "x\uFEFFy", in: query, schema: { type: boolean } }
                    - { name: xy, in: query, schema: { type: string } }
                    - { name: "x\u200By", in: header, schema: { type: string } }
                    - { name: "x\u202Ey", in: query, schema: { type: string } }
                  responses: { '204': { description: ok } }
            components:
              schemas:
                "A\uFEFFb": { type: object, properties: { "p\u00ADq": { type: string }, pq: { type: string } } }
                Ab: { type: string, enum: ["v\u200Dw", vw] }
            """
        );

        var method = (IMethodSymbol)
            run.OutputCompilation.GetTypeByMetadataName("TestApp.Names.NamesClient")!.GetMembers("GetThingAsync").Single();
        var names = method.Parameters.Select(p => p.Name).ToList();
        Assert.Equal(new[] { "xy", "xy2", "xy3" }, names.Where(n => n.StartsWith("xy", StringComparison.Ordinal)).Take(3));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Enum_members_named_like_the_enum_or_its_backing_field_compile()
    {
        var run = AssertCompiles(
            """
            openapi: 3.0.3
            info: { title: Names, version: '1' }
            paths:
              /things:
                get:
                  operationId: getThing
                  parameters:
                    - { name: color, in: query, schema: { $ref: '#/components/schemas/Color' } }
                    - { name: level, in: query, schema: { $ref: '#/components/schemas/Level' } }
                  responses: { '204': { description: ok } }
            components:
              schemas:
                Color: { type: string, enum: [Color, color, value__, Unknown, ToString, Equals, GetHashCode, GetType] }
                Level: { type: integer, enum: [1, 2] }
            """
        );

        var color = run.OutputCompilation.GetTypeByMetadataName("TestApp.Names.Color")!;
        Assert.Equal(9, color.GetMembers().OfType<IFieldSymbol>().Count(f => f.HasConstantValue));
    }

    [Fact]
    public void Operations_tags_and_parameters_named_like_client_members_compile()
    {
        var operations = string.Join(
            "\n",
            InheritedNames
                .Where(n => !n.Contains('<', StringComparison.Ordinal))
                .Append("NamesClient")
                .Append("Names")
                .Append("Connection")
                .Append("Dispose")
                .Append("Send")
                .Select(
                    (n, i) =>
                        $$"""
                              /op{{i}}/{{{n}}}:
                                get:
                                  operationId: '{{n}}'
                                  parameters:
                                    - { name: '{{n}}', in: path, required: true, schema: { type: string } }
                                    - { name: cancellationToken, in: query, schema: { type: string } }
                                  responses: { '204': { description: ok } }
                            """
                )
        );
        var run = AssertCompiles("openapi: 3.0.3\ninfo: { title: Names, version: '1' }\npaths:\n" + operations + "\n");

        Assert.Equal(InheritedNames.Length - 1 + 5, OpenApiRun.ClientMethods(run).Count);
    }
}
