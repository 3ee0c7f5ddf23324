using System.Diagnostics;
using EndToEnd.Feed;
using Microsoft.AspNetCore.Http;
using TypedConnectors;
using TypedConnectors.Testing;

namespace EndToEnd;

/// <summary>The <c>…WithResponseAsync</c> twins and per-call options of every operation kind, against a loopback server.</summary>
public class RawResponseTests
{
    internal static FeedConnection Connection(LoopbackServer server, System.Threading.RateLimiting.RateLimiter? limiter = null) =>
        FeedConnection.CreateBearer(
            "tok-1",
            new ConnectorConnectionOptions { BaseAddress = new Uri(server.BaseAddress, "api/"), SharedRateLimiter = limiter }
        );

    private static Task<LoopbackServer> Server() =>
        LoopbackServer.StartAsync(
            async (context, request) =>
            {
                context.Response.Headers["X-RateLimit-Limit"] = "5000";
                context.Response.Headers["X-RateLimit-Remaining"] = "4999";
                context.Response.Headers["X-RateLimit-Reset"] = "30";
                context.Response.Headers["Link"] = "<items?page=2>; rel=\"next\", <https://other.example/x>; rel=\"last\"";
                context.Response.Headers["X-Echo"] = request.Header("X-Extra") ?? "";
                switch (request.Path)
                {
                    case "/api/items/missing":
                        context.Response.StatusCode = 404;
                        context.Response.Headers["RateLimit"] = "\"burst\";r=0;t=12";
                        context.Response.ContentType = "application/json";
                        await context.Response.WriteAsync("{\"code\":\"nope\"}");
                        break;
                    case "/api/items/slow":
                        await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
                        break;
                    case var p when p.StartsWith("/api/items/", StringComparison.Ordinal) && request.Method == "DELETE":
                        context.Response.StatusCode = 204;
                        break;
                    case var p when p.StartsWith("/api/items/", StringComparison.Ordinal):
                        context.Response.StatusCode = 203;
                        context.Response.ContentType = "application/json";
                        await context.Response.WriteAsync("{\"id\":\"" + p["/api/items/".Length..] + "\",\"name\":\"Lamp\"}");
                        break;
                    case "/api/note":
                        context.Response.ContentType = "text/plain; charset=utf-8";
                        await context.Response.WriteAsync("hello");
                        break;
                    case "/api/file":
                        context.Response.ContentType = "application/octet-stream";
                        await context.Response.Body.WriteAsync(new byte[] { 1, 2, 3 });
                        break;
                }
            }
        );

    [Fact]
    public async Task Json_twin_returns_status_headers_parsed_rate_limit_links_and_body()
    {
        await using var server = await Server();
        using var client = new FeedClient(Connection(server));

        var response = await client.GetItemWithResponseAsync("7");

        Assert.Equal(203, response.StatusCode);
        Assert.Equal("7", response.Body.Id);
        Assert.Equal("Lamp", response.Body.Name);
        Assert.Equal("5000", response.Header("x-ratelimit-limit"));
        Assert.Equal(5000, response.RateLimit!.Limit);
        Assert.Equal(4999, response.RateLimit.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(30), response.RateLimit.ResetAfter);
        Assert.False(response.RateLimit.IsExhausted);
        Assert.Equal(new Uri(server.BaseAddress, "api/items/items?page=2"), response.Links["next"]);
        Assert.Equal(new Uri("https://other.example/x"), response.Links["last"]);
        Assert.Equal(new Uri(server.BaseAddress, "api/items/7"), response.RequestUri);
        Assert.Equal("Bearer tok-1", server.Single().Header("Authorization"));
    }

    [Fact]
    public async Task Text_stream_and_no_body_twins_return_their_bodies_and_status()
    {
        await using var server = await Server();
        using var client = new FeedClient(Connection(server));

        var text = await client.GetNoteWithResponseAsync();
        var file = await client.DownloadWithResponseAsync();
        byte[] bytes;
        await using (file.Body)
        {
            using var copy = new MemoryStream();
            await file.Body.CopyToAsync(copy);
            bytes = copy.ToArray();
        }

        var deleted = await client.DeleteItemWithResponseAsync("7");

        Assert.Equal("hello", text.Body);
        Assert.Equal(200, text.StatusCode);
        Assert.StartsWith("text/plain", text.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(new byte[] { 1, 2, 3 }, bytes);
        Assert.Equal("application/octet-stream", file.Header("Content-Type"));
        Assert.Equal(204, deleted.StatusCode);
        Assert.Equal(4999, deleted.RateLimit!.Remaining);
    }

    [Fact]
    public async Task Call_options_add_a_header_to_one_call_of_every_kind_and_not_to_the_next()
    {
        await using var server = await Server();
        using var client = new FeedClient(Connection(server));
        var options = new ConnectorCallOptions { Headers = { ["X-Extra"] = "one" } };

        var item = await client.GetItemWithResponseAsync("1", options);
        await client.GetNoteAsync(options);
        await (await client.DownloadAsync(options)).DisposeAsync();
        await client.DeleteItemAsync("1", options);
        await client.GetItemAsync("2");

        Assert.Equal("one", item.Header("X-Echo"));
        var requests = server.Requests;
        Assert.Equal(new[] { "one", "one", "one", "one", null }, requests.Select(r => r.Header("X-Extra")));
    }

    [Fact]
    public async Task Call_timeout_ends_a_call_that_takes_longer_with_a_timeout_not_a_caller_cancellation()
    {
        await using var server = await Server();
        using var client = new FeedClient(Connection(server));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            client.GetItemAsync("slow", new ConnectorCallOptions { Timeout = TimeSpan.FromMilliseconds(300) })
        );

        // Named after connector and operation, and not the caller's cancellation.
        Assert.Contains("get_item", error.Message, StringComparison.Ordinal);
        Assert.Contains("'feed'", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "the call ended at its deadline, not at the server's answer");
    }

    [Fact]
    public async Task Error_response_keeps_throwing_and_exposes_headers_and_rate_limit()
    {
        await using var server = await Server();
        using var client = new FeedClient(Connection(server));

        var error = await Assert.ThrowsAsync<ConnectorApiException>(() => client.GetItemWithResponseAsync("missing"));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("{\"code\":\"nope\"}", error.ResponseBody);
        Assert.Equal("5000", error.Headers["X-RateLimit-Limit"].Single());
        // The structured IETF field wins over the X- headers.
        Assert.Equal(0, error.RateLimit!.Remaining);
        Assert.True(error.RateLimit.IsExhausted);
        Assert.Equal(TimeSpan.FromSeconds(12), error.RateLimit.ResetAfter);
        Assert.Equal("burst", error.RateLimit.Policy);
    }
}
