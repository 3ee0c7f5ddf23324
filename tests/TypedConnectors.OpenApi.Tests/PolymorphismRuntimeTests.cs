using System.Reflection;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>Generated polymorphic models and unions read and write real JSON through the runtime's serializer options.</summary>
public sealed class PolymorphismRuntimeTests
{
    private const string Document = """
        openapi: 3.0.3
        info: { title: Zoo, version: '1' }
        paths:
          /cats:
            post:
              operationId: createCat
              requestBody:
                required: true
                content: { application/json: { schema: { $ref: '#/components/schemas/Cat' } } }
              responses: { '204': { description: ok } }
        components:
          schemas:
            Animal:
              oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }]
              discriminator:
                propertyName: kind
                mapping: { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' }
            Cat:
              type: object
              required: [kind]
              properties: { kind: { type: string }, lives: { type: integer } }
            Dog:
              type: object
              required: [kind]
              properties: { kind: { type: string }, goodBoy: { type: boolean } }
            IdOrName:
              oneOf: [{ type: integer, format: int64 }, { type: string }]
        """;

    private const string Scenario = """
        namespace TestApp
        {
            /// <summary>Round trips.</summary>
            public static class Scenario
            {
                /// <summary>Reads animals and writes one back.</summary>
                /// <param name="json">Animals.</param>
                /// <param name="contracts">"generated" for the connector's own metadata, else reflection.</param>
                /// <returns>What was read, and the JSON written for a dog.</returns>
                public static string Run(string json, string contracts)
                {
                    var options = contracts == "generated" ? TestApp.Zoo.ZooJson.Options : TypedConnectors.ConnectorJson.Options;
                    var animals = System.Text.Json.JsonSerializer.Deserialize<System.Collections.Generic.List<TestApp.Zoo.Animal>>(json, options)!;
                    var read = string.Join(",", System.Linq.Enumerable.Select(animals, a => a switch
                    {
                        TestApp.Zoo.Cat cat => "cat:" + cat.Lives,
                        TestApp.Zoo.Dog dog => "dog:" + dog.GoodBoy,
                        _ => "animal",
                    }));
                    var written = System.Text.Json.JsonSerializer.Serialize<TestApp.Zoo.Animal>(new TestApp.Zoo.Dog { GoodBoy = true }, options);
                    var union = System.Text.Json.JsonSerializer.Deserialize<TestApp.Zoo.IdOrName>("\"rex\"", options)!;
                    var name = union.TryGetString1(out var text) ? text : "?";
                    return read + " | " + written + " | " + name;
                }

                /// <summary>Sends a cat.</summary>
                /// <param name="baseAddress">The server.</param>
                /// <returns>When sent.</returns>
                public static System.Threading.Tasks.Task Send(System.Uri baseAddress)
                {
                    var client = new TestApp.Zoo.ZooClient(TestApp.Zoo.ZooConnection.Create("unused", options: new TypedConnectors.ConnectorConnectionOptions { BaseAddress = baseAddress }));
                    return client.CreateCatAsync(new TestApp.Zoo.Cat { Lives = 9 });
                }
            }
        }
        """;

    [Theory]
    [InlineData("reflection")]
    [InlineData("generated")]
    public void A_discriminated_oneOf_reads_each_variant_and_unknown_values_as_the_base_and_writes_the_discriminator(string contracts)
    {
        var run = GeneratorHarness.Run(new[] { new InputFile("/p/zoo.openapi.yaml", Document) }, userSource: Scenario);
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var scenario = GeneratorHarness.Load(run).GetType("TestApp.Scenario")!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;

        // The dog's discriminator comes last, as many APIs write it.
        var result = (string)
            scenario.Invoke(
                null,
                new object[] { """[{"kind":"cat","lives":9},{"goodBoy":false,"kind":"dog"},{"kind":"bird","wings":2}]""", contracts }
            )!;

        Assert.Equal("""cat:9,dog:False,animal | {"kind":"dog","goodBoy":true} | rex""", result);
    }

    [Fact]
    public async Task A_body_of_a_derived_type_is_sent_with_its_discriminator()
    {
        var run = GeneratorHarness.Run(new[] { new InputFile("/p/zoo.openapi.yaml", Document) }, userSource: Scenario);
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        Assert.Contains(
            "__request.JsonBody<global::TestApp.Zoo.Animal>(body, global::TestApp.Zoo.ZooJson.AnimalTypeInfo);",
            run.Source(".Client.g.cs"),
            StringComparison.Ordinal
        );
        await using var server = await LoopbackServer.StartAsync(
            (context, _) =>
            {
                context.Response.StatusCode = 204;
                return Task.CompletedTask;
            }
        );
        var send = GeneratorHarness.Load(run).GetType("TestApp.Scenario")!.GetMethod("Send", BindingFlags.Public | BindingFlags.Static)!;

        await (Task)send.Invoke(null, new object[] { server.BaseAddress })!;

        Assert.Equal("""{"kind":"cat","lives":9}""", server.Single().Body);
    }
}
