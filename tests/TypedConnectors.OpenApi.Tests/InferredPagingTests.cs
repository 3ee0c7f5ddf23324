using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpenApiTests.Paging;
using TypedConnectors;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>
/// Documents/paging.openapi.yaml compiled in the project: every inferred pagination rule of docs/pagination.md paged
/// end to end against a loopback API of five entries, two a page, through the connection's rate limiter.
/// </summary>
public sealed class InferredPagingTests
{
    private static readonly string[] Ids = { "e1", "e2", "e3", "e4", "e5" };

    private static JsonArray Entries(IEnumerable<string> ids) =>
        new(ids.Select(id => (JsonNode)new JsonObject { ["id"] = id, ["note"] = "n-" + id }).ToArray());

    /// <summary>Where a request starts: each style says it its own way (a cursor, the last id, a page in the next URL).</summary>
    private static int Start(ReceivedRequest request) =>
        request.Query("starting_after") is { } after ? Array.IndexOf(Ids, after) + 1
        : (request.Query("cursor") ?? request.Query("pageToken")) is { } cursor
            ? int.Parse(cursor[1..], System.Globalization.CultureInfo.InvariantCulture)
        : request.Query("p") is { } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)
        : request.Query("page") is { } page ? (int.Parse(page, System.Globalization.CultureInfo.InvariantCulture) - 1) * 2
        : 0;

    private static Task<LoopbackServer> Api() =>
        LoopbackServer.StartAsync(
            async (context, request) =>
            {
                var start = Start(request);
                var page = Ids.Skip(start).Take(2).ToList();
                var more = start + 2 < Ids.Length;
                var next = more ? "http://" + context.Request.Host + request.Path + "?p=" + (start + 2) : null;
                var relative = more ? request.Path + "?p=" + (start + 2) : null;
                JsonNode body = request.Path switch
                {
                    "/v1/charges" => new JsonObject { ["data"] = Entries(page), ["has_more"] = more },
                    "/v1/events" => new JsonObject { ["events"] = Entries(page), ["next_cursor"] = more ? "c" + (start + 2) : null },
                    "/v1/tokens" => new JsonObject
                    {
                        ["tokens"] = new JsonArray(page.Select(p => (JsonNode)p).ToArray()),
                        ["nextPageToken"] = more ? "t" + (start + 2) : null,
                    },
                    "/v1/logs" => new JsonObject { ["logs"] = Entries(page), ["next_page_url"] = relative },
                    "/v1/files" => new JsonObject { ["files"] = Entries(page), ["next"] = next },
                    "/v1/stations" => new JsonObject
                    {
                        ["data"] = Entries(page),
                        ["links"] = new JsonObject { ["next"] = next },
                    },
                    "/v1/orders" => new JsonObject
                    {
                        ["orders"] = Entries(page),
                        ["_links"] = new JsonObject { ["next"] = next },
                    },
                    "/v1/users" => new JsonObject { ["value"] = Entries(page), ["nextLink"] = next },
                    _ => Entries(page),
                };
                if (request.Path == "/v1/photos" && more)
                {
                    context.Response.Headers["Link"] = "</v1/photos?page=" + (start / 2 + 2) + ">; rel=\"next\"";
                }

                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(body.ToJsonString());
            }
        );

    private static async Task<List<string>> Ids_(IAsyncEnumerable<Entry> entries)
    {
        var ids = new List<string>();
        await foreach (var entry in entries)
        {
            ids.Add(entry.Id);
        }

        return ids;
    }

    [Theory]
    [InlineData("charges", "starting_after", "-,e2,e4")]
    [InlineData("events", "cursor", "-,c2,c4")]
    [InlineData("tokens", "pageToken", "-,t2,t4")]
    [InlineData("logs", "p", "-,2,4")]
    [InlineData("files", "p", "-,2,4")]
    [InlineData("stations", "p", "-,2,4")]
    [InlineData("orders", "p", "-,2,4")]
    [InlineData("photos", "page", "-,2,3")]
    [InlineData("users", "p", "-,2,4")]
    public async Task Each_inferred_rule_pages_to_the_end_through_the_rate_limiter(string collection, string advancing, string sent)
    {
        await using var server = await Api();
        var limiter = new CountingRateLimiter();
        using var client = new PagingClient(
            PagingConnection.Create(
                "key-1",
                options: new ConnectorConnectionOptions
                {
                    BaseAddress = new Uri(server.BaseAddress, "v1/"),
                    MaxRetries = 0,
                    SharedRateLimiter = limiter,
                }
            )
        );

        var ids = collection switch
        {
            "charges" => await Ids_(client.ListChargesAllAsync(limit: 2)),
            "events" => await Ids_(client.ListEventsAllAsync()),
            "tokens" => await ToList(client.ListTokensAllAsync()),
            "logs" => await Ids_(client.ListLogsAllAsync()),
            "files" => await Ids_(client.ListFilesAllAsync()),
            "stations" => await Ids_(client.ListStationsAllAsync()),
            "orders" => await Ids_(client.ListOrdersAllAsync()),
            "photos" => await Ids_(client.ListPhotosAllAsync()),
            _ => await Ids_(client.ListUsersAllAsync()),
        };

        Assert.Equal(Ids, ids);
        Assert.Equal(sent, string.Join(",", server.Requests.Select(r => r.Query(advancing) ?? "-")));
        Assert.All(server.Requests, r => Assert.Equal("/v1/" + collection, r.Path));
        Assert.All(server.Requests, r => Assert.Equal("key-1", r.Header("X-Key")));
        Assert.Equal(server.Requests.Count, limiter.Granted);
    }

    [Fact]
    public void Shapes_the_rules_leave_alone_have_no_paging_methods()
    {
        var methods = typeof(PagingClient).GetMethods().Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("ListMixedAsync", methods);
        Assert.DoesNotContain("ListMixedAllAsync", methods);
        Assert.DoesNotContain("ListUntypedAllAsync", methods);
        Assert.DoesNotContain("ListRefundsAllAsync", methods);
        Assert.Contains("ListChargesPagesAsync", methods);
    }

    private static async Task<List<string>> ToList(IAsyncEnumerable<string> items)
    {
        var list = new List<string>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
