using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EndToEnd.Shop;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedConnectors;
using TypedConnectors.Testing;

namespace EndToEnd;

public class ShopClientTests
{
    private const string ProductJson =
        """{"id":7,"title":"Lamp","price":12.50,"state":"sold-out","updated":"2026-11-20T10:00:00+00:00","tags":["a","b"],"unknown":1}""";

    private static ShopConnection Basic(LoopbackServer server) =>
        ShopConnection.CreateBasic("key-123", "acme", new ConnectorConnectionOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

    [Fact]
    public async Task Get_sends_path_query_headers_and_basic_auth_and_reads_typed_response()
    {
        await using var server = await LoopbackServer.StartJsonAsync(ProductJson);
        using var client = new ShopClient(Basic(server));

        var product = await client.GetProductAsync(7, expand: new[] { "images", "stock" }, xTrace: "t-1");

        var request = server.Single();
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/products/7", request.Path);
        Assert.Equal("images,stock", request.Query("expand"));
        Assert.Equal("t-1", request.Header("X-Trace"));
        Assert.Equal("typed-connectors-tests", request.Header("X-Client"));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("key-123:X")), request.Header("Authorization"));
        Assert.Equal(7, product.Id);
        Assert.Equal("Lamp", product.Title);
        Assert.Equal(12.50m, product.Price);
        Assert.Equal(ProductState.SoldOut, product.State);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), product.Updated);
        Assert.Equal(new[] { "a", "b" }, product.Tags);
    }

    [Fact]
    public async Task Defaults_and_constants_are_sent_and_enums_use_wire_names()
    {
        await using var server = await LoopbackServer.StartJsonAsync("[]");
        using var client = new ShopClient(Basic(server));

        var products = await client.ListProductsAsync(state: ListProductsState.SoldOut);

        Assert.Empty(products);
        var request = server.Single();
        Assert.Equal("1", request.Query("page"));
        Assert.Equal("sold-out", request.Query("state"));
        Assert.Equal("compact", request.Query("format"));
        Assert.Equal("store-acme", request.Header("X-Store"));
    }

    [Fact]
    public async Task Json_body_fields_and_templates_are_sent_as_json()
    {
        await using var server = await LoopbackServer.StartJsonAsync(ProductJson);
        using var client = new ShopClient(Basic(server));

        var created = await client.CreateProductAsync(
            new Product
            {
                Id = 0,
                Title = "New \"lamp\"",
                State = ProductState.Live,
            }
        );
        await client.AddReviewAsync(7, stars: 5);
        var reply = await client.SendMessageAsync(to: "ann@example.com", text: "line1\n\"quoted\" \u00e9 {{x}}", meta: "tag");

        Assert.Equal(7, created.Id);
        var requests = server.Requests;
        using (var json = JsonDocument.Parse(requests[0].Body))
        {
            Assert.Equal("New \"lamp\"", json.RootElement.GetProperty("title").GetString());
            Assert.Equal("live", json.RootElement.GetProperty("state").GetString());
            Assert.False(json.RootElement.TryGetProperty("price", out _));
        }

        Assert.Equal("/v1/products/7/reviews", requests[1].Path);
        using (var json = JsonDocument.Parse(requests[1].Body))
        {
            Assert.Equal(5, json.RootElement.GetProperty("stars").GetInt32());
            Assert.Equal("api", json.RootElement.GetProperty("source").GetString());
        }

        Assert.StartsWith("application/json", requests[2].ContentType, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(requests[2].Body))
        {
            Assert.Equal("ann@example.com", json.RootElement.GetProperty("to").GetString());
            Assert.Equal("line1\n\"quoted\" \u00e9 {{x}}", json.RootElement.GetProperty("text").GetString());
            Assert.Equal("tag", json.RootElement.GetProperty("meta").GetString());
            Assert.Equal("en", json.RootElement.GetProperty("lang").GetString());
            Assert.Equal(4, json.RootElement.EnumerateObject().Count());
        }

        Assert.Equal(ProductJson, reply);
    }

    [Fact]
    public async Task Constraints_are_checked_before_sending()
    {
        await using var server = await LoopbackServer.StartJsonAsync(ProductJson);
        using var client = new ShopClient(Basic(server));

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            client.CreateProductAsync(new Product { Id = 1, Title = new string('x', 41) })
        );

        Assert.Equal("title", error.ParamName);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Non_success_status_throws_with_status_and_body()
    {
        await using var server = await LoopbackServer.StartJsonAsync("""{"error":"no such product"}""", status: 404);
        using var client = new ShopClient(Basic(server));

        var error = await Assert.ThrowsAsync<ConnectorApiException>(() => client.DeleteProductAsync(99));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("no such product", error.ResponseBody, StringComparison.Ordinal);
        Assert.Equal("DELETE", error.Method);
        Assert.DoesNotContain("key-123", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("key")]
    [InlineData("query_key")]
    [InlineData("bearer")]
    public async Task Every_auth_method_sends_exactly_what_the_connector_file_says(string method)
    {
        await using var server = await LoopbackServer.StartJsonAsync("[]");
        var options = new ConnectorConnectionOptions { BaseAddress = server.BaseAddress };
        var connection = method switch
        {
            "key" => ShopConnection.CreateKey("k-1", "acme", options),
            "query_key" => ShopConnection.CreateQueryKey("k-2", "acme", options),
            _ => ShopConnection.CreateBearer("t-3", "acme", options),
        };
        using var client = new ShopClient(connection);

        await client.ListProductsAsync();

        var request = server.Single();
        switch (method)
        {
            case "key":
                Assert.Equal("Key k-1", request.Header("X-Shop-Key"));
                Assert.Null(request.Header("Authorization"));
                break;
            case "query_key":
                Assert.Equal("k-2", request.Query("api_key"));
                Assert.Null(request.Header("Authorization"));
                break;
            default:
                Assert.Equal("Bearer t-3", request.Header("Authorization"));
                break;
        }

        Assert.DoesNotContain("k-1", connection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("t-3", connection.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_concurrency_from_the_connector_file_is_never_exceeded()
    {
        var inFlight = 0;
        var peak = 0;
        await using var server = await LoopbackServer.StartAsync(
            async (context, _) =>
            {
                var now = Interlocked.Increment(ref inFlight);
                int seen;
                while ((seen = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, seen) != seen) { }

                await Task.Delay(20);
                Interlocked.Decrement(ref inFlight);
                context.Response.StatusCode = 204;
            }
        );
        using var client = new ShopClient(Basic(server));

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.SlowAsync()));

        Assert.Equal(40, server.Requests.Count);
        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task Clients_created_per_call_share_the_connections_pool()
    {
        await using var server = await LoopbackServer.StartJsonAsync("[]");
        var connection = Basic(server);

        for (var i = 0; i < 20; i++)
        {
            using var client = new ShopClient(connection);
            await client.ListProductsAsync();
        }

        Assert.Equal(20, server.Requests.Count);
        Assert.Single(server.Requests.Select(r => r.ConnectionId).Distinct());

        // Disposing the connection closes its pool; its clients then refuse to send.
        using var last = new ShopClient(connection);
        connection.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => last.ListProductsAsync());
        Assert.Throws<ObjectDisposedException>(() => new ShopClient(connection));
        Assert.Equal(20, server.Requests.Count);
    }

    [Theory]
    [InlineData("evil.example/x")]
    [InlineData("a@evil.example")]
    [InlineData("..")]
    [InlineData("acme\r\nHost: evil")]
    [InlineData("evil.example:8080")]
    public void Hostile_template_values_are_refused(string store)
    {
        Assert.Throws<ConnectorConfigurationException>(() => ShopConnection.CreateBasic("key", store));
    }

    [Fact]
    public void Template_values_resolve_the_base_url()
    {
        var connection = ShopConnection.CreateBasic("key", "acme");

        Assert.Equal(new Uri("https://acme.shop.example/v1/"), connection.BaseAddress);
        Assert.Equal("acme", connection.Store);
    }

    [Fact]
    public async Task Dependency_injection_registration_sends_through_the_connection_pipeline()
    {
        await using var server = await LoopbackServer.StartJsonAsync("[]");
        var services = new ServiceCollection();
        services.AddShopClient(Basic(server));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IShopClient>();
        await client.ListProductsAsync();

        var request = server.Single();
        Assert.Equal("Basic", AuthenticationHeaderValue.Parse(request.Header("Authorization")!).Scheme);
    }
}
