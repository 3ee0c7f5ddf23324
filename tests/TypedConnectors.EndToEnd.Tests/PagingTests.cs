using System.Text.Json;
using System.Text.Json.Nodes;
using EndToEnd.Feed;
using Microsoft.AspNetCore.Http;
using TypedConnectors;
using TypedConnectors.Testing;

namespace EndToEnd;

/// <summary>Every declared pagination style end to end: a loopback API of seven items, paged as real APIs page.</summary>
public class PagingTests
{
    /// <summary>The connection's rate limiter: every request (every page, every stream) takes one permit.</summary>
    private readonly CountingRateLimiter _limiter = new();

    private static readonly string[] Ids = { "i1", "i2", "i3", "i4", "i5", "i6", "i7" };

    private static JsonArray Items(IEnumerable<string> ids) => new(ids.Select(id => (JsonNode)new JsonObject { ["id"] = id }).ToArray());

    private static int Int(ReceivedRequest request, string name, int fallback) =>
        int.TryParse(request.Query(name), out var v) ? v : fallback;

    /// <summary>The API; the first request of the run is answered 429 with Retry-After once, to go through the retry pipeline.</summary>
    private static Task<LoopbackServer> Api(bool throttleFirst = false)
    {
        var throttled = !throttleFirst;
        return LoopbackServer.StartAsync(
            async (context, request) =>
            {
                if (!throttled)
                {
                    throttled = true;
                    context.Response.StatusCode = 429;
                    context.Response.Headers["Retry-After"] = "0";
                    return;
                }

                JsonNode body;
                var baseUrl = "http://" + context.Request.Host + "/api";
                switch (request.Path)
                {
                    case "/api/cursor":
                    {
                        var start = request.Query("cursor") is { } c ? int.Parse(c[1..]) : 0;
                        var limit = Int(request, "limit", 2);
                        var page = Ids.Skip(start).Take(limit).ToList();
                        var next = start + limit < Ids.Length ? "c" + (start + limit) : null;
                        body = new JsonObject { ["data"] = Items(page), ["next_cursor"] = next };
                        break;
                    }
                    case "/api/stripe":
                    {
                        var after = request.Query("starting_after");
                        var rest = after is null ? Ids : Ids.SkipWhile(i => i != after).Skip(1).ToArray();
                        var page = rest.Take(Int(request, "limit", 3)).ToList();
                        body = new JsonObject { ["data"] = Items(page), ["has_more"] = rest.Length > page.Count };
                        break;
                    }
                    case "/api/next":
                    {
                        var p = Int(request, "p", 0);
                        var size = Int(request, "size", 3);
                        var page = Ids.Skip(p * size).Take(size).ToList();
                        var next =
                            size == 99 ? "http://attacker.example/api/next?p=1"
                            : (p + 1) * size < Ids.Length ? baseUrl + "/next?p=" + (p + 1) + "&size=" + size
                            : null;
                        body = new JsonObject
                        {
                            ["items"] = Items(page),
                            ["links"] = new JsonObject { ["next"] = next },
                        };
                        break;
                    }
                    case "/api/link":
                    {
                        var p = Int(request, "page", 1);
                        var page = Ids.Skip((p - 1) * 3).Take(3).ToList();
                        if (p * 3 < Ids.Length)
                        {
                            context.Response.Headers["Link"] =
                                "</api/link?page=" + (p + 1) + ">; rel=\"next\", </api/link?page=3>; rel=\"last\"";
                        }

                        body = Items(page);
                        break;
                    }
                    case "/api/offset":
                    {
                        var page = Ids.Skip(Int(request, "offset", 0)).Take(Int(request, "limit", 3)).ToList();
                        body = new JsonObject { ["results"] = Items(page), ["total"] = Ids.Length };
                        break;
                    }
                    case "/api/page":
                    {
                        var size = Int(request, "per_page", 3);
                        var page = Ids.Skip((Int(request, "page", 1) - 1) * size).Take(size).ToList();
                        body = new JsonObject { ["items"] = Items(page) };
                        break;
                    }
                    case "/api/search":
                    {
                        var sent = JsonNode.Parse(request.Body)!;
                        var start = sent["cursor"]?.GetValue<string>() is { } c ? int.Parse(c[1..]) : 0;
                        var page = Ids.Skip(start).Take(4).ToList();
                        body = new JsonObject
                        {
                            ["data"] = Items(page),
                            ["next_cursor"] = start + 4 < Ids.Length ? "c" + (start + 4) : null,
                        };
                        break;
                    }
                    default:
                        context.Response.StatusCode = 404;
                        return;
                }

                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(body.ToJsonString());
            }
        );
    }

    private static async Task<List<string>> All(IAsyncEnumerable<Item> items)
    {
        var ids = new List<string>();
        await foreach (var item in items)
        {
            ids.Add(item.Id);
        }

        return ids;
    }

    private static List<string> Sent(LoopbackServer server, string name) => server.Requests.Select(r => r.Query(name) ?? "-").ToList();

    [Fact]
    public async Task Cursor_from_the_response_feeds_the_request_parameter_through_auth_and_a_429_retry()
    {
        await using var server = await Api(throttleFirst: true);
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var ids = await All(client.ListCursorAllAsync());

        Assert.Equal(Ids, ids);
        Assert.Equal(server.Requests.Count, _limiter.Granted);
        // The throttled first request was retried by the pipeline; then one request per page, one at a time.
        Assert.Equal(new[] { "-", "-", "c2", "c4", "c6" }, Sent(server, "cursor"));
        Assert.All(server.Requests, r => Assert.Equal("Bearer tok-1", r.Header("Authorization")));
        Assert.All(server.Requests, r => Assert.Equal("2", r.Query("limit")));
    }

    [Fact]
    public async Task Stripe_style_last_item_id_cursor_stops_when_has_more_is_false()
    {
        await using var server = await Api();
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var ids = await All(client.ListStripeAllAsync(limit: 3));

        Assert.Equal(Ids, ids);
        Assert.Equal(server.Requests.Count, _limiter.Granted);
        Assert.Equal(new[] { "-", "i3", "i6" }, Sent(server, "starting_after"));
    }

    [Fact]
    public async Task Next_url_in_the_body_is_followed_and_pages_expose_each_raw_response()
    {
        await using var server = await Api();
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var pages = new List<ConnectorResponse<NextPage>>();
        await foreach (var page in client.ListNextPagesAsync(size: 3))
        {
            pages.Add(page);
        }

        Assert.Equal(3, pages.Count);
        Assert.Equal(3, _limiter.Granted);
        Assert.All(pages, p => Assert.Equal(200, p.StatusCode));
        Assert.Equal(Ids, pages.SelectMany(p => p.Body.Items!).Select(i => i.Id));
        Assert.Equal(new[] { "-", "1", "2" }, Sent(server, "p"));
        Assert.EndsWith("/api/next", pages[2].RequestUri!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_next_url_on_another_origin_is_refused_so_credentials_stay_with_the_api()
    {
        await using var server = await Api();
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var item in client.ListNextAllAsync(size: 99))
            {
                seen.Add(item.Id);
            }
        });

        Assert.Equal(Ids, seen);
        Assert.Contains("http://attacker.example", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Link_header_next_relation_is_followed_until_absent()
    {
        await using var server = await Api();
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var ids = await All(client.ListLinkAllAsync());

        Assert.Equal(Ids, ids);
        Assert.Equal(server.Requests.Count, _limiter.Granted);
        Assert.Equal(new[] { "-", "2", "3" }, Sent(server, "page"));
    }

    [Fact]
    public async Task Offset_advances_by_the_items_received_and_stops_at_the_total()
    {
        await using var server = await Api();
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var ids = await All(client.ListOffsetAllAsync());

        Assert.Equal(Ids, ids);
        Assert.Equal(server.Requests.Count, _limiter.Granted);
        Assert.Equal(new[] { "-", "3", "6" }, Sent(server, "offset"));
    }

    [Fact]
    public async Task Page_numbers_advance_by_one_and_a_short_page_is_the_last()
    {
        await using var server = await Api();
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var ids = await All(client.ListPageAllAsync());

        Assert.Equal(Ids, ids);
        Assert.Equal(server.Requests.Count, _limiter.Granted);
        // Page 3 holds one item, fewer than per_page=3: no fourth request.
        Assert.Equal(new[] { "-", "2", "3" }, Sent(server, "page"));
    }

    [Fact]
    public async Task Cursor_in_a_json_body_is_replaced_per_page_and_the_other_fields_kept()
    {
        await using var server = await Api();
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var ids = await All(client.SearchAllAsync(query: "lamp"));

        Assert.Equal(Ids, ids);
        Assert.Equal(server.Requests.Count, _limiter.Granted);
        var bodies = server.Requests.Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(new[] { "lamp", "lamp" }, bodies.Select(b => b["query"]!.GetValue<string>()));
        Assert.Null(bodies[0]["cursor"]);
        Assert.Equal("c4", bodies[1]["cursor"]!.GetValue<string>());
    }

    [Fact]
    public async Task Max_items_and_max_pages_guards_stop_requesting()
    {
        await using var server = await Api();
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));

        var five = await All(client.ListCursorAllAsync(paging: new ConnectorPagingOptions { MaxItems = 3 }));
        var requestsForThree = server.Requests.Count;
        var pages = 0;
        await foreach (var _ in client.ListCursorPagesAsync(paging: new ConnectorPagingOptions { MaxPages = 2 }))
        {
            pages++;
        }

        Assert.Equal(new[] { "i1", "i2", "i3" }, five);
        Assert.Equal(2, requestsForThree);
        Assert.Equal(2, pages);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task Cancellation_ends_the_enumeration_without_another_request()
    {
        await using var server = await Api();
        using var client = new FeedClient(RawResponseTests.Connection(server, _limiter));
        using var cts = new CancellationTokenSource();

        var seen = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in client.ListCursorAllAsync().WithCancellation(cts.Token))
            {
                seen.Add(item.Id);
                if (seen.Count == 2)
                {
                    cts.Cancel();
                }
            }
        });

        Assert.Equal(new[] { "i1", "i2" }, seen);
        Assert.Single(server.Requests);
    }
}
