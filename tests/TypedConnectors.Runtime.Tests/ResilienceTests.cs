using System.Net;
using System.Text.Json;
using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

/// <summary>Transient-fault retries, idempotency keys and the call deadline, against a fault-injecting loopback server on fake time.</summary>
public sealed class ResilienceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private FaultServer _server = null!;

    public async Task InitializeAsync() => _server = await FaultServer.StartAsync(_time);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Uri Base => new(_server.Server.BaseUri, "api/");

    private HttpClient Client(Action<ConnectorConnectionOptions>? configure = null)
    {
        var options = new ConnectorConnectionOptions
        {
            TimeProvider = _time,
            AttemptTimeout = Timeout.InfiniteTimeSpan,
            CallTimeout = Timeout.InfiniteTimeSpan,
        };
        configure?.Invoke(options);
        return TestConnection.For<PlainClient>(_server.Server, "none", options: options).CreateHttpClient();
    }

    /// <summary>Advances fake time through every retry delay until the call completes; returns the delays waited.</summary>
    private async Task<List<TimeSpan>> DriveAsync(Task call)
    {
        var delays = new List<TimeSpan>();
        while (true)
        {
            await FakeTimeProvider.WaitUntilAsync(() => call.IsCompleted || _time.PendingTimerCount > 0, what: "a retry delay or the end");
            if (call.IsCompleted)
            {
                return delays;
            }

            delays.Add(_time.NextTimerIn!.Value);
            _time.AdvanceToNextTimer();
        }
    }

    [Fact]
    public async Task Two_503s_then_200_take_three_attempts_with_growing_jittered_delays()
    {
        _server.Then(503).Then(503).Then(200, "\"done\"");
        using var client = Client();
        var call = ConnectorHttp.SendForStringAsync(client, Base, new ConnectorRequest("GET", "items"), CancellationToken.None);

        var delays = await DriveAsync(call);

        Assert.Equal("\"done\"", await call);
        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(2, delays.Count);
        Assert.InRange(delays[0], TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(600));
        Assert.InRange(delays[1], TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1200));
        Assert.True(delays[1] > delays[0]);
        var at = _server.Requests.Select(r => r.At).ToList();
        Assert.Equal(delays[0], at[1] - at[0]);
        Assert.Equal(delays[1], at[2] - at[1]);
    }

    [Fact]
    public void Backoff_doubles_per_retry_with_a_bounded_random_share_and_stops_at_the_cap()
    {
        var random = 0.0;
        var core = new ResilienceCore(
            new ResilienceSettings
            {
                TimeProvider = _time,
                BaseDelay = TimeSpan.FromMilliseconds(500),
                MaxRetryDelay = TimeSpan.FromSeconds(3),
                Random = () => random,
            }
        );

        Assert.Equal(TimeSpan.FromMilliseconds(400), core.Backoff(0));
        random = 0.5;
        Assert.Equal(TimeSpan.FromMilliseconds(500), core.Backoff(0));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), core.Backoff(1));
        Assert.Equal(TimeSpan.FromMilliseconds(2000), core.Backoff(2));
        Assert.Equal(TimeSpan.FromSeconds(3), core.Backoff(3));
        Assert.Equal(TimeSpan.FromSeconds(3), core.Backoff(1000));
        random = 0.999_999;
        Assert.InRange(core.Backoff(0), TimeSpan.FromMilliseconds(599), TimeSpan.FromMilliseconds(600));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Every_transient_status_is_retried_for_a_get(int status)
    {
        _server.Then(status).Then(200);
        using var client = Client();
        var call = ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "items"), CancellationToken.None);
        await DriveAsync(call);
        await call;
        Assert.Equal(2, _server.Requests.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(501)]
    public async Task Other_statuses_are_not_retried(int status)
    {
        _server.Then(status).Then(200);
        using var client = Client();
        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() =>
            ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "items"), CancellationToken.None)
        );
        Assert.Equal(status, ex.StatusCode);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task A_call_whose_token_is_canceled_before_it_starts_sends_nothing()
    {
        // The first attempt is made without the retry strategy; like the strategy, it is not made for a canceled call.
        _server.Then(200);
        using var client = Client();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "items"), canceled.Token)
        );
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_post_without_an_idempotency_key_is_not_retried_on_500()
    {
        _server.Then(500).Then(200);
        using var client = Client();
        var request = new ConnectorRequest("POST", "orders");
        request.JsonBody(new Dictionary<string, int> { ["qty"] = 1 });

        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() =>
            ConnectorHttp.SendAsync(client, Base, request, CancellationToken.None)
        );

        Assert.Equal(500, ex.StatusCode);
        var only = Assert.Single(_server.Requests);
        Assert.Null(only.Header("Idempotency-Key"));
    }

    [Fact]
    public async Task A_post_with_a_declared_idempotency_key_is_retried_with_the_same_key_and_each_call_gets_a_new_one()
    {
        _server.Then(500).Then(502).Then(200);
        using var client = Client();

        ConnectorRequest Order()
        {
            var request = new ConnectorRequest("POST", "orders") { IdempotencyKeyHeader = "Idempotency-Key" };
            request.JsonBody(new Dictionary<string, int> { ["qty"] = 1 });
            return request;
        }

        var call = ConnectorHttp.SendAsync(client, Base, Order(), CancellationToken.None);
        await DriveAsync(call);
        await call;
        await ConnectorHttp.SendAsync(client, Base, Order(), CancellationToken.None);

        var keys = _server.Requests.Select(r => r.Header("Idempotency-Key")).ToList();
        Assert.Equal(4, keys.Count);
        Assert.All(keys, k => Assert.True(Guid.TryParse(k, out _), $"'{k}' is not a generated key."));
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal(keys[0], keys[2]);
        Assert.NotEqual(keys[0], keys[3]);
        Assert.All(_server.Requests, r => Assert.Equal("{\"qty\":1}", r.Body));
    }

    [Fact]
    public async Task The_callers_idempotency_key_replaces_the_generated_one_on_every_attempt()
    {
        _server.Then(503).Then(200);
        using var client = Client();
        var request = new ConnectorRequest("POST", "orders")
        {
            IdempotencyKeyHeader = "Idempotency-Key",
            CallOptions = new ConnectorCallOptions { IdempotencyKey = "order-42" },
        };
        var call = ConnectorHttp.SendAsync(client, Base, request, CancellationToken.None);
        await DriveAsync(call);
        await call;
        Assert.Equal(["order-42", "order-42"], _server.Requests.Select(r => r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task A_key_given_as_the_operations_header_parameter_is_kept()
    {
        _server.Then(500).Then(200);
        using var client = Client();
        var request = new ConnectorRequest("POST", "orders") { IdempotencyKeyHeader = "Idempotency-Key" };
        request.Header("Idempotency-Key", "from-parameter");
        var call = ConnectorHttp.SendAsync(client, Base, request, CancellationToken.None);
        await DriveAsync(call);
        await call;
        Assert.Equal(["from-parameter", "from-parameter"], _server.Requests.Select(r => r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task A_post_answered_429_is_retried_because_the_server_declined_it()
    {
        _server.Then(429, "{}", ("Retry-After", "2")).Then(200);
        using var client = Client();
        var call = ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("POST", "orders"), CancellationToken.None);
        Assert.Equal([TimeSpan.FromSeconds(2)], await DriveAsync(call));
        await call;
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried_for_a_get_but_not_for_a_post_without_key()
    {
        _server.ThenDrop().Then(200);
        using var client = Client();
        var get = ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "items"), CancellationToken.None);
        await DriveAsync(get);
        await get;
        Assert.Equal(2, _server.Requests.Count);

        _server.ThenDrop().Then(200);
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("POST", "orders"), CancellationToken.None)
        );
        Assert.Equal(3, _server.Requests.Count);
    }

    [Theory]
    [InlineData("Retry-After", "2", "X-RateLimit-Reset", "5", 5)]
    [InlineData("Retry-After", "9", "RateLimit-Reset", "4", 9)]
    [InlineData("Retry-After", "1", "RateLimit", "\"burst\";r=3;t=2, \"day\";r=0;t=7", 7)]
    public async Task The_strictest_of_retry_after_and_the_reset_fields_is_waited_for(
        string firstName,
        string firstValue,
        string secondName,
        string secondValue,
        int expectedSeconds
    )
    {
        _server.Then(503, "{}", (firstName, firstValue), (secondName, secondValue)).Then(200);
        using var client = Client();
        var call = ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "items"), CancellationToken.None);
        var delays = await DriveAsync(call);
        await call;

        // The first delay is the retry's; the connection's pause (the same length, set at the same instant) ends with it.
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delays[0]);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), _server.Requests[1].At - _server.Requests[0].At);
    }

    [Fact]
    public async Task The_deadline_fires_inside_a_long_backoff_with_a_timeout_naming_connector_and_operation()
    {
        _server.Then(503, "{}", ("Retry-After", "50"));
        using var client = Client(o => o.CallTimeout = TimeSpan.FromSeconds(30));
        var call = ConnectorHttp.SendAsync(
            client,
            Base,
            new ConnectorRequest("GET", "items") { OperationId = "getItem" },
            CancellationToken.None
        );
        await FakeTimeProvider.WaitUntilAsync(
            () => _server.Requests.Count == 1 && _time.PendingTimerCount == 2,
            what: "the backoff (and the deadline)"
        );

        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => call);
        Assert.Contains("getItem", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'plain'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("30 s", ex.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task The_callers_cancellation_inside_a_backoff_is_a_cancellation_not_a_timeout()
    {
        _server.Then(503, "{}", ("Retry-After", "50"));
        using var client = Client(o => o.CallTimeout = TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource();
        var call = ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "items"), cts.Token);
        await FakeTimeProvider.WaitUntilAsync(
            () => _server.Requests.Count == 1 && _time.PendingTimerCount == 2,
            what: "the backoff (and the deadline)"
        );

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.IsNotType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task Per_call_options_override_the_connections_retries_and_deadline()
    {
        _server.Then(503);
        using var client = Client(o => o.MaxRetries = 5);
        var noRetry = new ConnectorRequest("GET", "items") { CallOptions = new ConnectorCallOptions { MaxRetries = 0 } };
        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() =>
            ConnectorHttp.SendAsync(client, Base, noRetry, CancellationToken.None)
        );
        Assert.Equal(503, ex.StatusCode);

        _server.Then(503, "{}", ("Retry-After", "20"));
        var shortDeadline = new ConnectorRequest("GET", "items")
        {
            OperationId = "listItems",
            CallOptions = new ConnectorCallOptions { Timeout = TimeSpan.FromSeconds(10) },
        };
        var call = ConnectorHttp.SendAsync(client, Base, shortDeadline, CancellationToken.None);
        await FakeTimeProvider.WaitUntilAsync(
            () => _server.Requests.Count == 2 && _time.PendingTimerCount == 2,
            what: "the backoff (and the deadline)"
        );
        _time.Advance(TimeSpan.FromSeconds(10));
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => call);
        Assert.Contains("listItems", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_longer_than_the_maximum_delay_returns_the_error_without_waiting()
    {
        _server.Then(503, "{}", ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "3600"));
        using var client = Client(o => o.MaxRetryDelay = TimeSpan.FromMinutes(1));
        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() =>
            ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "items"), CancellationToken.None)
        );
        Assert.Equal(503, ex.StatusCode);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Invalid_json_in_a_200_throws_one_exception_with_status_method_uri_without_query_and_the_cause()
    {
        _server.Then(200, "{\"id\": 1,");
        using var client = Client();
        var request = new ConnectorRequest("GET", "items");
        request.Query("api_key", "query-secret");

        var ex = await Assert.ThrowsAsync<ConnectorResponseException>(() =>
            ConnectorHttp.SendAsync<JsonElement>(client, Base, request, CancellationToken.None)
        );

        Assert.Equal(200, ex.StatusCode);
        Assert.Equal("GET", ex.Method);
        Assert.Equal(new Uri(Base, "items"), ex.RequestUri);
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
        Assert.DoesNotContain("query-secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_html_page_where_json_is_expected_throws_the_same_exception()
    {
        _server.Then(async context =>
        {
            context.Response.ContentType = "text/html";
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(context.Response, "<html>maintenance</html>");
        });
        using var client = Client();
        var ex = await Assert.ThrowsAsync<ConnectorResponseException>(() =>
            ConnectorHttp.SendAsync<JsonElement>(client, Base, new ConnectorRequest("GET", "items"), CancellationToken.None)
        );
        Assert.Equal(200, ex.StatusCode);
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
    }
}
