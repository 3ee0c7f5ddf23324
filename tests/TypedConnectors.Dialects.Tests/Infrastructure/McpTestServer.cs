using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using TypedConnectors.Testing;

namespace DialectTests.Infrastructure;

/// <summary>The result of the test server's structured <c>add</c> tool.</summary>
public sealed record SumResult(int Sum);

/// <summary>
/// A real MCP server built with the official SDK's server side, speaking streamable HTTP on 127.0.0.1.
/// </summary>
/// <remarks>
/// ModelContextProtocol.AspNetCore (MapMcp) is not available from the package source here, so this hosts the SDK's own
/// <see cref="StreamableHttpServerTransport"/> in Kestrel the way MapMcp does in stateful mode: a POST without a session
/// id must be <c>initialize</c> and starts a session (returned in <c>Mcp-Session-Id</c>); later POSTs are routed to it,
/// and DELETE ends it. The standalone GET stream is answered with 405, which the spec allows.
/// Every HTTP request is recorded (through <see cref="LoopbackServer"/>) so tests can assert the auth headers, and
/// requests failing <c>authorize</c> get 401 before reaching the SDK.
/// </remarks>
public sealed class McpTestServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = McpJsonUtilities.DefaultOptions;

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Func<ReceivedRequest, bool> _authorize;
    private readonly Func<HttpContext, ReceivedRequest, Task<bool>>? _other;
    private LoopbackServer _http = null!;

    private McpTestServer(Func<ReceivedRequest, bool> authorize, Func<HttpContext, ReceivedRequest, Task<bool>>? other)
    {
        _authorize = authorize;
        _other = other;
    }

    /// <summary>The server root; the MCP endpoint answers on any path.</summary>
    public Uri BaseAddress => _http.BaseAddress;

    public IReadOnlyList<ReceivedRequest> Requests => _http.Requests;

    /// <summary>Names of the JSON-RPC methods the server received, in order.</summary>
    public IReadOnlyList<string> RpcMethods =>
        Requests
            .Where(r => r.Method == "POST" && r.Body.StartsWith('{') && r.Body.Contains("\"jsonrpc\"", StringComparison.Ordinal))
            .Select(r => JsonDocument.Parse(r.Body).RootElement.TryGetProperty("method", out var m) ? m.GetString() ?? "" : "(response)")
            .ToList();

    /// <summary>Starts the server.</summary>
    /// <param name="authorize">Decides which requests reach the MCP endpoint; the others get 401.</param>
    /// <param name="other">Answers other requests first (returns true when it did), e.g. OAuth endpoints.</param>
    public static async Task<McpTestServer> StartAsync(
        Func<ReceivedRequest, bool>? authorize = null,
        Func<HttpContext, ReceivedRequest, Task<bool>>? other = null
    )
    {
        var server = new McpTestServer(authorize ?? (_ => true), other);
        server._http = await LoopbackServer.StartAsync(server.HandleAsync);
        return server;
    }

    private static McpServerOptions CreateOptions() =>
        new()
        {
            ServerInfo = new Implementation { Name = "dialect-tests-mcp", Version = "1.0.0" },
            ToolCollection =
            [
                McpServerTool.Create(
                    (string message) => "echo: " + message,
                    new McpServerToolCreateOptions { Name = "echo", Description = "Echoes the message back." }
                ),
                McpServerTool.Create(
                    (int a, int b) => new SumResult(a + b),
                    new McpServerToolCreateOptions
                    {
                        Name = "add",
                        Description = "Adds two numbers.",
                        UseStructuredContent = true,
                    }
                ),
                McpServerTool.Create(
                    string (string reason) => throw new InvalidOperationException(reason),
                    new McpServerToolCreateOptions { Name = "fail", Description = "Always fails." }
                ),
            ],
        };

    private async Task HandleAsync(HttpContext context, ReceivedRequest request)
    {
        if (_other is not null && await _other(context, request))
        {
            return;
        }

        if (!_authorize(request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var sessionId = context.Request.Headers["Mcp-Session-Id"].ToString();
        switch (context.Request.Method)
        {
            case "POST":
                await PostAsync(context, request, sessionId);
                break;
            case "DELETE":
                if (_sessions.TryRemove(sessionId, out var ended))
                {
                    await ended.DisposeAsync();
                }

                break;
            default:
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                break;
        }
    }

    private async Task PostAsync(HttpContext context, ReceivedRequest request, string sessionId)
    {
        var message = JsonSerializer.Deserialize(request.Body, McpJsonUtilities.GetTypeInfo<JsonRpcMessage>(Json));
        if (message is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        Session? session;
        if (sessionId.Length == 0)
        {
            if (message is not JsonRpcRequest { Method: RequestMethods.Initialize })
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            session = Session.Start();
            _sessions[session.Id] = session;
        }
        else if (!_sessions.TryGetValue(sessionId, out session))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.Headers["Mcp-Session-Id"] = session.Id;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        var wroteResponse = await session.Transport.HandlePostRequestAsync(message, context.Response.Body, context.RequestAborted);
        if (!wroteResponse)
        {
            context.Response.ContentType = null;
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _http.DisposeAsync();
        foreach (var session in _sessions.Values)
        {
            await session.DisposeAsync();
        }
    }

    private sealed class Session : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private McpServer _server = null!;
        private Task _run = Task.CompletedTask;

        private Session(string id) => Id = id;

        public string Id { get; }

        public StreamableHttpServerTransport Transport { get; private set; } = null!;

        public static Session Start()
        {
            var session = new Session(Guid.NewGuid().ToString("N"));
            session.Transport = new StreamableHttpServerTransport(null) { SessionId = session.Id };
            session._server = McpServer.Create(session.Transport, CreateOptions(), null, null);
            session._run = session._server.RunAsync(session._stop.Token);
            return session;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Transport.DisposeAsync();
            await _server.DisposeAsync();
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
                // The session's run loop ends by cancellation.
            }

            _stop.Dispose();
        }
    }
}
