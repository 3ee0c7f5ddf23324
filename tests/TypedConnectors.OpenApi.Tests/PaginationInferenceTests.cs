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

    [Fact]
    public void Train_travel_api_of_the_dev_corpus_is_not_paged_while_its_next_link_is_untyped()
    {
        var run = GeneratorHarness.Run(
            new[] { new InputFile("/project/train.openapi.yaml", Corpus.Text("bump-sh__train-travel-api__openapi.yaml")) }
        );
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));

        // Its collections carry data plus links.next, but links is an allOf of two references that the reader types
        // as JsonElement: the next link's type is not known, so the rule does not apply rather than guess.
        Assert.Empty(Paged(run));
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
