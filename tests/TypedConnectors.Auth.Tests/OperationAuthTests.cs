using AuthTests.Scoped;
using AuthTests.ScopedApi;
using Microsoft.AspNetCore.Http;
using TypedConnectors;
using TypedConnectors.Testing;

namespace AuthTests;

/// <summary>
/// Operations that declare which credentials they take (canonical <c>"auth"</c> of an endpoint, OpenAPI
/// <c>security</c> of an operation or the document) get exactly those: none for anonymous ones, the connection's only
/// where its method is accepted, and a clear failure before sending where it is not.
/// </summary>
public sealed class OperationAuthTests : IAsyncLifetime
{
    private const string Secret = "s3cr3t-value";
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

    private ConnectorConnectionOptions Options => new() { BaseAddress = new Uri(_server.BaseAddress, "api/"), MaxRetries = 0 };

    /// <summary>The secret appears nowhere in the request: no header, query, cookie or body carries it.</summary>
    private static void AssertNoCredential(ReceivedRequest request)
    {
        Assert.DoesNotContain(request.Headers, h => h.Value.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, request.Path + request.QueryString, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, request.Body, StringComparison.Ordinal);
        Assert.Null(request.Header("Authorization"));
        Assert.Null(request.Header("Cookie"));
    }

    [Fact]
    public async Task Anonymous_endpoint_carries_no_credential_in_header_query_or_cookie()
    {
        foreach (
            var connection in new[]
            {
                ScopedConnection.CreateKey(Secret, Options),
                ScopedConnection.CreateQueryKey(Secret, Options),
                ScopedConnection.CreateCookieKey(Secret, Options),
                ScopedConnection.CreateBearer(Secret, Options),
            }
        )
        {
            using var client = new ScopedClient(connection);
            Assert.Equal("ok", await client.StatusAsync());
            AssertNoCredential(_server.Requests[^1]);
        }
    }

    [Fact]
    public async Task Restricted_endpoint_gets_exactly_the_credential_it_accepts()
    {
        using (var client = new ScopedClient(ScopedConnection.CreateKey(Secret, Options)))
        {
            await client.KeyedAsync();
            Assert.Equal(Secret, _server.Requests[^1].Header("X-Key"));
        }

        using (var client = new ScopedClient(ScopedConnection.CreateQueryKey(Secret, Options)))
        {
            await client.KeyedAsync();
            var request = _server.Requests[^1];
            Assert.Equal(Secret, request.Query("key"));
            Assert.Null(request.Header("X-Key"));
        }
    }

    [Fact]
    public async Task Endpoint_that_does_not_accept_the_connections_method_fails_before_sending()
    {
        using var client = new ScopedClient(ScopedConnection.CreateBearer(Secret, Options));
        var before = _server.Requests.Count;

        var error = await Assert.ThrowsAsync<ConnectorConfigurationException>(() => client.KeyedAsync());

        Assert.Equal(before, _server.Requests.Count);
        Assert.Contains("'key', 'query_key'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'bearer'", error.Message, StringComparison.Ordinal);
        Assert.Contains("/api/keyed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_without_auth_declaration_gets_the_connections_credential()
    {
        using var client = new ScopedClient(ScopedConnection.CreateBearer(Secret, Options));
        await client.AnythingAsync();
        Assert.Equal("Bearer " + Secret, _server.Requests[^1].Header("Authorization"));
    }

    [Fact]
    public async Task Endpoint_constant_header_replaces_the_connector_default_of_the_same_name()
    {
        using var client = new ScopedClient(ScopedConnection.CreateKey(Secret, Options));
        await client.ExportAsync();
        Assert.Equal("text/csv", _server.Requests[^1].Header("Accept"));

        await client.AnythingAsync();
        Assert.Equal("application/json", _server.Requests[^1].Header("Accept"));
    }

    [Fact]
    public async Task OpenApi_empty_security_is_anonymous_and_document_security_is_inherited()
    {
        using var keyed = new ScopedApiClient(ScopedApiConnection.CreateApiKey(Secret, Options));
        await keyed.GetHealthAsync();
        AssertNoCredential(_server.Requests[^1]);

        await keyed.GetMeAsync();
        Assert.Equal(Secret, _server.Requests[^1].Header("X-Api-Key"));

        // The document's security names only the API key: a bearer connection may not call what inherits it.
        using var bearer = new ScopedApiClient(ScopedApiConnection.CreateBearer(Secret, Options));
        var before = _server.Requests.Count;
        await Assert.ThrowsAsync<ConnectorConfigurationException>(() => bearer.GetMeAsync());
        Assert.Equal(before, _server.Requests.Count);
    }

    [Fact]
    public async Task OpenApi_operation_security_overrides_the_documents()
    {
        using var bearer = new ScopedApiClient(ScopedApiConnection.CreateBearer(Secret, Options));
        await bearer.ListTokensAsync();
        Assert.Equal("Bearer " + Secret, _server.Requests[^1].Header("Authorization"));
        Assert.Null(_server.Requests[^1].Header("X-Api-Key"));

        using var keyed = new ScopedApiClient(ScopedApiConnection.CreateApiKey(Secret, Options));
        await Assert.ThrowsAsync<ConnectorConfigurationException>(() => keyed.ListTokensAsync());

        // Alternatives: either scheme is accepted, each sent as itself.
        await keyed.GetEitherAsync();
        Assert.Equal(Secret, _server.Requests[^1].Header("X-Api-Key"));
        Assert.Null(_server.Requests[^1].Header("Authorization"));
        await bearer.GetEitherAsync();
        Assert.Equal("Bearer " + Secret, _server.Requests[^1].Header("Authorization"));
    }

    [Fact]
    public async Task OpenApi_empty_requirement_makes_the_credential_optional()
    {
        using var bearer = new ScopedApiClient(ScopedApiConnection.CreateBearer(Secret, Options));
        await bearer.GetCatalogAsync();
        Assert.Equal("Bearer " + Secret, _server.Requests[^1].Header("Authorization"));

        // A method the operation does not name is not sent, and the call goes out anonymously instead of failing.
        using var keyed = new ScopedApiClient(ScopedApiConnection.CreateApiKey(Secret, Options));
        await keyed.GetCatalogAsync();
        AssertNoCredential(_server.Requests[^1]);
    }

    [Fact]
    public async Task OpenApi_operation_requiring_only_a_scheme_the_connector_cannot_send_fails_for_every_connection()
    {
        foreach (
            var connection in new[] { ScopedApiConnection.CreateApiKey(Secret, Options), ScopedApiConnection.CreateBearer(Secret, Options) }
        )
        {
            using var client = new ScopedApiClient(connection);
            var before = _server.Requests.Count;

            var error = await Assert.ThrowsAsync<ConnectorConfigurationException>(() => client.GetSignedAsync());

            Assert.Equal(before, _server.Requests.Count);
            Assert.Contains("'signature'", error.Message, StringComparison.Ordinal);
        }
    }
}
