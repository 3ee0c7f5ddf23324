using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TypedConnectors.Tests.Infrastructure;

/// <summary>A server whose responses are scripted per test; records when (in fake time) each request arrived and its body.</summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();
    private readonly ConcurrentQueue<(DateTimeOffset At, string Body)> _arrivals = new();
    private TestServer _server = null!;

    private ScriptedServer(TimeProvider time)
    {
        Time = time;
    }

    public TimeProvider Time { get; }

    public TestServer Server => _server;

    public int Count => _arrivals.Count;

    public IReadOnlyList<DateTimeOffset> ArrivalTimes => _arrivals.Select(a => a.At).ToList();

    public IReadOnlyList<string> Bodies => _arrivals.Select(a => a.Body).ToList();

    /// <summary>Answer used once the script is exhausted.</summary>
    public Func<HttpContext, Task> Fallback { get; set; } = context => context.Response.WriteAsync("ok");

    public static async Task<ScriptedServer> StartAsync(TimeProvider time)
    {
        var scripted = new ScriptedServer(time);
        scripted._server = await TestServer.StartAsync(app => app.Map("/api/{**rest}", scripted.HandleAsync));
        return scripted;
    }

    public ScriptedServer Then(int status, string? retryAfter = null, string body = "")
    {
        _script.Enqueue(async context =>
        {
            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            await context.Response.WriteAsync(body);
        });
        return this;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        _arrivals.Enqueue((Time.GetUtcNow(), body));
        var respond = _script.TryDequeue(out var next) ? next : Fallback;
        await respond(context);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
