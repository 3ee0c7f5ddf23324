using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>Pagination declared for OpenAPI operations: an <c>x-pagination</c> extension, and a connector file's overlay.</summary>
public sealed class PaginationTests
{
    private const string Document = """
        openapi: 3.0.3
        info: { title: Tickets, version: '1' }
        servers: [{ url: 'https://tickets.example/api' }]
        paths:
          /tickets:
            get:
              operationId: listTickets
              parameters:
                - { name: page_token, in: query, schema: { type: string } }
              x-pagination: { style: cursor, items: /tickets, cursor: /nextPageToken, cursor_param: page_token }
              responses:
                '200':
                  description: A page.
                  content: { application/json: { schema: { $ref: '#/components/schemas/TicketPage' } } }
          /users:
            get:
              operationId: listUsers
              parameters:
                - { name: offset, in: query, schema: { type: integer } }
                - { name: limit, in: query, schema: { type: integer, default: 2 } }
              responses:
                '200':
                  description: Users.
                  content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/User' } } } }
        components:
          schemas:
            TicketPage:
              type: object
              properties:
                tickets: { type: array, items: { $ref: '#/components/schemas/Ticket' } }
                nextPageToken: { type: string }
            Ticket: { type: object, properties: { id: { type: string } } }
            User: { type: object, properties: { name: { type: string } } }
        """;

    private const string Connector = """
        {
          "format_version": 1,
          "name": "Tickets",
          "openapi": "tickets.openapi.yaml",
          "operations": {
            "pagination": { "listUsers": { "style": "offset", "offset_param": "offset", "limit_param": "limit" } }
          }
        }
        """;

    private const string Scenario = """
        namespace TestApp
        {
            /// <summary>Enumerates both paged operations.</summary>
            public static class Scenario
            {
                /// <summary>Runs.</summary>
                /// <param name="baseAddress">The server.</param>
                /// <returns>Ticket ids and user names.</returns>
                public static async System.Threading.Tasks.Task<string> Run(System.Uri baseAddress)
                {
                    var connection = TestApp.Tickets.TicketsConnection.Create(new TypedConnectors.ConnectorConnectionOptions { BaseAddress = baseAddress });
                    using var client = new TestApp.Tickets.TicketsClient(connection);
                    var seen = new System.Collections.Generic.List<string>();
                    await foreach (var ticket in client.ListTicketsAllAsync())
                    {
                        seen.Add(ticket.Id!);
                    }

                    await foreach (var user in client.ListUsersAllAsync())
                    {
                        seen.Add(user.Name!);
                    }

                    return string.Join(",", seen);
                }
            }
        }
        """;

    private static InputFile[] Files(string document = Document) =>
        new[] { new InputFile("/project/tickets.connector.json", Connector), new InputFile("/project/tickets.openapi.yaml", document) };

    [Fact]
    public async Task X_pagination_and_the_overlay_generate_paging_methods_that_page_against_a_server()
    {
        var run = GeneratorHarness.Run(Files(), userSource: Scenario);
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        Assert.Equal(
            new[] { "ListTicketsAllAsync", "ListTicketsPagesAsync", "ListUsersAllAsync", "ListUsersPagesAsync" },
            run.DerivedMethods()
                .Select(m => m.Name)
                .Where(n => !n.EndsWith("WithResponseAsync", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
        );

        await using var server = await LoopbackServer.StartAsync(
            async (context, request) =>
            {
                context.Response.ContentType = "application/json";
                var body = (request.Path, request.Query("page_token"), request.Query("offset")) switch
                {
                    ("/api/tickets", null, _) => """{"tickets":[{"id":"t1"},{"id":"t2"}],"nextPageToken":"p2"}""",
                    ("/api/tickets", "p2", _) => """{"tickets":[{"id":"t3"}]}""",
                    ("/api/users", _, null) => """[{"name":"ann"},{"name":"bob"}]""",
                    ("/api/users", _, "2") => """[{"name":"cy"}]""",
                    _ => "[]",
                };
                await context.Response.WriteAsync(body);
            }
        );
        var scenario = GeneratorHarness.Load(run).GetType("TestApp.Scenario")!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;

        var result = await (Task<string>)scenario.Invoke(null, new object[] { new Uri(server.BaseAddress, "api/") })!;

        Assert.Equal("t1,t2,t3,ann,bob,cy", result);
        Assert.Equal(
            new[] { "/api/tickets", "/api/tickets?page_token=p2", "/api/users?limit=2", "/api/users?limit=2&offset=2" },
            server.Requests.Select(r => r.Path + r.QueryString)
        );
    }

    [Fact]
    public void X_pagination_naming_a_parameter_the_operation_lacks_is_an_error_in_the_document()
    {
        var run = GeneratorHarness.Run(
            Files(Document.Replace("cursor_param: page_token", "cursor_param: pageToken", StringComparison.Ordinal))
        );

        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "TC0060");
        Assert.Contains(
            "'pageToken', which is not a query or body parameter of operation 'listTickets'",
            error.GetMessage(),
            StringComparison.Ordinal
        );
        Assert.EndsWith("tickets.openapi.yaml", error.Location.GetLineSpan().Path, StringComparison.Ordinal);
    }
}
