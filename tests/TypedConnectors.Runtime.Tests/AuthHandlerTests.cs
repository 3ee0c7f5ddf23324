using System.Text;
using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

public sealed class AuthHandlerTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(EchoServer.MapEcho);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<Echo> EchoAsync(
        string authMethod,
        Dictionary<string, string?> values,
        string path = "echo",
        ConnectorConnectionOptions? options = null
    )
    {
        var connection = TestConnection.For<AuthClient>(_server, authMethod, values, options);
        using var client = connection.CreateHttpClient();
        return await EchoServer.GetEchoAsync(client, path);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Basic_sends_base64_of_username_colon_password()
    {
        var echo = await EchoAsync("basic", new() { ["username"] = "alice", ["password"] = "p@ss:wörd" });
        Assert.Equal("Basic " + Base64("alice:p@ss:wörd"), echo.Header("Authorization"));
        Assert.Equal("/api/echo", echo.Path);
    }

    [Fact]
    public async Task Basic_with_the_api_key_as_username_and_a_mutation_default_password_sends_key_colon_X()
    {
        var echo = await EchoAsync("key_as_user", new() { ["api_key"] = "key_123" });
        Assert.Equal("Basic " + Base64("key_123:X"), echo.Header("Authorization"));

        // A value given for the mutated field wins over the default.
        echo = await EchoAsync("key_as_user", new() { ["api_key"] = "key_123", ["password"] = "given" });
        Assert.Equal("Basic " + Base64("key_123:given"), echo.Header("Authorization"));
    }

    [Fact]
    public async Task Bearer_sends_the_token_with_the_default_prefix()
    {
        var echo = await EchoAsync("bearer", new() { ["token"] = "tok-1" });
        Assert.Equal("Bearer tok-1", echo.Header("Authorization"));
    }

    [Fact]
    public async Task Bearer_applies_prefix_and_suffix_mutations()
    {
        var echo = await EchoAsync("bearer_mutated", new() { ["access"] = "tok" });
        Assert.Equal("Bearer pre-tok-suf", echo.Header("Authorization"));
    }

    [Fact]
    public async Task Bearer_with_a_header_override_and_empty_prefix_sends_the_bare_token_in_that_header_only()
    {
        var echo = await EchoAsync("bearer_override", new() { ["token"] = "tok-2" });
        Assert.Equal("tok-2", echo.Header("X-Auth-Token"));
        Assert.Null(echo.Header("Authorization"));
    }

    [Fact]
    public async Task Api_key_in_a_custom_header()
    {
        var echo = await EchoAsync("key_header", new() { ["api_key"] = "k-3" });
        Assert.Equal("k-3", echo.Header("X-API-Key"));
        Assert.Null(echo.Header("Authorization"));
    }

    [Fact]
    public async Task Api_key_with_a_prefix()
    {
        var echo = await EchoAsync("key_header_prefix", new() { ["api_key"] = "k-4" });
        Assert.Equal("Token k-4", echo.Header("Authorization"));
    }

    [Fact]
    public async Task Api_key_in_the_query_is_escaped_added_to_the_existing_query_and_removed_from_the_request_afterwards()
    {
        var connection = TestConnection.For<AuthClient>(_server, "key_query", new() { ["api_key"] = "a+b&c=d é" });
        using var client = connection.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "echo?x=1");
        var echo = await EchoServer.GetEchoAsync(client, request: request);
        Assert.Equal(["a+b&c=d é"], echo.Query["api_key"]);
        Assert.Equal(["1"], echo.Query["x"]);
        Assert.Equal(2, echo.Query.Count);
        Assert.DoesNotContain("api_key", request.RequestUri!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_key_in_a_cookie_is_added_to_existing_cookies()
    {
        var connection = TestConnection.For<AuthClient>(_server, "key_cookie", new() { ["api_key"] = "k;5 \"x\"" });
        using var client = connection.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "echo");
        request.Headers.Add("Cookie", "theme=dark");
        var echo = await EchoServer.GetEchoAsync(client, request: request);
        Assert.Equal("k;5 \"x\"", echo.Cookies["session"]);
        Assert.Equal("dark", echo.Cookies["theme"]);
        Assert.Equal(["theme=dark"], request.Headers.GetValues("Cookie"));
    }

    [Fact]
    public async Task OAuth2_uses_the_registered_factory()
    {
        var tokens = 0;
        var options = new ConnectorConnectionOptions().AddAuthHandler(
            AuthKind.OAuth2,
            (connection, method) => new BearerTokenHandler(_ => ValueTask.FromResult("oauth-" + Interlocked.Increment(ref tokens)))
        );
        var echo = await EchoAsync("oauth", [], options: options);
        Assert.Equal("Bearer oauth-1", echo.Header("Authorization"));
    }

    [Fact]
    public async Task Custom_auth_uses_a_registered_IAuthHandlerFactory()
    {
        var options = new ConnectorConnectionOptions();
        options.AuthHandlerFactories.Add(new SignatureFactory());
        var echo = await EchoAsync("custom", new() { ["secret"] = "s" }, options: options);
        Assert.Equal("signed:s:custom", echo.Header("X-Signature"));
    }

    [Fact]
    public async Task A_registered_factory_can_replace_a_built_in_kind()
    {
        var options = new ConnectorConnectionOptions().AddAuthHandler(AuthKind.Bearer, (_, _) => new BearerTokenHandler("replaced"));
        var echo = await EchoAsync("bearer", [], options: options);
        Assert.Equal("Bearer replaced", echo.Header("Authorization"));
    }

    [Fact]
    public async Task Handlers_work_on_their_own()
    {
        using var handler = new ApiKeyHandler("k", ApiKeyLocation.Header, "X-Key", prefix: "Key")
        {
            InnerHandler = new SocketsHttpHandler(),
        };
        using var client = new HttpClient(handler) { BaseAddress = _server.BaseUri };
        var echo = await EchoServer.GetEchoAsync(client, "api/echo");
        Assert.Equal("Key k", echo.Header("X-Key"));
    }

    [Fact]
    public void Header_values_with_line_breaks_are_refused()
    {
        Assert.Throws<ConnectorConfigurationException>(() => new BearerTokenHandler("a\r\nX-Evil: 1"));
        Assert.Throws<ConnectorConfigurationException>(() => new ApiKeyHandler("a\nb", ApiKeyLocation.Header, "X-Key"));
        Assert.Throws<ConnectorConfigurationException>(() => new BasicAuthHandler("user:name", "p"));
        Assert.Throws<ConnectorConfigurationException>(() => new ApiKeyHandler("k", ApiKeyLocation.Header, "Bad Header"));
        var request = new ConnectorRequest("GET", "x");
        var ex = Assert.Throws<ConnectorConfigurationException>(() => request.Header("X-Trace", "v\r\nSet-Cookie: a=b"));
        Assert.Equal("X-Trace", ex.FieldName);
    }

    [Fact]
    public async Task A_token_provider_returning_a_line_break_is_refused_before_sending()
    {
        var options = new ConnectorConnectionOptions().AddAuthHandler(
            AuthKind.OAuth2,
            (_, _) => new BearerTokenHandler(_ => ValueTask.FromResult("t\r\nX: y"))
        );
        var connection = TestConnection.For<AuthClient>(_server, "oauth", [], options);
        using var client = connection.CreateHttpClient();
        await Assert.ThrowsAsync<ConnectorConfigurationException>(() => client.GetAsync(new Uri("echo", UriKind.Relative)));
    }

    private sealed class SignatureFactory : IAuthHandlerFactory
    {
        public DelegatingHandler? TryCreateHandler(ConnectorConnection connection, AuthMethodDescriptor method) =>
            method.Kind == AuthKind.Custom ? new SignatureHandler("signed:" + connection.GetValue("secret") + ":" + method.Key) : null;
    }

    private sealed class SignatureHandler(string signature) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("X-Signature", signature);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
