using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TypedConnectors.Tests.Infrastructure;

/// <summary>
/// A loopback server that injects faults: each request is answered by the next scripted step (status codes, headers,
/// endless, compressed or dripping bodies, dropped connections), then by <see cref="Fallback"/>. Records every request.
/// </summary>
public sealed class FaultServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly TimeProvider _time;
    private TestServer _server = null!;

    private FaultServer(TimeProvider time)
    {
        _time = time;
    }

    public TestServer Server => _server;

    public IReadOnlyList<Received> Requests => [.. _received];

    public Func<HttpContext, Task> Fallback { get; set; } = context => context.Response.WriteAsync("{}");

    public static async Task<FaultServer> StartAsync(TimeProvider time)
    {
        var server = new FaultServer(time);
        server._server = await TestServer.StartAsync(app => app.Map("/api/{**rest}", server.HandleAsync));
        return server;
    }

    public FaultServer Then(Func<HttpContext, Task> respond)
    {
        _script.Enqueue(respond);
        return this;
    }

    public FaultServer Then(int status, string body = "{}", params (string Name, string Value)[] headers) =>
        Then(async context =>
        {
            context.Response.StatusCode = status;
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });

    /// <summary>Closes the connection without a response.</summary>
    public FaultServer ThenDrop() =>
        Then(context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        _received.Enqueue(
            new Received(
                _time.GetUtcNow(),
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body
            )
        );
        var respond = _script.TryDequeue(out var next) ? next : Fallback;
        await respond(context);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    public sealed record Received(DateTimeOffset At, string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }
}
