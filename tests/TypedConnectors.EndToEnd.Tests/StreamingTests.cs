using System.Text.Json.Nodes;
using EndToEnd.Feed;
using Microsoft.AspNetCore.Http;
using TypedConnectors;
using TypedConnectors.Testing;

namespace EndToEnd;

/// <summary>Server-sent events and JSON Lines read as typed events from a loopback server.</summary>
public class StreamingTests
{
    /// <summary>The connection's rate limiter: every request (every page, every stream) takes one permit.</summary>
    private readonly CountingRateLimiter _limiter = new();

    private sealed class Seen
    {
        public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static async Task Send(HttpContext context, string text)
    {
        await context.Response.WriteAsync(text);
        await context.Response.Body.FlushAsync();
    }

    private static Task<LoopbackServer> Api(Seen seen) =>
        LoopbackServer.StartAsync(
            async (context, request) =>
            {
                context.Response.ContentType = request.Path == "/api/export" ? "application/x-ndjson" : "text/event-stream";
                switch (request.Path)
                {
                    case "/api/chat":
                        var prompt = JsonNode.Parse(request.Body)!["prompt"]!.GetValue<string>();
                        await Send(context, ": comment\n\ndata: {\"text\":\"" + prompt + "\"}\n\n");
                        await Send(context, "event: delta\ndata: {\"text\":\"second\"}\n\n");
                        await Send(context, "data: [DONE]\n\n");
                        break;
                    case "/api/ticks":
                        await Send(context, "data: {\"text\":\"tick\"}\n\n");
                        context.RequestAborted.Register(() => seen.Aborted.TrySetResult());
                        await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { });
                        break;
                    case "/api/resume" when request.Header("Last-Event-ID") is null:
                        await Send(context, "retry: 10\nid: 1\ndata: {\"text\":\"one\"}\n\nid: 2\ndata: {\"text\":\"two\"}\n\n");
                        // Let the client read what was sent before the connection is reset (a reset discards unread data).
                        await Task.Delay(300);
                        context.Abort();
                        break;
                    case "/api/resume":
                        await Send(context, "id: 3\ndata: {\"text\":\"after " + request.Header("Last-Event-ID") + "\"}\n\n");
                        break;
                    case "/api/export":
                        await Send(context, "{\"text\":\"a\"}\n\n{\"text\":\"b\"}\n");
                        await Send(context, "{\"text\":\"c\"}");
                        break;
                }
            }
        );

    private static async Task<List<string>> Texts(IAsyncEnumerable<Delta> events)
    {
        var texts = new List<string>();
        await foreach (var e in events)
        {
            texts.Add(e.Text);
        }

        return texts;
    }

    [Fact]
    public async Task Server_sent_events_are_typed_events_until_the_done_marker()
    {
        var seen = new Seen();
        await using var server = await Api(seen);
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var texts = await Texts(client.ChatStreamAsync(prompt: "hi"));

        Assert.Equal(new[] { "hi", "second" }, texts);
        Assert.Equal("Bearer tok-1", server.Single().Header("Authorization"));
        Assert.Equal(1, _limiter.Granted);
    }

    [Fact]
    public async Task Json_lines_are_read_one_value_a_line_skipping_blank_lines()
    {
        var seen = new Seen();
        await using var server = await Api(seen);
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        Assert.Equal(new[] { "a", "b", "c" }, await Texts(client.ExportStreamAsync()));
        Assert.Equal(1, _limiter.Granted);
    }

    [Fact]
    public async Task Cancelling_the_enumeration_closes_the_connection_the_server_sees_it()
    {
        var seen = new Seen();
        await using var server = await Api(seen);
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));
        using var cts = new CancellationTokenSource();

        var first = "";
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in client.TicksStreamAsync(cancellationToken: cts.Token))
            {
                first = e.Text;
                cts.Cancel();
            }
        });

        Assert.Equal("tick", first);
        // The server's request is aborted: the client released the connection rather than leaving it open.
        Assert.Same(seen.Aborted.Task, await Task.WhenAny(seen.Aborted.Task, Task.Delay(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task A_dropped_stream_with_event_ids_is_resumed_with_last_event_id()
    {
        var seen = new Seen();
        await using var server = await Api(seen);
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var texts = await Texts(client.ResumeStreamAsync());

        Assert.Equal(new[] { "one", "two", "after 2" }, texts);
        Assert.Equal(new string?[] { null, "2" }, server.Requests.Select(r => r.Header("Last-Event-ID")));
        // The reconnection is a request of its own through the pipeline.
        Assert.Equal(2, _limiter.Granted);
    }
}
