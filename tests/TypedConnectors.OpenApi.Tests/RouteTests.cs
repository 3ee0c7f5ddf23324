using Microsoft.AspNetCore.Http;
using OpenApiTests.Infrastructure;
using OpenApiTests.Routes;
using TypedConnectors;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>
/// Documents/routes.openapi.yaml: path keys with a fragment or a query part, trailing slashes, and a form body with
/// required fields, as the server must receive them.
/// </summary>
public sealed class RouteTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await LoopbackServer.StartAsync(
            (context, _) =>
            {
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync("ok");
            }
        );

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private RoutesClient Client() =>
        new(RoutesConnection.Create(new ConnectorConnectionOptions { BaseAddress = new Uri(_server.BaseAddress, "svc/"), MaxRetries = 0 }));

    [Fact]
    public async Task Root_path_keeps_its_trailing_slash()
    {
        using var client = Client();
        await client.GetRootAsync();
        await client.ListThingsSlashAsync();

        Assert.Equal("/svc/", _server.Requests[0].Path);
        Assert.Equal("/svc/things/", _server.Requests[1].Path);
    }

    [Fact]
    public async Task Fragment_key_is_sent_as_the_query_it_stands_for()
    {
        using var client = Client();
        await client.DescribeThingsAsync(version: "2016-11-15");

        var request = _server.Single();
        Assert.Equal("/svc/", request.Path);
        Assert.Equal("DescribeThings", request.Query("Action"));
        Assert.Equal("2016-11-15", request.Query("Version"));
    }

    [Fact]
    public async Task Query_key_of_a_declared_parameter_makes_it_a_constant_sent_once()
    {
        Assert.DoesNotContain(
            typeof(RoutesClient).GetMethod(nameof(RoutesClient.ListThingsAsync))!.GetParameters(),
            p => p.Name == "action"
        );

        using var client = Client();
        await client.ListThingsAsync(maxResults: 5);
        await client.ListThingsAsync();

        Assert.All(_server.Requests, r => Assert.Equal("/svc/", r.Path));
        Assert.Equal("?Action=ListThings&MaxResults=5", _server.Requests[0].QueryString);
        Assert.Equal("?Action=ListThings", _server.Requests[1].QueryString);
    }

    [Fact]
    public async Task Placeholder_in_the_query_part_of_a_key_is_a_query_parameter_whatever_its_declared_location()
    {
        using var client = Client();
        await client.GetTotalAsync("2014-12-31");

        var request = _server.Single();
        Assert.Equal("/svc/total", request.Path);
        Assert.Equal("?since=2014-12-31", request.QueryString);
    }

    [Fact]
    public void Other_fragments_are_left_out_of_the_request_with_a_warning()
    {
        const string Document = """
            openapi: 3.0.3
            info: { title: Notes, version: "1" }
            paths:
              /notes#section:
                get:
                  operationId: getNotes
                  responses: { "200": { description: ok } }
            """;
        var run = OpenApiRun.Generate("/project/notes.openapi.yaml", Document);

        var warning = Assert.Single(OpenApiRun.Read("/project/notes.openapi.yaml", Document), d => d.Id == "TC0031");
        Assert.Contains("'#section'", string.Join(" ", warning.Arguments), StringComparison.Ordinal);
        Assert.Equal(4, warning.Location.StartLine + 1);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains("new global::TypedConnectors.ConnectorRequest(\"GET\", \"/notes\")", run.AllSources, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Required_fields_of_a_form_body_are_required_parameters_and_sent()
    {
        var method = typeof(RoutesClient).GetMethod(nameof(RoutesClient.CreateMessageAsync))!;
        var parameters = method.GetParameters();
        Assert.False(parameters.Single(p => p.Name == "to").IsOptional);
        Assert.False(parameters.Single(p => p.Name == "channel").IsOptional);
        Assert.True(parameters.Single(p => p.Name == "locale").IsOptional);

        using var client = Client();
        await client.CreateMessageAsync("+15550100", "sms");

        var request = _server.Single();
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("To=%2B15550100&Channel=sms", request.Body);
    }
}
