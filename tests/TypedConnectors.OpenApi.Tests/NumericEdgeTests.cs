using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>
/// Numbers from a document end up as C# types and literals: bounds, defaults and enum values outside int32 or int64,
/// fractional bounds on integers and exclusive bounds must all give code that compiles without warnings.
/// </summary>
public sealed class NumericEdgeTests
{
    private static string Document(string schemas) =>
        """
            openapi: 3.0.3
            info: { title: Numbers, version: '1' }
            paths:
              /things:
                post:
                  operationId: createThing
                  requestBody:
                    required: true
                    content:
                      application/json:
                        schema: { $ref: '#/components/schemas/Thing' }
                  responses: { '204': { description: ok } }
            components:
              schemas:
            """
        + "\n"
        + schemas;

    private static GeneratorRun AssertCompiles(string yaml, string path = "/p/numbers.openapi.yaml")
    {
        var run = OpenApiRun.Generate(path, yaml);
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error || d.Id == "TC0024"));
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics.Take(20)) + "\n" + run.AllSources);
        return run;
    }

    private static string PropertyType(GeneratorRun run, string type, string property)
    {
        var symbol = run.OutputCompilation.GetTypeByMetadataName("TestApp.Numbers." + type)!;
        return ((IPropertySymbol)symbol.GetMembers(property).Single()).Type.ToDisplayString();
    }

    [Fact]
    public void Integer_without_format_whose_bounds_exceed_int32_becomes_long()
    {
        var run = AssertCompiles(
            Document(
                    """
                        Thing:
                          type: object
                          required: [big, bigExclusive, small]
                          properties:
                            big: { type: integer, minimum: 0, maximum: 10000000000 }
                            bigExclusive: { type: integer, exclusiveMaximum: 3000000000 }
                            negative: { type: integer, minimum: -3000000000 }
                            small: { type: integer, minimum: 0, maximum: 100 }
                    """
                )
                .Replace("3.0.3", "3.1.0", StringComparison.Ordinal)
        );

        Assert.Equal("long", PropertyType(run, "Thing", "Big"));
        Assert.Equal("long", PropertyType(run, "Thing", "BigExclusive"));
        Assert.Equal("long?", PropertyType(run, "Thing", "Negative"));
        Assert.Equal("int", PropertyType(run, "Thing", "Small"));
    }

    [Fact]
    public void Integer_whose_bounds_exceed_int64_becomes_decimal()
    {
        var run = AssertCompiles(
            Document(
                """
                    Thing:
                      type: object
                      properties:
                        huge: { type: integer, maximum: 99999999999999999999 }
                        astronomic: { type: integer, minimum: 0, maximum: 1e300 }
                """
            )
        );

        Assert.Equal("decimal?", PropertyType(run, "Thing", "Huge"));
        Assert.Equal("double?", PropertyType(run, "Thing", "Astronomic"));
    }

    [Fact]
    public void Integer_enum_with_values_beyond_int32_compiles_as_a_long_enum()
    {
        var run = AssertCompiles(
            Document(
                """
                    Thing:
                      type: object
                      properties:
                        code: { $ref: '#/components/schemas/Code' }
                    Code:
                      type: integer
                      enum: [1, 5000000000, -9223372036854775808, 9223372036854775807]
                """
            )
        );

        var code = run.OutputCompilation.GetTypeByMetadataName("TestApp.Numbers.Code")!;
        Assert.Equal("long", code.EnumUnderlyingType!.ToDisplayString());
        Assert.Contains(code.GetMembers().OfType<IFieldSymbol>(), f => Equals(f.ConstantValue, long.MinValue));
        Assert.Contains(code.GetMembers().OfType<IFieldSymbol>(), f => Equals(f.ConstantValue, 5000000000L));
    }

    [Fact]
    public void Int64_extremes_as_bounds_and_defaults_are_valid_literals()
    {
        var run = AssertCompiles(
            Document(
                """
                    Thing:
                      type: object
                      properties:
                        id: { type: integer, format: int64, minimum: -9223372036854775808, maximum: 9223372036854775807, default: -9223372036854775808 }
                        low: { type: integer, format: int64, minimum: -9223372036854775807, default: 9223372036854775807 }
                        id32: { type: integer, format: int32, minimum: -2147483648, maximum: 2147483647, default: -2147483648 }
                """
            )
        );

        var thing = Activator.CreateInstance(GeneratorHarness.Load(run).GetType("TestApp.Numbers.Thing")!)!;
        Assert.Equal(long.MinValue, thing.GetType().GetProperty("Id")!.GetValue(thing));
        Assert.Equal(long.MaxValue, thing.GetType().GetProperty("Low")!.GetValue(thing));
        Assert.Equal(int.MinValue, thing.GetType().GetProperty("Id32")!.GetValue(thing));
    }

    [Fact]
    public void Int64_minimum_on_a_query_parameter_is_a_valid_literal()
    {
        var run = AssertCompiles(
            """
            openapi: 3.0.3
            info: { title: Numbers, version: '1' }
            paths:
              /things:
                get:
                  operationId: listThings
                  parameters:
                    - { name: after, in: query, schema: { type: integer, format: int64, minimum: -9223372036854775808, default: -9223372036854775808 } }
                    - { name: before, in: query, required: true, schema: { type: integer, minimum: -9223372036854775808, maximum: 9223372036854775807 } }
                  responses: { '204': { description: ok } }
            """
        );

        var client = run.OutputCompilation.GetTypeByMetadataName("TestApp.Numbers.NumbersClient")!;
        var method = (IMethodSymbol)client.GetMembers("ListThingsAsync").Single();
        Assert.Equal("long", method.Parameters.Single(p => p.Name == "before").Type.ToDisplayString());
        Assert.Equal(long.MinValue, method.Parameters.Single(p => p.Name == "after").ExplicitDefaultValue);
    }

    [Fact]
    public void Fractional_and_exclusive_bounds_on_integers_are_checked_as_integer_bounds()
    {
        var run = AssertCompiles(
            Document(
                """
                    Thing:
                      type: object
                      properties:
                        half: { type: integer, minimum: 1.5, maximum: 9.5 }
                        open30: { type: integer, minimum: 3, exclusiveMinimum: true, maximum: 7, exclusiveMaximum: true }
                        ratio: { type: number, minimum: 0, exclusiveMinimum: true, maximum: 1e400 }
                        int32Wide: { type: integer, format: int32, minimum: -1e12, maximum: 1e12 }
                """
            )
        );

        var type = GeneratorHarness.Load(run).GetType("TestApp.Numbers.Thing")!;
        void Check(string property, object value, bool valid)
        {
            var instance = Activator.CreateInstance(type)!;
            type.GetProperty(property)!.SetValue(instance, value);
            var validate = () => type.GetMethod("Validate")!.Invoke(instance, null);
            if (valid)
            {
                validate();
            }
            else
            {
                var error = Assert.Throws<System.Reflection.TargetInvocationException>(validate);
                Assert.IsType<ArgumentOutOfRangeException>(error.InnerException);
            }
        }

        Check("Half", 1, valid: false);
        Check("Half", 2, valid: true);
        Check("Half", 9, valid: true);
        Check("Half", 10, valid: false);
        Check("Open30", 3, valid: false);
        Check("Open30", 4, valid: true);
        Check("Open30", 6, valid: true);
        Check("Open30", 7, valid: false);
        Check("Ratio", 0d, valid: false);
        Check("Ratio", 1e300, valid: true);
        Check("Int32Wide", int.MinValue, valid: true);
    }

    [Fact]
    public void Numeric_exclusive_bounds_of_openapi_31_are_checked()
    {
        var run = AssertCompiles(
            Document(
                    """
                        Thing:
                          type: object
                          properties:
                            count: { type: integer, exclusiveMinimum: 5, exclusiveMaximum: 10 }
                            both: { type: integer, minimum: 0, exclusiveMinimum: 2 }
                    """
                )
                .Replace("3.0.3", "3.1.0", StringComparison.Ordinal)
        );

        var type = GeneratorHarness.Load(run).GetType("TestApp.Numbers.Thing")!;
        bool Valid(string property, object value)
        {
            var instance = Activator.CreateInstance(type)!;
            type.GetProperty(property)!.SetValue(instance, value);
            try
            {
                type.GetMethod("Validate")!.Invoke(instance, null);
                return true;
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is ArgumentOutOfRangeException)
            {
                return false;
            }
        }

        Assert.False(Valid("Count", 5));
        Assert.True(Valid("Count", 6));
        Assert.True(Valid("Count", 9));
        Assert.False(Valid("Count", 10));
        Assert.False(Valid("Both", 2));
        Assert.True(Valid("Both", 3));
    }

    [Fact]
    public void Huge_defaults_give_valid_code()
    {
        var run = AssertCompiles(
            """
            openapi: 3.0.3
            info: { title: Numbers, version: '1' }
            paths:
              /things:
                get:
                  operationId: listThings
                  parameters:
                    - { name: a, in: query, schema: { type: number, default: 1e400 } }
                    - { name: b, in: query, schema: { type: integer, format: int64, default: 99999999999999999999 } }
                    - { name: c, in: query, schema: { type: integer, default: 1.5 } }
                    - { name: d, in: query, schema: { type: number, format: decimal, default: 1e400 } }
                    - { name: e, in: query, schema: { type: number, default: -1e-400 } }
                  responses: { '204': { description: ok } }
            components:
              schemas:
                Thing:
                  type: object
                  properties:
                    a: { type: number, default: 1e400 }
                    b: { type: integer, format: int64, default: 99999999999999999999 }
                    d: { type: number, format: decimal, default: 1e400 }
            """
        );

        Assert.Single(OpenApiRun.ClientMethods(run));
    }
}
