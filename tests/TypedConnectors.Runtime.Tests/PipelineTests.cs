using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

public sealed class PipelineTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private int _limitedCalls;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(app =>
    {
        EchoServer.MapEcho(app);
        app.Map("/api/limited", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref _limitedCalls) == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "0";
            }

            await context.Response.WriteAsync("x");
        });
        app.Map("/api/slow", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            await context.Response.WriteAsync("late");
        });
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Logs_carry_method_path_status_and_time_but_no_secrets_or_query()
    {
        var logger = new ListLogger();
        var connection = TestConnection.For<AuthClient>(_server, "key_query", new() { ["api_key"] = "KEY-SECRET-1" }, new() { Logger = logger });
        using var client = connection.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "echo/items?email=someone%40example.com");
        request.Headers.Add("X-Private", "header-value-secret");
        await EchoServer.GetEchoAsync(client, request: request);
        (await client.GetAsync(new Uri("limited", UriKind.Relative))).Dispose();

        var messages = logger.Messages;
        var completed = Assert.Single(messages, m => m.Contains("/api/echo/items", StringComparison.Ordinal));
        Assert.Contains("HTTP GET http://127.0.0.1:" + _server.Port + "/api/echo/items responded 200 in", completed, StringComparison.Ordinal);
        Assert.Contains(messages, m => m.Contains("responded 429; retry 1 of 3", StringComparison.Ordinal));
        foreach (var message in messages)
        {
            Assert.DoesNotContain("KEY-SECRET-1", message, StringComparison.Ordinal);
            Assert.DoesNotContain("someone", message, StringComparison.Ordinal);
            Assert.DoesNotContain("header-value-secret", message, StringComparison.Ordinal);
            Assert.DoesNotContain("?", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CreateDelegatingHandler_works_with_IHttpClientFactory()
    {
        var connection = TestConnection.For<AuthClient>(_server, "key_header", new() { ["api_key"] = "factory-key" });
        var services = new ServiceCollection();
        services.AddHttpClient("connector", http => http.BaseAddress = connection.BaseAddress)
            .AddHttpMessageHandler(() => connection.CreateDelegatingHandler());
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("connector");

        var echo = await EchoServer.GetEchoAsync(client, "echo");
        Assert.Equal("factory-key", echo.Header("X-API-Key"));

        // The whole pipeline runs inside the one handler: a 429 is retried before the factory's client sees it.
        using var response = await client.GetAsync(new Uri("limited", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _limitedCalls);
    }

    [Fact]
    public async Task A_delegating_handler_forwards_to_the_inner_handler_it_is_given()
    {
        var connection = TestConnection.For<AuthClient>(_server, "bearer", new() { ["token"] = "t-1" });
        var recorder = new RecordingHandler { InnerHandler = new SocketsHttpHandler() };
        using var handler = connection.CreateDelegatingHandler();
        handler.InnerHandler = recorder;
        using var client = new HttpClient(handler) { BaseAddress = connection.BaseAddress };
        var echo = await EchoServer.GetEchoAsync(client, "echo");
        Assert.Equal("Bearer t-1", echo.Header("Authorization"));
        Assert.Equal(["Bearer t-1"], recorder.Authorizations);
    }

    [Fact]
    public async Task CreateHandler_uses_the_given_inner_handler_and_the_base_path()
    {
        var connection = TestConnection.For<AuthClient>(_server, "basic", new() { ["username"] = "u", ["password"] = "p" });
        Assert.Equal("/api/", connection.BaseAddress.AbsolutePath);
        var recorder = new RecordingHandler { InnerHandler = new SocketsHttpHandler() };
        using var client = connection.CreateHttpClient(recorder);
        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
        var echo = await EchoServer.GetEchoAsync(client, "echo");
        Assert.Equal("/api/echo", echo.Path);
        Assert.Equal(["Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p"))], recorder.Authorizations);
    }

    [Fact]
    public async Task An_attempt_that_exceeds_the_attempt_timeout_fails_as_a_timeout()
    {
        var connection = TestConnection.For<PlainClient>(_server, "none", options: new() { AttemptTimeout = TimeSpan.FromMilliseconds(200) });
        using var client = connection.CreateHttpClient();
        var ex = await Assert.ThrowsAsync<TaskCanceledException>(() => client.GetAsync(new Uri("slow", UriKind.Relative)));
        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    private sealed class RecordingHandler : DelegatingHandler
    {
        public List<string> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorizations.Add(request.Headers.Authorization?.ToString() ?? "(none)");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
