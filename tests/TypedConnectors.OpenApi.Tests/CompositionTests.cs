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
}
