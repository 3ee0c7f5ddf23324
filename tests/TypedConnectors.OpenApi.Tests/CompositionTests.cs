using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;

namespace OpenApiTests;

/// <summary>allOf compositions whose own keywords change what the referenced schema says.</summary>
public sealed class CompositionTests
{
    private const string Document = """
        openapi: 3.0.3
        info: { title: Records, version: "1" }
        paths:
          /records:
            post:
              operationId: createRecord
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      allOf:
                        - $ref: '#/components/schemas/Record'
                      required: [type]
              responses:
                "200": { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Record' } } } }
        components:
          schemas:
            Record:
              type: object
              properties:
                id: { type: integer, readOnly: true }
                name: { type: string }
                type: { type: string }
        """;

    [Fact]
    public void AllOf_of_one_reference_that_requires_more_is_a_record_with_those_properties_required()
    {
        var run = OpenApiRun.Generate("/p/records.openapi.yaml", Document);

        Assert.Empty(run.CompileDiagnostics);
        var request = run.OutputCompilation.GetTypeByMetadataName("TestApp.Records.CreateRecordRequest");
        Assert.NotNull(request);
        var type = Assert.Single(request.GetMembers("Type").OfType<IPropertySymbol>());
        Assert.True(type.IsRequired);
        Assert.False(Assert.Single(request.GetMembers("Name").OfType<IPropertySymbol>()).IsRequired);

        // The response keeps the document's own record, where nothing is required.
        var record = run.OutputCompilation.GetTypeByMetadataName("TestApp.Records.Record")!;
        Assert.False(record.GetMembers("Type").OfType<IPropertySymbol>().Single().IsRequired);
        var method = OpenApiRun.ClientMethods(run).Single(m => m.Name == "CreateRecordAsync");
        Assert.Equal("CreateRecordRequest", method.Parameters[0].Type.Name);
    }

    private const string Narrowing = """
        openapi: 3.1.0
        info: { title: Wrapped, version: "1" }
        paths:
          /stations:
            get:
              operationId: listStations
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        allOf:
                          - $ref: '#/components/schemas/Collection'
                          - properties:
                              data: { type: array, items: { $ref: '#/components/schemas/Station' } }
                          - properties:
                              links:
                                allOf:
                                  - $ref: '#/components/schemas/SelfLink'
                                  - $ref: '#/components/schemas/PageLinks'
          /notes:
            get:
              operationId: getNote
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        allOf:
                          - properties: { meta: { description: Anything. }, title: { type: string } }
                          - properties: { meta: { type: object, properties: { count: { type: integer } } } }
                          - properties: { title: { type: integer } }
        components:
          schemas:
            Collection:
              type: object
              properties:
                data: { type: array, items: { type: object } }
                links: { type: object, readOnly: true }
            Station: { type: object, properties: { id: { type: string } } }
            SelfLink: { type: object, properties: { self: { type: string, format: uri } } }
            PageLinks: { type: object, properties: { next: { type: string, format: uri }, prev: { type: string, format: uri } } }
        """;

    private static ITypeSymbol PropertyType(INamedTypeSymbol type, string name)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault() is { } property)
            {
                return property.Type;
            }
        }

        throw new InvalidOperationException(type.Name + " has no property " + name);
    }

    private static IEnumerable<string> Public(INamedTypeSymbol type) =>
        type.GetMembers().OfType<IPropertySymbol>().Where(p => p.DeclaredAccessibility == Accessibility.Public).Select(p => p.Name);

    [Fact]
    public void AllOf_parts_that_narrow_a_loosely_declared_property_of_a_referenced_part_type_it()
    {
        var run = OpenApiRun.Generate("/p/wrapped.openapi.yaml", Narrowing);

        Assert.Empty(run.CompileDiagnostics);
        var method = OpenApiRun.ClientMethods(run).Single(m => m.Name == "ListStationsAsync");
        var response = (INamedTypeSymbol)((INamedTypeSymbol)method.ReturnType).TypeArguments[0];
        // data: the wrapper's array of untyped objects narrowed to stations; links: the wrapper's bare object narrowed
        // to the merge of two referenced link objects.
        var data = (INamedTypeSymbol)PropertyType(response, "Data");
        Assert.Equal("Station", data.TypeArguments[0].Name);
        var links = (INamedTypeSymbol)PropertyType(response, "Links").WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        Assert.Equal(new[] { "Next", "Prev", "Self" }, Public(links).Order(StringComparer.Ordinal));
        Assert.Equal("Uri", PropertyType(links, "Next").Name);

        // The shared wrapper keeps its own loose reading.
        var collection = run.OutputCompilation.GetTypeByMetadataName("TestApp.Wrapped.Collection")!;
        Assert.NotEqual("Station", ((INamedTypeSymbol)PropertyType(collection, "Data")).TypeArguments[0].Name);
    }

    [Fact]
    public void AllOf_of_inline_parts_keeps_the_typed_declaration_of_a_property_and_the_first_of_two_typed_ones()
    {
        var run = OpenApiRun.Generate("/p/wrapped.openapi.yaml", Narrowing);

        Assert.Empty(run.CompileDiagnostics);
        var method = OpenApiRun.ClientMethods(run).Single(m => m.Name == "GetNoteAsync");
        var response = (INamedTypeSymbol)((INamedTypeSymbol)method.ReturnType).TypeArguments[0];
        var meta = (INamedTypeSymbol)PropertyType(response, "Meta").WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        Assert.Equal("Count", Assert.Single(Public(meta)));
        // Two typed declarations that disagree: the first stays (a document error no merge can resolve).
        Assert.Equal(SpecialType.System_String, PropertyType(response, "Title").SpecialType);
    }
}
