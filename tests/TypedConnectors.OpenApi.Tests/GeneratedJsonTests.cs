using System.Reflection;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>
/// The JSON contracts the generator emits (no reflection) keep the wire rules: required properties, schema defaults,
/// required-and-nullable written as null, other nulls left out, extra properties kept, unknown enum values, strict numbers.
/// </summary>
public sealed class GeneratedJsonTests
{
    private const string Document = """
        openapi: 3.0.3
        info: { title: Shop, version: '1' }
        paths: {}
        components:
          schemas:
            Status: { type: string, enum: [open, closed] }
            Order:
              type: object
              required: [id, note]
              additionalProperties: true
              properties:
                id: { type: integer, format: int64 }
                note: { type: string, nullable: true }
                limit: { type: integer, format: int32, default: 20 }
                status: { $ref: '#/components/schemas/Status' }
                lines: { type: array, items: { type: integer, format: int32 } }
                due: { type: string, format: date }
        """;

    private const string Scenario = """
        namespace TestApp
        {
            /// <summary>Reads and writes orders through the generated contracts.</summary>
            public static class Scenario
            {
                /// <summary>Reads one order and describes it.</summary>
                /// <param name="json">The order.</param>
                /// <returns>What was read, or the exception type.</returns>
                public static string Read(string json)
                {
                    try
                    {
                        var order = System.Text.Json.JsonSerializer.Deserialize(json, TestApp.Shop.ShopJson.OrderTypeInfo)!;
                        var extra = order.AdditionalProperties is { } e ? string.Join(",", System.Linq.Enumerable.Select(e, p => p.Key + "=" + p.Value.GetRawText())) : "";
                        return $"id={order.Id} note={order.Note ?? "null"} limit={order.Limit} status={order.Status} lines={(order.Lines is null ? "null" : string.Join("+", order.Lines))} due={order.Due:yyyy-MM-dd} extra={extra}";
                    }
                    catch (System.Text.Json.JsonException ex)
                    {
                        return "JsonException: " + ex.Message;
                    }
                }

                /// <summary>Writes an order with only its required properties set.</summary>
                /// <returns>The JSON.</returns>
                public static string Write() =>
                    System.Text.Json.JsonSerializer.Serialize(new TestApp.Shop.Order { Id = 7, Note = null, Limit = null, Status = TestApp.Shop.Status.Closed }, TestApp.Shop.ShopJson.OrderTypeInfo);
            }
        }
        """;

    private static readonly Lazy<Type> Scenarios = new(() =>
    {
        var run = GeneratorHarness.Run(new[] { new InputFile("/p/shop.openapi.yaml", Document) }, userSource: Scenario);
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        return GeneratorHarness.Load(run).GetType("TestApp.Scenario")!;
    });

    private static string Read(string json) =>
        (string)Scenarios.Value.GetMethod("Read", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, new object[] { json })!;

    [Fact]
    public void Properties_are_read_wherever_they_are_and_absent_ones_keep_the_schema_default()
    {
        Assert.Equal(
            "id=1 note=hi limit=20 status=Open lines=1+2 due=2026-12-24 extra=x=[true]",
            Read("""{"lines":[1,2],"x":[true],"status":"open","note":"hi","due":"2026-12-24","id":1}""")
        );
    }

    [Fact]
    public void Unknown_enum_text_reads_as_unknown_and_null_as_null()
    {
        Assert.Equal(
            "id=2 note=null limit=5 status=Unknown lines=null due= extra=",
            Read("""{"id":2,"note":null,"limit":5,"status":"pending"}""")
        );
    }

    [Fact]
    public void A_missing_required_property_and_a_number_in_a_string_are_errors()
    {
        Assert.StartsWith("JsonException:", Read("""{"note":"no id"}"""), StringComparison.Ordinal);
        Assert.Contains("id", Read("""{"note":"no id"}"""), StringComparison.Ordinal);
        Assert.StartsWith("JsonException:", Read("""{"id":"3","note":null}"""), StringComparison.Ordinal);
        Assert.StartsWith("JsonException:", Read("""[1]"""), StringComparison.Ordinal);
    }

    [Fact]
    public void Required_nullable_is_written_as_null_and_other_nulls_are_left_out()
    {
        var json = (string)Scenarios.Value.GetMethod("Write", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null)!;
        Assert.Equal("""{"id":7,"note":null,"status":"closed"}""", json);
    }
}
