using System.Text;
using System.Text.Json;
using DialectTests.ApifyMcp;
using DialectTests.GithubMcp;
using DialectTests.Infrastructure;
using DialectTests.MyApiKeyMcp;
using DialectTests.MyInternalMcp;
using Microsoft.AspNetCore.WebUtilities;
using ModelContextProtocol;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Protocol;
using TypedConnectors;
using TypedConnectors.Testing;

namespace DialectTests;

/// <summary>
/// The four Scalekit MCP seeds (API key, bearer, OAuth, basic) talk to a real MCP server built with the SDK's server side,
/// over streamable HTTP on 127.0.0.1; every HTTP request of the session must carry the pattern's credentials.
/// </summary>
public class ScalekitMcpTests
{
    private static ConnectorConnectionOptions At(McpTestServer server, string path = "mcp/") =>
        new() { BaseAddress = new Uri(server.BaseAddress, path) };

    /// <summary>Lists tools, calls one with dictionary arguments, one with a JSON object and one typed; checks the wire.</summary>
    private static async Task ExerciseAsync(
        McpTestServer server,
        Func<Task<IAsyncDisposableSession>> connect,
        string expectedAuthorizationHeader,
        string headerName = "Authorization"
    )
    {
        await using (var session = await connect())
        {
            var tools = await session.ListToolsAsync();
            Assert.Equal(new[] { "add", "echo", "fail" }, tools.Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.Equal("Echoes the message back.", tools.Single(t => t.Name == "echo").Description);

            var echoed = await session.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "héllo \"world\"\n" });
            Assert.NotEqual(true, echoed.IsError);
            Assert.Equal("echo: héllo \"world\"\n", Assert.IsType<TextContentBlock>(Assert.Single(echoed.Content)).Text);

            var fromJson = await session.CallToolAsync("echo", JsonDocument.Parse("""{"message":"json"}""").RootElement);
            Assert.Equal("echo: json", Assert.IsType<TextContentBlock>(Assert.Single(fromJson.Content)).Text);

            var sum = await session.CallToolAsync<SumResult>("add", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 40 });
            Assert.Equal(42, sum.Sum);
            Assert.Equal(
                "echo: typed",
                await session.CallToolAsync<string>("echo", new Dictionary<string, object?> { ["message"] = "typed" })
            );

            var error = await Assert.ThrowsAsync<McpException>(() =>
                session.CallToolAsync<string>("fail", new Dictionary<string, object?> { ["reason"] = "nope" })
            );
            Assert.Contains("'fail'", error.Message, StringComparison.Ordinal);
        }

        // SDK 2.3 clients first probe with server/discover (newer protocol revisions); this server answers it with 400,
        // as a stateful server does for any first request that is not initialize, and the client falls back to initialize.
        Assert.Equal(
            new[]
            {
                "initialize",
                "notifications/initialized",
                "tools/list",
                "tools/call",
                "tools/call",
                "tools/call",
                "tools/call",
                "tools/call",
            },
            server.RpcMethods.Where(m => m != "server/discover")
        );
        Assert.Contains(server.Requests, r => r.Method == "DELETE");
        Assert.All(server.Requests, r => Assert.Equal(expectedAuthorizationHeader, r.Header(headerName)));
        Assert.All(server.Requests, r => Assert.Equal("/mcp", r.Path));
    }

    [Fact]
    public async Task Api_key_mcp_sends_the_raw_key_on_every_mcp_request()
    {
        await using var server = await McpTestServer.StartAsync(r => r.Header("Authorization") == "mcp-key-123");
        using var client = new MyApiKeyMcpClient(MyApiKeyMcpConnection.Create("mcp-key-123", At(server)));

        await ExerciseAsync(server, async () => new Session<MyApiKeyMcpSession>(await client.ConnectMcpAsync()), "mcp-key-123");
    }

    [Fact]
    public async Task Bearer_mcp_sends_the_apify_token_on_every_mcp_request()
    {
        await using var server = await McpTestServer.StartAsync(r => r.Header("Authorization") == "Bearer apify_api_token");
        using var client = new ApifyMcpClient(ApifyMcpConnection.Create("apify_api_token", At(server)));

        await ExerciseAsync(server, async () => new Session<ApifyMcpSession>(await client.ConnectMcpAsync()), "Bearer apify_api_token");
    }

    [Fact]
    public async Task Basic_mcp_sends_username_and_password_on_every_mcp_request()
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("svc-user:s3cr:et"));
        await using var server = await McpTestServer.StartAsync(r => r.Header("Authorization") == expected);
        using var client = new MyInternalMcpClient(MyInternalMcpConnection.Create("svc-user", "s3cr:et", At(server)));

        await ExerciseAsync(server, async () => new Session<MyInternalMcpSession>(await client.ConnectMcpAsync()), expected);
    }

    [Fact]
    public async Task Oauth_mcp_sends_the_token_of_the_connections_oauth_handler()
    {
        var issued = 0;
        await using var server = await McpTestServer.StartAsync(r => r.Header("Authorization") == "Bearer gho_token");
        var options = At(server, "mcp/")
            .AddAuthHandler(
                AuthKind.OAuth2,
                (_, _) =>
                    new BearerTokenHandler(_ =>
                    {
                        Interlocked.Increment(ref issued);
                        return ValueTask.FromResult("gho_token");
                    })
            );
        using var client = new GithubMcpClient(GithubMcpConnection.Create(options));

        // The GitHub MCP proxy_url ends with '/', so the endpoint keeps it.
        Assert.Equal(new Uri(server.BaseAddress, "mcp/"), client.McpEndpoint);
        await using (var session = await client.ConnectMcpAsync())
        {
            Assert.Equal("echo: hi", await session.CallToolAsync<string>("echo", new Dictionary<string, object?> { ["message"] = "hi" }));
        }

        Assert.All(server.Requests, r => Assert.Equal("Bearer gho_token", r.Header("Authorization")));
        Assert.All(server.Requests, r => Assert.Equal("/mcp/", r.Path));
        Assert.Equal(server.Requests.Count, issued);
    }

    [Fact]
    public async Task Oauth_mcp_can_run_the_sdks_oauth_flow_with_dynamic_registration_and_pkce()
    {
        await using var server = await McpOAuthServer.StartAsync();

        // The SDK authorizes the requests itself; the connection made for that adds no credential.
        var options = new ConnectorConnectionOptions { BaseAddress = new Uri(server.Mcp.BaseAddress, "mcp/") };
        using var client = new GithubMcpClient(GithubMcpConnection.CreateForMcpOAuth(options));
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var oauth = new ClientOAuthOptions
        {
            RedirectUri = new Uri("http://127.0.0.1:1/callback"),
            DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = "dialect-tests" },
            AuthorizationCallbackHandler = async (authorization, cancellationToken) =>
            {
                // Stands in for the user's browser: the authorization server redirects straight back with a code.
                using var response = await browser.GetAsync(authorization.AuthorizationUri, cancellationToken);
                var callback = response.Headers.Location!;
                Assert.StartsWith(authorization.RedirectUri.AbsoluteUri, callback.AbsoluteUri, StringComparison.Ordinal);
                var query = QueryHelpers.ParseQuery(callback.Query);
                return new AuthorizationResult
                {
                    Code = query["code"].ToString(),
                    State = query["state"].ToString(),
                    Iss = query["iss"].ToString(),
                };
            },
        };

        await using (var session = await client.ConnectMcpAsync(oauth: oauth))
        {
            Assert.Equal(
                "echo: pkce",
                await session.CallToolAsync<string>("echo", new Dictionary<string, object?> { ["message"] = "pkce" })
            );
        }

        Assert.Contains("register", server.Events);
        Assert.Contains("authorize:S256", server.Events);
        Assert.Contains("token:pkce-verified", server.Events);
        Assert.DoesNotContain("token:rejected", server.Events);
        Assert.Contains("tools/call", server.Mcp.RpcMethods);
        Assert.All(
            server.Mcp.Requests.Where(r => r.Path == "/mcp/" && r.Method == "POST" && r.Header("Authorization") is not null),
            r => Assert.Equal("Bearer " + McpOAuthServer.AccessToken, r.Header("Authorization"))
        );

        // Without the SDK's flow the same connection sends no credential, and the server refuses the handshake.
        using var unauthorized = new GithubMcpClient(GithubMcpConnection.CreateForMcpOAuth(options));
        await Assert.ThrowsAnyAsync<Exception>(() => unauthorized.ConnectMcpAsync());
    }

    [Fact]
    public async Task Wrong_credentials_fail_the_mcp_handshake()
    {
        await using var server = await McpTestServer.StartAsync(r => r.Header("Authorization") == "Bearer right");
        using var client = new ApifyMcpClient(ApifyMcpConnection.Create("wrong", At(server)));

        await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectMcpAsync());
        Assert.DoesNotContain(server.RpcMethods, m => m == "tools/list");
    }

    [Fact]
    public void Mcp_endpoint_is_the_proxy_url_as_declared()
    {
        Assert.Equal(new Uri("https://mcp.apify.com/"), new ApifyMcpClient(ApifyMcpConnection.Create("t")).McpEndpoint);
        Assert.Equal(new Uri("https://mcp.example.com/"), new MyApiKeyMcpClient(MyApiKeyMcpConnection.Create("k")).McpEndpoint);
        var github = GithubMcpConnection.Create(
            new ConnectorConnectionOptions().AddAuthHandler(AuthKind.OAuth2, (_, _) => new BearerTokenHandler("t"))
        );
        Assert.Equal(new Uri("https://api.githubcopilot.com/mcp/"), new GithubMcpClient(github).McpEndpoint);
        Assert.Equal(
            new Uri("http://127.0.0.1:1/mcp"),
            new MyInternalMcpClient(
                MyInternalMcpConnection.Create(
                    "u",
                    "p",
                    new ConnectorConnectionOptions { BaseAddress = new Uri("http://127.0.0.1:1/mcp/") }
                )
            ).McpEndpoint
        );
    }

    [Fact]
    public async Task Mcp_requests_go_through_the_connections_pipeline_and_the_http_client_outlives_the_session()
    {
        await using var server = await McpTestServer.StartAsync();
        using var client = new MyApiKeyMcpClient(MyApiKeyMcpConnection.Create("k", At(server)));

        await using (var first = await client.ConnectMcpAsync())
        {
            Assert.NotEmpty(await first.ListToolsAsync());
        }

        // Disposing a session must not dispose the client's HttpClient: a second session and proxy calls still work.
        await using (var second = await client.ConnectMcpAsync())
        {
            Assert.Equal(3, (await second.ListToolsAsync()).Count);
        }

        Assert.Equal(2, server.RpcMethods.Count(m => m == "initialize"));
    }

    /// <summary>The generated session classes differ per connector; this lets one helper drive all four.</summary>
    private interface IAsyncDisposableSession : IAsyncDisposable
    {
        Task<IList<ModelContextProtocol.Client.McpClientTool>> ListToolsAsync();

        Task<CallToolResult> CallToolAsync(string name, IReadOnlyDictionary<string, object?> arguments);

        Task<CallToolResult> CallToolAsync(string name, JsonElement arguments);

        Task<T> CallToolAsync<T>(string name, IReadOnlyDictionary<string, object?> arguments);
    }

    private sealed class Session<TSession>(TSession session) : IAsyncDisposableSession
        where TSession : class, IAsyncDisposable
    {
        private readonly dynamic _session = session;

        public Task<IList<ModelContextProtocol.Client.McpClientTool>> ListToolsAsync() =>
            _session.ListToolsAsync(default(CancellationToken));

        public Task<CallToolResult> CallToolAsync(string name, IReadOnlyDictionary<string, object?> arguments) =>
            _session.CallToolAsync(name, arguments, default(CancellationToken));

        public Task<CallToolResult> CallToolAsync(string name, JsonElement arguments) =>
            _session.CallToolAsync(name, arguments, default(CancellationToken));

        public Task<T> CallToolAsync<T>(string name, IReadOnlyDictionary<string, object?> arguments) =>
            _session.CallToolAsync<T>(name, arguments, default(CancellationToken));

        public ValueTask DisposeAsync() => session.DisposeAsync();
    }
}
