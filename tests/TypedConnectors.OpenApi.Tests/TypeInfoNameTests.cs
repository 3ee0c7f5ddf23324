using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;

namespace OpenApiTests;

/// <summary>
/// The JSON contracts' property names are decided by the binder: a model keeps the name after it, and a list whose name
/// would repeat a model's gets a number; both contracts are of the right type and the code compiles.
/// </summary>
public sealed class TypeInfoNameTests
{
    private const string Document = """
        openapi: 3.0.3
        info: { title: Names, version: "1" }
        paths:
          /pets:
            get:
              operationId: listPets
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: { type: array, items: { $ref: "#/components/schemas/Pet" } }
          /pet-lists:
            get:
              operationId: getPetList
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/ListOfPet" }
        components:
          schemas:
            Pet:
              type: object
              properties:
                name: { type: string }
            ListOfPet:
              type: object
              properties:
                count: { type: integer }
        """;

    [Fact]
    public void A_list_whose_contract_name_a_model_already_has_gets_a_number()
    {
        var run = OpenApiRun.Generate("/p/names.openapi.yaml", Document);
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics.Take(20)));
        var json = run.Source(".Json.g.cs");
        Assert.Contains("JsonTypeInfo<global::TestApp.Names.ListOfPet> ListOfPetTypeInfo =>", json, StringComparison.Ordinal);
        Assert.Contains(
            "JsonTypeInfo<global::System.Collections.Generic.IReadOnlyList<global::TestApp.Names.Pet>> ListOfPetTypeInfo2 =>",
            json,
            StringComparison.Ordinal
        );
        Assert.DoesNotContain("__TypeInfo", json, StringComparison.Ordinal);
    }
}
