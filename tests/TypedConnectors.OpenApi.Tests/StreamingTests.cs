using Microsoft.CodeAnalysis;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>
/// Streaming read from OpenAPI documents: which operations get a <c>…StreamAsync</c>, their event types, the
/// <c>stream</c> request flag, and located errors for a flag that cannot work.
/// </summary>
public sealed class StreamingTests
{
    private const string Document = """
        openapi: 3.1.0
        info: { title: Chat, version: '1' }
        servers: [{ url: 'https://chat.example/v1' }]
        paths:
          /completions:
            post:
              operationId: complete
              requestBody:
                required: true
                content: { application/json: { schema: { $ref: '#/components/schemas/Request' } } }
              responses:
                '200':
                  description: The completion, or its chunks.
                  content:
                    application/json: { schema: { $ref: '#/components/schemas/Completion' } }
                    text/event-stream: { schema: { $ref: '#/components/schemas/Chunk' } }
        components:
          schemas:
            Request:
              type: object
              properties:
                prompt: { type: string }
                stream: { type: boolean }
                mode: { type: string }
            Completion: { type: object, properties: { text: { type: string } } }
            Chunk: { type: object, properties: { delta: { type: string } } }
        """;

    private static GeneratorRun Run(string document) =>
        GeneratorHarness.Run(new[] { new InputFile("/project/chat.openapi.yaml", document) });

    private static string Client(GeneratorRun run) =>
        string.Join(
            "\n",
            run.Sources.Where(s => s.HintName.EndsWith("Client.g.cs", StringComparison.Ordinal)).Select(s => s.SourceText.ToString())
        );

    private static int LineOf(string document, string text) =>
        document.Split('\n').Select((line, i) => (line, i)).First(l => l.line.Contains(text, StringComparison.Ordinal)).i;

    [Fact]
    public void A_boolean_stream_property_next_to_an_event_stream_response_is_the_switch()
    {
        var run = Run(Document);

        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var client = run.OutputCompilation.GetTypeByMetadataName("TestApp.Chat.ChatClient")!;
        Assert.Equal(
            "System.Threading.Tasks.Task<TestApp.Chat.Completion>",
            client.GetMembers("CompleteAsync").OfType<IMethodSymbol>().Single().ReturnType.ToDisplayString()
        );
        Assert.Equal(
            "System.Collections.Generic.IAsyncEnumerable<TestApp.Chat.Chunk>",
            client.GetMembers("CompleteStreamAsync").OfType<IMethodSymbol>().Single().ReturnType.ToDisplayString()
        );
        var source = Client(run);
        Assert.Contains("__request.JsonFlag(\"stream\", false);", source, StringComparison.Ordinal);
        Assert.Contains(".JsonFlag(\"stream\", true).WithAccept(\"text/event-stream\")", source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_property_that_is_not_boolean_is_no_switch_and_x_stream_flag_false_turns_it_off()
    {
        foreach (
            var document in new[]
            {
                Document.Replace("stream: { type: boolean }", "stream: { type: string }", StringComparison.Ordinal),
                Document.Replace("operationId: complete", "operationId: complete\n      x-stream-flag: false", StringComparison.Ordinal),
            }
        )
        {
            var run = Run(document);

            Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
            var source = Client(run);
            Assert.DoesNotContain("JsonFlag", source, StringComparison.Ordinal);
            Assert.Contains("CompleteStreamAsync", source, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void X_stream_flag_names_another_boolean_property()
    {
        var document = Document
            .Replace("mode: { type: string }", "sse: { type: boolean }", StringComparison.Ordinal)
            .Replace("operationId: complete", "operationId: complete\n      x-stream-flag: sse", StringComparison.Ordinal);
        var run = Run(document);

        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        Assert.Contains(".JsonFlag(\"sse\", true)", Client(run), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(
        "x-stream-flag: missing",
        "'missing', which is not a property of the request body of operation 'complete' (it has: prompt, stream, mode)"
    )]
    [InlineData("x-stream-flag: mode", "'mode', which is string in the request body, not a Boolean")]
    [InlineData("x-stream-flag: [stream]", "'x-stream-flag' must name a Boolean property of the JSON request body, or be false")]
    public void A_flag_that_cannot_switch_the_stream_is_an_error_where_it_is_written(string declaration, string message)
    {
        var document = Document.Replace("operationId: complete", "operationId: complete\n      " + declaration, StringComparison.Ordinal);
        var run = Run(document);

        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "TC0061");
        Assert.Contains(message, error.GetMessage(), StringComparison.Ordinal);
        Assert.EndsWith("chat.openapi.yaml", error.Location.GetLineSpan().Path, StringComparison.Ordinal);
        Assert.Equal(LineOf(document, "x-stream-flag"), error.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void A_flag_without_a_streamed_response_is_an_error_where_it_is_written()
    {
        var document = Document
            .Replace("        text/event-stream: { schema: { $ref: '#/components/schemas/Chunk' } }\n", "", StringComparison.Ordinal)
            .Replace("operationId: complete", "operationId: complete\n      x-stream-flag: stream", StringComparison.Ordinal);
        Assert.DoesNotContain("text/event-stream", document, StringComparison.Ordinal);
        var run = Run(document);

        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "TC0061");
        Assert.Contains(
            "no success response of operation 'complete' declares a streamed media type",
            error.GetMessage(),
            StringComparison.Ordinal
        );
        Assert.Equal(LineOf(document, "x-stream-flag"), error.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void An_item_schema_gives_the_event_type_for_sse_the_schema_of_its_data()
    {
        var document = """
            openapi: 3.1.0
            info: { title: Chat, version: '1' }
            servers: [{ url: 'https://feed.example' }]
            paths:
              /events:
                get:
                  operationId: events
                  responses:
                    '200':
                      description: Events.
                      content:
                        text/event-stream:
                          itemSchema:
                            type: object
                            properties:
                              id: { type: string }
                              data: { type: string, contentMediaType: application/json, contentSchema: { $ref: '#/components/schemas/Tick' } }
              /rows:
                get:
                  operationId: rows
                  responses:
                    '200':
                      description: Rows.
                      content:
                        application/jsonl: { itemSchema: { $ref: '#/components/schemas/Row' } }
            components:
              schemas:
                Tick: { type: object, properties: { at: { type: string } } }
                Row: { type: object, properties: { n: { type: integer } } }
            """;
        var run = Run(document);

        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var client = run.OutputCompilation.GetTypeByMetadataName("TestApp.Chat.ChatClient")!;
        string Returns(string name) => client.GetMembers(name).OfType<IMethodSymbol>().Single().ReturnType.ToDisplayString();
        Assert.Equal("System.Collections.Generic.IAsyncEnumerable<TestApp.Chat.Tick>", Returns("EventsStreamAsync"));
        Assert.Equal("System.Collections.Generic.IAsyncEnumerable<TestApp.Chat.Row>", Returns("RowsStreamAsync"));
        Assert.Equal("System.Threading.Tasks.Task<System.IO.Stream>", Returns("RowsAsync"));
    }
}
