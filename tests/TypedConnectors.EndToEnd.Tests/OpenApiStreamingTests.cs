using System.Text.Json.Nodes;
using EndToEnd.Chat;
using Microsoft.AspNetCore.Http;
using TypedConnectors;
using TypedConnectors.Testing;

namespace EndToEnd;

/// <summary>
/// Streaming read from an OpenAPI document (Connectors/chat.openapi.json): text/event-stream, NDJSON and JSON text
/// sequence responses become typed events, and the OpenAI-style <c>stream</c> request flag switches one operation
/// between its JSON method and its streaming method.
/// </summary>
public class OpenApiStreamingTests
{
    private sealed class Seen
    {
        public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static ChatConnection Connection(LoopbackServer server) =>
        ChatConnection.Create(new ConnectorConnectionOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

    private static async Task Send(HttpContext context, string text)
    {
        await context.Response.WriteAsync(text);
        await context.Response.Body.FlushAsync();
    }

    private static Task<LoopbackServer> Api(Seen seen) =>
        LoopbackServer.StartAsync(
            async (context, request) =>
            {
                switch (request.Path)
                {
                    case "/v1/chat/completions" when JsonNode.Parse(request.Body)!["stream"]?.GetValue<bool>() == true:
                        context.Response.ContentType = "text/event-stream";
                        var prompt = JsonNode.Parse(request.Body)!["prompt"]!.GetValue<string>();
                        await Send(context, "data: {\"delta\":\"" + prompt + "\"}\n\n");
                        await Send(context, "data: {\"delta\":\"more\"}\n\ndata: [DONE]\n\n");
                        break;
                    case "/v1/chat/completions":
                        context.Response.ContentType = "application/json";
                        await Send(context, "{\"text\":\"whole answer\"}");
                        break;
                    case "/v1/ticks":
                        context.Response.ContentType = "text/event-stream";
                        await Send(context, "data: {\"delta\":\"tick\"}\n\n");
                        context.RequestAborted.Register(() => seen.Aborted.TrySetResult());
                        await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { });
                        break;
                    case "/v1/resume" when request.Header("Last-Event-ID") is null:
                        context.Response.ContentType = "text/event-stream";
                        await Send(context, "retry: 10\nid: 7\ndata: {\"delta\":\"one\"}\n\n");
                        // Let the client read what was sent before the connection is reset (a reset discards unread data).
                        await Task.Delay(300);
                        context.Abort();
                        break;
                    case "/v1/resume":
                        context.Response.ContentType = "text/event-stream";
                        await Send(context, "id: 8\ndata: {\"delta\":\"after " + request.Header("Last-Event-ID") + "\"}\n\n");
                        break;
                    case "/v1/export":
                        context.Response.ContentType = "application/x-ndjson";
                        await Send(context, "{\"n\":1}\n\n{\"n\":2}\n");
                        await Send(context, "{\"n\":3}");
                        break;
                    case "/v1/export-seq":
                        context.Response.ContentType = "application/json-seq";
                        await Send(context, "\u001e{\"n\":4}\n\u001e{\"n\":5}\n");
                        break;
                }
            }
        );

    private static async Task<List<T>> All<T>(IAsyncEnumerable<T> events)
    {
        var all = new List<T>();
        await foreach (var e in events)
        {
            all.Add(e);
        }

        return all;
    }

    [Fact]
    public async Task The_stream_method_sends_stream_true_asks_for_events_and_reads_them_typed()
    {
        await using var server = await Api(new Seen());
        using var client = new ChatClient(Connection(server));

        var chunks = await All(client.CreateCompletionStreamAsync(new CompletionRequest { Prompt = "hi" }));

        Assert.Equal(new[] { "hi", "more" }, chunks.Select(c => c.Delta));
        var sent = server.Single();
        Assert.True(JsonNode.Parse(sent.Body)!["stream"]!.GetValue<bool>());
        Assert.Equal("hi", JsonNode.Parse(sent.Body)!["prompt"]!.GetValue<string>());
        Assert.Equal("text/event-stream", sent.Header("Accept"));
    }

    [Fact]
    public async Task The_plain_method_sends_stream_false_even_when_the_caller_set_it_and_reads_json()
    {
        await using var server = await Api(new Seen());
        using var client = new ChatClient(Connection(server));

        var completion = await client.CreateCompletionAsync(new CompletionRequest { Prompt = "hi", Stream = true });

        Assert.Equal("whole answer", completion.Text);
        var sent = server.Single();
        Assert.False(JsonNode.Parse(sent.Body)!["stream"]!.GetValue<bool>());
        Assert.Equal("application/json", sent.Header("Accept"));
    }

    [Fact]
    public async Task Cancelling_an_openapi_event_stream_closes_the_connection_the_server_sees_it()
    {
        var seen = new Seen();
        await using var server = await Api(seen);
        using var client = new ChatClient(Connection(server));
        using var cts = new CancellationTokenSource();

        var first = "";
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in client.TicksStreamAsync(cancellationToken: cts.Token))
            {
                first = e.Delta!;
                cts.Cancel();
            }
        });

        Assert.Equal("tick", first);
        Assert.Same(seen.Aborted.Task, await Task.WhenAny(seen.Aborted.Task, Task.Delay(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task A_dropped_openapi_event_stream_is_resumed_with_last_event_id()
    {
        await using var server = await Api(new Seen());
        using var client = new ChatClient(Connection(server));

        var chunks = await All(client.ResumeStreamAsync());

        Assert.Equal(new[] { "one", "after 7" }, chunks.Select(c => c.Delta));
        Assert.Equal(new string?[] { null, "7" }, server.Requests.Select(r => r.Header("Last-Event-ID")));
    }

    [Fact]
    public async Task Ndjson_with_an_array_schema_yields_its_items_one_a_line()
    {
        await using var server = await Api(new Seen());
        using var client = new ChatClient(Connection(server));

        var rows = await All(client.ExportStreamAsync());

        Assert.Equal(new long?[] { 1, 2, 3 }, rows.Select(r => (long?)r.N));
        Assert.Equal("application/x-ndjson", server.Single().Header("Accept"));
    }

    [Fact]
    public async Task A_json_text_sequence_skips_its_record_separators()
    {
        await using var server = await Api(new Seen());
        using var client = new ChatClient(Connection(server));

        var rows = await All(client.ExportSequenceStreamAsync());

        Assert.Equal(new long?[] { 4, 5 }, rows.Select(r => (long?)r.N));
    }

    [Fact]
    public async Task An_event_stream_only_operation_keeps_its_plain_method_returning_the_raw_stream()
    {
        await using var server = await Api(new Seen());
        using var client = new ChatClient(Connection(server));

        await using var stream = await client.ExportAsync();
        using var reader = new StreamReader(stream);

        Assert.Equal("{\"n\":1}\n\n{\"n\":2}\n{\"n\":3}", await reader.ReadToEndAsync());
    }
}
