using OpenApiTests.Infrastructure;

namespace OpenApiTests;

/// <summary>Servers become the templated base URL; values that could not be safe connection values are written in.</summary>
public sealed class ServerTests
{
    [Fact]
    public void Defaults_that_cannot_be_values_are_written_in_and_operation_servers_give_absolute_urls()
    {
        var run = OpenApiRun.Generate(
            "/p/servers.openapi.yaml",
            """
            openapi: 3.0.3
            info: { title: Servers, version: '1' }
            servers:
              - url: '{scheme}://{tenant}.example.com:{port}/{base}'
                variables:
                  scheme: { default: https, enum: [https, http] }
                  tenant: { default: acme }
                  port: { default: '8443' }
                  base: { default: api/v2 }
            paths:
              /uploads:
                post:
                  operationId: upload
                  servers:
                    - url: 'https://{region}.uploads.example.com'
                      variables: { region: { default: eu } }
                  responses: { '204': { description: ok } }
              /items:
                get:
                  operationId: listItems
                  responses: { '204': { description: ok } }
            """
        );

        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var client = run.Source(".Client.g.cs");
        Assert.Contains("BaseUrlTemplate = \"https://{{tenant}}.example.com:8443/api/v2\";", client, StringComparison.Ordinal);
        Assert.Contains(
            "new global::TypedConnectors.ConnectorRequest(\"POST\", \"https://eu.uploads.example.com/uploads\")",
            client,
            StringComparison.Ordinal
        );
        Assert.Contains("new global::TypedConnectors.ConnectorRequest(\"GET\", \"/items\")", client, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_server_url_makes_the_host_a_connection_value()
    {
        var run = OpenApiRun.Generate(
            "/p/relative.openapi.yaml",
            "openapi: 3.0.3\ninfo: { title: Relative, version: '1' }\nservers: [{ url: /api/v1 }]\npaths: {}\n"
        );

        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var client = run.Source(".Client.g.cs");
        Assert.Contains("BaseUrlTemplate = \"https://{{host}}/api/v1\";", client, StringComparison.Ordinal);
        Assert.Contains("public static RelativeConnection Create(string host,", client, StringComparison.Ordinal);
    }

    [Fact]
    public void Swagger_2_host_base_path_and_schemes_make_the_base_url()
    {
        var run = OpenApiRun.Generate(
            "/p/old.swagger.json",
            """{ "swagger": "2.0", "info": { "title": "Old", "version": "1" }, "host": "api.old.example.com", "basePath": "/v1/", "schemes": ["http", "https"], "paths": {} }"""
        );

        Assert.Contains("BaseUrlTemplate = \"https://api.old.example.com/v1\";", run.Source(".Client.g.cs"), StringComparison.Ordinal);
    }
}
