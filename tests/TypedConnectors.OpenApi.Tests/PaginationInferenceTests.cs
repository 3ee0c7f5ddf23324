using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>Pagination inferred from OpenAPI shapes that leave one reading, and only those (docs/pagination.md).</summary>
public sealed class PaginationInferenceTests
{
    private const string Stripe = """
        openapi: 3.0.3
        info: { title: Charges, version: '1' }
        servers: [{ url: 'https://charges.example/v1' }]
        paths:
          /charges:
            get:
              operationId: listCharges
              parameters:
                - { name: starting_after, in: query, schema: { type: string } }
                - { name: limit, in: query, schema: { type: integer } }
              responses:
                '200':
                  description: A page.
                  content: { application/json: { schema: { $ref: '#/components/schemas/ChargeList' } } }
          /refunds:
            get:
              operationId: listRefunds
              x-pagination: false
              parameters: [{ name: starting_after, in: query, schema: { type: string } }]
              responses:
                '200':
                  description: A page.
                  content: { application/json: { schema: { $ref: '#/components/schemas/ChargeList' } } }
          /events:
            get:
              operationId: listEvents
              parameters: [{ name: cursor, in: query, schema: { type: string } }]
              responses:
                '200':
                  description: Two arrays, so which one is the page is not clear.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          data: { type: array, items: { type: string } }
                          warnings: { type: array, items: { type: string } }
                          next_cursor: { type: string }
          /tokens:
            get:
              operationId: listTokens
              parameters: [{ name: page_token, in: query, schema: { type: string } }]
              responses:
                '200':
                  description: A page.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          tokens: { type: array, items: { type: string } }
                          nextPageToken: { type: string }
        components:
          schemas:
            ChargeList:
              type: object
              properties:
                data: { type: array, items: { $ref: '#/components/schemas/Charge' } }
                has_more: { type: boolean }
            Charge: { type: object, properties: { id: { type: string } } }
        """;

    private const string Scenario = """
        namespace TestApp
        {
            /// <summary>Enumerates the inferred paged operation.</summary>
            public static class Scenario
            {
                /// <summary>Runs.</summary>
                /// <param name="baseAddress">The server.</param>
                /// <returns>Charge ids.</returns>
                public static async System.Threading.Tasks.Task<string> Run(System.Uri baseAddress)
                {
                    var connection = TestApp.Charges.ChargesConnection.Create(new TypedConnectors.ConnectorConnectionOptions { BaseAddress = baseAddress });
                    using var client = new TestApp.Charges.ChargesClient(connection);
                    var seen = new System.Collections.Generic.List<string>();
                    await foreach (var charge in client.ListChargesAllAsync(limit: 2))
                    {
                        seen.Add(charge.Id!);
                    }

                    return string.Join(",", seen);
                }
            }
        }
        """;

    private static List<string> Paged(GeneratorRun run) =>
        run.DerivedMethods()
            .Select(m => m.Name)
            .Where(n => n.EndsWith("AllAsync", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public async Task Has_more_with_data_and_starting_after_is_paged_by_the_last_id_and_opt_out_and_ambiguity_are_not()
    {
        var run = GeneratorHarness.Run(new[] { new InputFile("/project/charges.openapi.yaml", Stripe) }, userSource: Scenario);
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));

        // listRefunds opts out; listEvents has two arrays; listTokens pairs nextPageToken with page_token.
        Assert.Equal(new[] { "ListChargesAllAsync", "ListTokensAllAsync" }, Paged(run));

        await using var server = await LoopbackServer.StartAsync(
            async (context, request) =>
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(
                    request.Query("starting_after") switch
                    {
                        null => """{"data":[{"id":"ch_1"},{"id":"ch_2"}],"has_more":true}""",
                        "ch_2" => """{"data":[{"id":"ch_3"}],"has_more":false}""",
                        _ => """{"data":[],"has_more":false}""",
                    }
                );
            }
        );
        var scenario = GeneratorHarness.Load(run).GetType("TestApp.Scenario")!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;

        var result = await (Task<string>)scenario.Invoke(null, new object[] { new Uri(server.BaseAddress, "v1/") })!;

        Assert.Equal("ch_1,ch_2,ch_3", result);
        Assert.Equal(new[] { "?limit=2", "?limit=2&starting_after=ch_2" }, server.Requests.Select(r => r.QueryString));
    }

    private const string TrainScenario = """
        namespace TestApp
        {
            /// <summary>Pages through the Train Travel API's stations.</summary>
            public static class TrainScenario
            {
                /// <summary>Runs.</summary>
                /// <param name="baseAddress">The server.</param>
                /// <param name="limiter">The connection's rate limiter.</param>
                /// <returns>Station names, then the page count.</returns>
                public static async System.Threading.Tasks.Task<string> Run(System.Uri baseAddress, System.Threading.RateLimiting.RateLimiter limiter)
                {
                    var options = new TypedConnectors.ConnectorConnectionOptions { BaseAddress = baseAddress, SharedRateLimiter = limiter };
                    options.AddAuthHandler(TypedConnectors.AuthKind.OAuth2, (_, _) => new TypedConnectors.BearerTokenHandler("tok-train"));
                    using var client = new TestApp.Train.TrainClient(TestApp.Train.TrainConnection.CreateOAuth2("client-1", options: options));
                    var seen = new System.Collections.Generic.List<string>();
                    await foreach (var station in client.GetStationsAllAsync(limit: 2, country: "DE"))
                    {
                        seen.Add(station.Name);
                    }

                    var pages = 0;
                    await foreach (var page in client.GetStationsPagesAsync(limit: 2, country: "DE"))
                    {
                        pages++;
                    }

                    return string.Join(",", seen) + ";" + pages;
                }
            }
        }
        """;

    [Fact]
    public async Task Train_travel_api_of_the_dev_corpus_pages_its_collections_by_links_next_through_the_rate_limiter()
    {
        var run = GeneratorHarness.Run(
            new[] { new InputFile("/project/train.openapi.yaml", Corpus.Text("bump-sh__train-travel-api__openapi.yaml")) },
            userSource: TrainScenario
        );
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));

        // Its collections answer `data` (the one array) and `links`, an allOf of Links-Self and Links-Pagination whose
        // merged `next` is a `format: uri` string: the next-URL rule. Single resources (links.self only) are not paged.
        Assert.Equal(new[] { "GetBookingsAllAsync", "GetStationsAllAsync", "GetTripsAllAsync" }, Paged(run));

        string[] names = { "Berlin Hbf", "Paris Nord", "Milano Centrale", "Wien Hbf", "Praha hl.n." };
        await using var server = await LoopbackServer.StartAsync(
            async (context, request) =>
            {
                var page = int.Parse(request.Query("page") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
                var size = int.Parse(request.Query("limit") ?? "10", System.Globalization.CultureInfo.InvariantCulture);
                var slice = names
                    .Skip((page - 1) * size)
                    .Take(size)
                    .Select(
                        (n, i) =>
                            new
                            {
                                id = Guid.NewGuid(),
                                name = n,
                                address = "Platz " + i,
                                country_code = "DE",
                            }
                    );
                var self = "http://" + context.Request.Host + "/v1/stations?page=" + page + "&limit=" + size + "&country=DE";
                var next =
                    page * size < names.Length
                        ? "http://" + context.Request.Host + "/v1/stations?page=" + (page + 1) + "&limit=" + size + "&country=DE"
                        : null;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(
                    System.Text.Json.JsonSerializer.Serialize(new { data = slice, links = new { self, next } })
                );
            }
        );
        var scenario = GeneratorHarness
            .Load(run)
            .GetType("TestApp.TrainScenario")!
            .GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;
        var limiter = new CountingRateLimiter();

        var result = await (Task<string>)scenario.Invoke(null, new object[] { new Uri(server.BaseAddress, "v1/"), limiter })!;

        // Items in order across three pages, then the page without `next` ends it; the same again page by page.
        Assert.Equal(string.Join(",", names) + ";3", result);
        var sent = server.Requests.Select(r => r.Path + r.QueryString).ToList();
        Assert.Equal(6, sent.Count);
        Assert.Equal("/v1/stations?page=1&limit=2&country=DE", sent[0]);
        Assert.Equal("/v1/stations?page=2&limit=2&country=DE", sent[1]);
        Assert.Equal("/v1/stations?page=3&limit=2&country=DE", sent[2]);
        Assert.All(server.Requests, r => Assert.Equal("Bearer tok-train", r.Header("Authorization")));
        Assert.Equal(server.Requests.Count, limiter.Granted);
    }

    [Fact]
    public void X_pagination_false_at_the_root_turns_inference_off()
    {
        var run = GeneratorHarness.Run(
            new[]
            {
                new InputFile(
                    "/project/charges.openapi.yaml",
                    Stripe.Replace("openapi: 3.0.3", "openapi: 3.0.3\nx-pagination: false", StringComparison.Ordinal)
                ),
            }
        );

        Assert.Empty(Paged(run));
    }
}
