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

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(app =>
        {
            EchoServer.MapEcho(app);
            app.Map(
                "/api/limited",
                async (HttpContext context) =>
                {
                    if (Interlocked.Increment(ref _limitedCalls) == 1)
                    {
                        context.Response.StatusCode = 429;
                        context.Response.Headers.RetryAfter = "0";
                    }

                    await context.Response.WriteAsync("x");
                }
            );
            app.Map(
                "/api/redirect/{kind}",
                (HttpContext context, string kind) =>
                {
                    var port = context.Request.Host.Port;
                    var (status, location) = kind switch
                    {
                        "same" => (302, "/api/echo/after-same"),
                        "cross" => (302, $"http://localhost:{port}/api/echo/after-cross?x=1"),
                        "temporary" => (307, "/api/echo/after-307"),
                        "see-other" => (303, "/api/echo/after-303"),
                        "downgrade" => (302, "http://example.invalid/x"),
                        _ => (302, "/api/redirect/loop"),
                    };
                    context.Response.StatusCode = status;
                    context.Response.Headers.Location = location;
                    return Task.CompletedTask;
                }
            );
            app.Map(
                "/api/wait/{milliseconds:int}",
                async (HttpContext context, int milliseconds) =>
                {
                    await Task.Delay(milliseconds, context.RequestAborted);
                    await context.Response.WriteAsync("done");
                }
            );
            app.Map(
                "/api/slow",
                async (HttpContext context) =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
                    await context.Response.WriteAsync("late");
                }
            );
        });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Logs_carry_method_path_status_and_time_but_no_secrets_or_query()
    {
        var logger = new ListLogger();
        var connection = TestConnection.For<AuthClient>(
            _server,
            "key_query",
            new() { ["api_key"] = "KEY-SECRET-1" },
            new() { Logger = logger }
        );
        using var client = connection.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "echo/items?email=someone%40example.com");
        request.Headers.Add("X-Private", "header-value-secret");
        await EchoServer.GetEchoAsync(client, request: request);
        (await client.GetAsync(new Uri("limited", UriKind.Relative))).Dispose();

        var messages = logger.Messages;
        var completed = Assert.Single(messages, m => m.Contains("/api/echo/items", StringComparison.Ordinal));
        Assert.Contains(
            "HTTP GET http://127.0.0.1:" + _server.Port + "/api/echo/items responded 200 in",
            completed,
            StringComparison.Ordinal
        );
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
        services
            .AddHttpClient("connector", http => http.BaseAddress = connection.BaseAddress)
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
        var connection = TestConnection.For<PlainClient>(
            _server,
            "none",
            options: new() { AttemptTimeout = TimeSpan.FromMilliseconds(200) }
        );
        using var client = connection.CreateHttpClient();
        var ex = await Assert.ThrowsAsync<TaskCanceledException>(() => client.GetAsync(new Uri("slow", UriKind.Relative)));
        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task On_the_system_clock_the_call_deadline_fires_with_a_timeout_no_earlier_than_its_time()
    {
        // The deadline's timer is shared by the calls of a short window on the system clock; it still ends the call,
        // never before its time, and a caller's own token (linked through a pooled source) still cancels as before.
        var connection = TestConnection.For<PlainClient>(
            _server,
            "none",
            options: new() { CallTimeout = TimeSpan.FromMilliseconds(300), MaxRetries = 0 }
        );
        using var client = connection.CreateHttpClient();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => client.GetAsync(new Uri("slow", UriKind.Relative)));
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(300), $"timed out after {started.Elapsed}");

        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.GetAsync(new Uri("slow", UriKind.Relative), caller.Token)
        );
        Assert.IsNotType<TimeoutException>(canceled.InnerException);
    }

    [Fact]
    public async Task Calls_through_one_client_are_canceled_together_by_it_and_each_by_its_own_token()
    {
        // On the system clock the calls of a short window that pass the same token (the client's own, when they give
        // none) share one link of it with the deadline's timer; a call with a token of its own is canceled by it alone,
        // and a canceled client token does not reach the calls made after it.
        var connection = TestConnection.For<PlainClient>(_server, "none", options: new() { MaxRetries = 0 });
        using var client = connection.CreateHttpClient();
        var slow = new Uri("slow", UriKind.Relative);
        var first = client.GetAsync(slow);
        var second = client.GetAsync(slow);
        using var own = new CancellationTokenSource();
        var mine = client.GetAsync(slow, own.Token);

        own.Cancel();
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => mine.WaitAsync(TimeSpan.FromSeconds(3)));
        Assert.IsNotType<TimeoutException>(canceled.InnerException);
        await Task.Delay(100);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        client.CancelPendingRequests();
        foreach (var call in new[] { first, second })
        {
            var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(3)));
            Assert.IsNotType<TimeoutException>(ex);
        }

        var echo = await EchoServer.GetEchoAsync(client, "echo/after-cancel").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("/api/echo/after-cancel", echo.Path);
    }

    [Fact]
    public async Task Concurrent_calls_across_many_timer_windows_end_at_their_own_deadlines_never_before()
    {
        // Calls start over many sharing windows of a short deadline (its window is 1/32 of it), some through the
        // window's shared link, some with tokens of their own: every one that the server answers in time succeeds,
        // and every one it answers too late times out, none before its own deadline.
        var deadline = TimeSpan.FromSeconds(2);
        var connection = TestConnection.For<PlainClient>(_server, "none", options: new() { CallTimeout = deadline, MaxRetries = 0 });
        using var client = connection.CreateHttpClient();
        using var own = new CancellationTokenSource();

        // Connections opened and code warmed first, so that the fast calls are fast.
        await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => client.GetAsync(new Uri("wait/1", UriKind.Relative))));

        async Task<(bool Ok, TimeSpan Elapsed)> CallAsync(int i)
        {
            // Starts spread over a second: about sixteen sharing windows of 62 ms.
            await Task.Delay(i % 40 * 25);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var path = new Uri(i % 2 == 0 ? "wait/20" : "wait/4000", UriKind.Relative);
            try
            {
                using var response = await client.GetAsync(path, i % 3 == 0 ? own.Token : CancellationToken.None);
                return (response.IsSuccessStatusCode, started.Elapsed);
            }
            catch (TimeoutException)
            {
                return (false, started.Elapsed);
            }
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 120).Select(CallAsync));

        for (var i = 0; i < results.Length; i++)
        {
            var (ok, elapsed) = results[i];
            if (i % 2 == 0)
            {
                Assert.True(ok, $"call {i} failed after {elapsed}");
            }
            else
            {
                Assert.False(ok, $"call {i} was answered");
                Assert.True(elapsed >= deadline, $"call {i} timed out after {elapsed}, before its deadline of {deadline}");
            }
        }
    }

    [Fact]
    public async Task Same_origin_redirects_are_followed_with_credentials()
    {
        var connection = TestConnection.For<AuthClient>(_server, "key_header", new() { ["api_key"] = "k-same" });
        using var client = connection.CreateHttpClient();
        var echo = await EchoServer.GetEchoAsync(client, "redirect/same");
        Assert.Equal("/api/echo/after-same", echo.Path);
        Assert.Equal("k-same", echo.Header("X-API-Key"));
    }

    [Fact]
    public async Task Cross_origin_redirects_are_followed_without_any_credentials()
    {
        foreach (
            var (method, values) in new (string, Dictionary<string, string?>)[]
            {
                ("key_header", new() { ["api_key"] = "k-cross" }),
                ("key_query", new() { ["api_key"] = "k-cross" }),
                ("key_cookie", new() { ["api_key"] = "k-cross" }),
                ("bearer", new() { ["token"] = "k-cross" }),
            }
        )
        {
            var connection = TestConnection.For<AuthClient>(_server, method, values);
            using var client = connection.CreateHttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "redirect/cross");
            request.Headers.Add("Accept", "application/json");
            var echo = await EchoServer.GetEchoAsync(client, request: request);
            Assert.Equal("/api/echo/after-cross", echo.Path);
            Assert.StartsWith("localhost", echo.Header("Host"), StringComparison.Ordinal);
            Assert.Equal("application/json", echo.Header("Accept"));
            Assert.DoesNotContain(echo.Headers, h => h.Value.Contains("k-cross", StringComparison.Ordinal));
            Assert.Equal(["x"], echo.Query.Keys);
            Assert.Empty(echo.Cookies);
        }
    }

    [Fact]
    public async Task Redirect_methods_follow_the_status_code()
    {
        var connection = TestConnection.For<PlainClient>(_server, "none");
        using var client = connection.CreateHttpClient();
        using var temporary = new HttpRequestMessage(HttpMethod.Post, "redirect/temporary") { Content = new StringContent("kept") };
        var echo = await EchoServer.GetEchoAsync(client, request: temporary);
        Assert.Equal(("POST", "kept"), (echo.Method, echo.Body));

        using var seeOther = new HttpRequestMessage(HttpMethod.Post, "redirect/see-other") { Content = new StringContent("dropped") };
        echo = await EchoServer.GetEchoAsync(client, request: seeOther);
        Assert.Equal(("GET", ""), (echo.Method, echo.Body));
    }

    [Fact]
    public async Task Redirect_loops_stop_and_return_the_redirect()
    {
        var connection = TestConnection.For<PlainClient>(_server, "none");
        using var client = connection.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("redirect/loop", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.Found, response.StatusCode);
    }

    [Fact]
    public async Task Requests_carry_the_default_user_agent_unless_the_request_or_the_options_set_another()
    {
        Assert.Matches(@"^TypedConnectors/\d+\.\d+\.\d+", ConnectorConnectionOptions.DefaultUserAgent);
        using (var client = TestConnection.For<PlainClient>(_server, "none").CreateHttpClient())
        {
            Assert.Equal(
                ConnectorConnectionOptions.DefaultUserAgent,
                (await EchoServer.GetEchoAsync(client, "echo")).Headers["User-Agent"]
            );
            var own = new HttpRequestMessage(HttpMethod.Get, "echo");
            own.Headers.TryAddWithoutValidation("User-Agent", "mine/1.0");
            Assert.Equal("mine/1.0", (await EchoServer.GetEchoAsync(client, request: own)).Headers["User-Agent"]);
        }

        using (var custom = TestConnection.For<PlainClient>(_server, "none", options: new() { UserAgent = "app/2.0" }).CreateHttpClient())
        {
            Assert.Equal("app/2.0", (await EchoServer.GetEchoAsync(custom, "echo")).Headers["User-Agent"]);
        }

        using var none = TestConnection.For<PlainClient>(_server, "none", options: new() { UserAgent = null }).CreateHttpClient();
        Assert.False((await EchoServer.GetEchoAsync(none, "echo")).Headers.ContainsKey("User-Agent"));
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
