using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

#pragma warning disable CA1812 // Only used through typeof.
[Connector("vendor-limits", BaseUrl = "http://{{host}}:{{port}}/api")]
[RateLimitHeaders("X-Quota-Left", "X-Quota-Reset")]
internal sealed class VendorLimitsClient;
#pragma warning restore CA1812

/// <summary>Remaining/reset headers pause the connection for every caller before the server has to answer 429.</summary>
public sealed class ReactiveLimitTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private FaultServer _server = null!;

    public async Task InitializeAsync() => _server = await FaultServer.StartAsync(_time);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Uri Base => new(_server.Server.BaseUri, "api/");

    private ConnectorConnection Connection(Action<ConnectorConnectionOptions>? configure = null)
    {
        var options = new ConnectorConnectionOptions
        {
            TimeProvider = _time,
            AttemptTimeout = Timeout.InfiniteTimeSpan,
            CallTimeout = Timeout.InfiniteTimeSpan,
        };
        configure?.Invoke(options);
        return TestConnection.For<PlainClient>(_server.Server, "none", options: options);
    }

    private Task Get(HttpClient client, string path) =>
        ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", path), CancellationToken.None);

    [Theory]
    [InlineData("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "10")]
    [InlineData("RateLimit-Remaining", "0", "RateLimit-Reset", "10")]
    [InlineData("RateLimit", "\"default\";r=0;t=10", "RateLimit-Policy", "\"default\";q=100;w=60")]
    [InlineData("RateLimit", "limit=100, remaining=0, reset=10", "X-Other", "1")]
    [InlineData("X-RateLimit-Remaining", "0", "X-RateLimit-Reset-After", "10.0")]
    public async Task A_response_reporting_the_budget_used_up_pauses_every_caller_until_the_reset(
        string name1,
        string value1,
        string name2,
        string value2
    )
    {
        _server.Then(200, "{}", (name1, value1), (name2, value2));
        using var connection = Connection();
        using var first = connection.CreateHttpClient();
        using var second = connection.CreateHttpClient();
        var start = _time.GetUtcNow();

        await Get(first, "a");

        // Other callers, on other clients of the same connection, wait for the reset before sending.
        var calls = new[] { Get(second, "b"), Get(first, "c"), Get(second, "d") };
        await FakeTimeProvider.WaitUntilAsync(() => _time.PendingTimerCount == 3, what: "the callers to wait");
        Assert.Single(_server.Requests);
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Single(_server.Requests);
        _time.Advance(TimeSpan.FromTicks(1));
        await Task.WhenAll(calls);

        Assert.Equal(4, _server.Requests.Count);
        Assert.All(_server.Requests.Skip(1), r => Assert.Equal(start.AddSeconds(10), r.At));
    }

    [Fact]
    public async Task A_429_holds_back_concurrent_callers_not_only_the_one_that_saw_it()
    {
        _server.Then(429, "{}", ("Retry-After", "5"));
        using var connection = Connection();
        using var client = connection.CreateHttpClient();
        var start = _time.GetUtcNow();

        var rejected = Get(client, "a");
        await FakeTimeProvider.WaitUntilAsync(() => _server.Requests.Count == 1 && _time.PendingTimerCount == 1, what: "the retry delay");
        var others = new[] { Get(client, "b"), Get(client, "c") };
        await FakeTimeProvider.WaitUntilAsync(() => _time.PendingTimerCount == 3, what: "the other callers to wait");
        Assert.Single(_server.Requests);

        _time.Advance(TimeSpan.FromSeconds(5));
        await Task.WhenAll(others.Append(rejected));

        // The retry of the rejected call and the two others, all at the end of the pause.
        Assert.Equal(4, _server.Requests.Count);
        Assert.All(_server.Requests.Skip(1), r => Assert.Equal(start.AddSeconds(5), r.At));
    }

    [Fact]
    public async Task Vendor_header_names_configured_on_the_connection_pause_it_too()
    {
        _server.Then(200, "{}", ("X-Calls-Left", "0"), ("X-Calls-Reset-In", "7"));
        using var connection = Connection(o => o.RateLimitHeaders.Add(("X-Calls-Left", "X-Calls-Reset-In")));
        using var client = connection.CreateHttpClient();
        var start = _time.GetUtcNow();
        await Get(client, "a");
        var next = Get(client, "b");
        await FakeTimeProvider.WaitUntilAsync(() => _time.PendingTimerCount == 1, what: "the pause");
        _time.Advance(TimeSpan.FromSeconds(7));
        await next;
        Assert.Equal(start.AddSeconds(7), _server.Requests[1].At);
    }

    [Fact]
    public async Task Vendor_header_names_declared_on_the_connector_pause_it_too()
    {
        _server.Then(200, "{}", ("X-Quota-Left", "0"), ("X-Quota-Reset", "4"));
        using var connection = TestConnection.For<VendorLimitsClient>(
            _server.Server,
            "none",
            options: new()
            {
                TimeProvider = _time,
                AttemptTimeout = Timeout.InfiniteTimeSpan,
                CallTimeout = Timeout.InfiniteTimeSpan,
            }
        );
        Assert.Equal([("X-Quota-Left", "X-Quota-Reset")], connection.Descriptor.RateLimitHeaders);
        using var client = connection.CreateHttpClient();
        var start = _time.GetUtcNow();
        await Get(client, "a");
        var next = Get(client, "b");
        await FakeTimeProvider.WaitUntilAsync(() => _time.PendingTimerCount == 1, what: "the pause");
        _time.Advance(TimeSpan.FromSeconds(4));
        await next;
        Assert.Equal(start.AddSeconds(4), _server.Requests[1].At);
    }

    [Fact]
    public async Task A_remaining_budget_above_zero_or_a_reset_beyond_the_maximum_delay_does_not_pause()
    {
        _server.Then(200, "{}", ("X-RateLimit-Remaining", "3"), ("X-RateLimit-Reset", "30"));
        _server.Then(200, "{}", ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "86400"));

        // Beyond what a date can hold: the longest wait, not an error of the call.
        _server.Then(200, "{}", ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "99999999999999999999.5"));
        _server.Then(200, "{}", ("RateLimit", "\"day\";r=0;t=9223372036854775807"));
        using var connection = Connection();
        using var client = connection.CreateHttpClient();
        await Get(client, "a");
        await Get(client, "b");
        await Get(client, "c");
        await Get(client, "d");
        await Get(client, "e");
        Assert.Equal(5, _server.Requests.Count);
        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Theory]
    [InlineData("\"default\";r=0;t=30", 0L, 30L)]
    [InlineData("\"burst\";r=5;t=1, \"day\";r=0;t=3600", 0L, 3600L)]
    [InlineData("limit=100, remaining=7, reset=12", 7L, 12L)]
    [InlineData("\"a\";q=10", null, null)]
    [InlineData("garbage;;=;r=x", null, null)]
    public void The_ietf_ratelimit_field_is_read_in_its_current_and_earlier_forms(string field, long? remaining, long? reset)
    {
        var policy = RateLimitHeaders.ParseStructured(field);
        Assert.Equal((remaining, reset), (policy.Remaining, policy.Reset));
    }
}
