using System.Text.Json;
using DialectTests.DatabarApi;
using DialectTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using TypedConnectors;
using TypedConnectors.Testing;

namespace DialectTests;

/// <summary>
/// The Databar API's own OpenAPI document (../shared/seed-examples/databar-api.openapi.yaml, picked up by its
/// *.openapi.yaml name) generates the client that registers connectors; it is driven against a local server.
/// </summary>
public class DatabarApiTests
{
    private const string CreatedJson = """
        {"id":42,"name":"My Scoring API","type":"enrichment","method":"post","url":"https://api.example.com/v1/score",
         "headers":[{"name":"Content-Type","value":"application/json"}],"parameters":[{"name":"company_domain","value":""}],
         "body":[{"name":"domain","value":""},{"name":"enrichment_type","value":"full"}],"rate_limit":10,"max_concurrency":5,
         "created_at":"2025-01-15T10:30:00Z"}
        """;

    private static async Task<LoopbackServer> StartAsync(int status = 201, string json = CreatedJson) =>
        await LoopbackServer.StartAsync(
            async (context, _) =>
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(json);
            }
        );

    // The document declares no security scheme but requires an x-apikey header on every operation: that header is
    // the connection's API key, not an argument of each call.
    private static DatabarApiClient Client(LoopbackServer server) =>
        new(DatabarApiConnection.Create("databar-api-key", new ConnectorConnectionOptions { BaseAddress = server.BaseAddress }));

    [Fact]
    public async Task Creating_the_seed_enrichment_connector_posts_it_and_reads_the_created_connector()
    {
        await using var server = await StartAsync();
        using var client = Client(server);

        // The Databar seed payload is exactly a ConnectorCreate body.
        var payload = JsonSerializer.Deserialize<ConnectorCreate>(Seeds.Text("databar-enrichment.json"), ConnectorJson.Options)!;
        var created = await client.CreateConnectorV1ConnectorsPostAsync(payload);

        var request = server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/connectors/", request.Path);
        Assert.Equal("databar-api-key", request.Header("x-apikey"));
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        using (var sent = JsonDocument.Parse(request.Body))
        using (var seed = JsonDocument.Parse(Seeds.Text("databar-enrichment.json")))
        {
            Assert.True(JsonElement.DeepEquals(seed.RootElement, sent.RootElement), request.Body);
        }

        Assert.Equal(42, created.Id);
        Assert.Equal("My Scoring API", created.Name);
        Assert.Equal(5, created.MaxConcurrency);
        Assert.Equal("enrichment_type", created.Body![1].Name);
        Assert.Equal("2025-01-15T10:30:00Z", created.CreatedAt);
    }

    [Fact]
    public async Task A_300_character_name_is_rejected_before_anything_is_sent()
    {
        await using var server = await StartAsync();
        using var client = Client(server);
        var payload = new ConnectorCreate
        {
            Name = new string('n', 300),
            Method = "get",
            Url = "https://api.example.com/v1/company",
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CreateConnectorV1ConnectorsPostAsync(payload));

        Assert.Equal("name", error.ParamName);
        Assert.Contains("256", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);

        // The limits are the schema's: 256 characters pass, a 513-character URL does not.
        await client.CreateConnectorV1ConnectorsPostAsync(payload with { Name = new string('n', 256) });
        var url = await Assert.ThrowsAsync<ArgumentException>(() =>
            client.CreateConnectorV1ConnectorsPostAsync(
                payload with
                {
                    Name = "ok",
                    Url = "https://api.example.com/" + new string('x', 489),
                }
            )
        );
        Assert.Equal("url", url.ParamName);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Limits_inside_nullable_any_of_are_checked_too()
    {
        await using var server = await StartAsync();
        using var client = Client(server);
        var payload = new ConnectorCreate
        {
            Name = "T",
            Method = "post",
            Url = "https://api.example.com/x",
        };

        var template = await Assert.ThrowsAsync<ArgumentException>(() =>
            client.CreateConnectorV1ConnectorsPostAsync(payload with { BodyTemplate = new string('t', 2049) })
        );
        Assert.Equal("body_template", template.ParamName);
        var rate = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            client.CreateConnectorV1ConnectorsPostAsync(payload with { RateLimit = 0 })
        );
        Assert.Equal("rate_limit", rate.ParamName);
        var concurrency = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            client.CreateConnectorV1ConnectorsPostAsync(payload with { MaxConcurrency = 0 })
        );
        Assert.Equal("max_concurrency", concurrency.ParamName);
        Assert.Empty(server.Requests);

        // null means "not set" and the limits themselves are allowed.
        await client.CreateConnectorV1ConnectorsPostAsync(
            payload with
            {
                BodyTemplate = new string('t', 2048),
                RateLimit = 1,
                MaxConcurrency = 1,
            }
        );
        await client.CreateConnectorV1ConnectorsPostAsync(payload);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Validation_errors_of_the_api_are_typed()
    {
        await using var server = await StartAsync(422, """{"detail":[{"loc":["body","url"],"msg":"invalid url","type":"value_error"}]}""");
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<ConnectorApiException<HttpValidationError>>(() =>
            client.CreateConnectorV1ConnectorsPostAsync(
                new ConnectorCreate
                {
                    Name = "x",
                    Method = "get",
                    Url = "nope",
                }
            )
        );

        Assert.Equal(422, error.StatusCode);
        Assert.Equal("invalid url", error.Error!.Detail![0].Msg);
    }
}
