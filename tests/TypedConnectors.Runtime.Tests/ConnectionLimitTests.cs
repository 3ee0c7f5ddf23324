using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

/// <summary>Rate and concurrency limits of connections, end to end against a Kestrel server.</summary>
public sealed class ConnectionLimitTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private ScriptedServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync(_time);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private TestConnection Connection<TClient>(RateLimiterOverride? shared = null) =>
        TestConnection.For<TClient>(
            _server.Server,
            "none",
            options: new()
            {
                TimeProvider = _time,
                AttemptTimeout = Timeout.InfiniteTimeSpan,

                // A hundred calls at ten a minute queue for ten minutes: longer than the default call deadline.
                CallTimeout = Timeout.InfiniteTimeSpan,
                SharedRateLimiter = shared?.Limiter,
            }
        );

    [Fact]
    public async Task Hundred_calls_at_ten_per_minute_never_start_more_than_ten_in_any_minute()
    {
        var connection = Connection<RateLimitedClient>();
        using var client = connection.CreateHttpClient();
        var start = _time.GetUtcNow();
        var calls = Enumerable.Range(0, 100).Select(i => client.GetAsync(new Uri("item/" + i, UriKind.Relative))).ToList();

        // Advance fake time only when every call is either finished or queued at the limiter, so no request is in
        // flight while the clock jumps and every recorded start time is the time the request really went out.
        while (calls.Any(c => !c.IsCompleted))
        {
            await FakeTimeProvider.WaitUntilAsync(
                () => calls.Count(c => c.IsCompleted) + connection.RateLimiter!.GetStatistics()!.CurrentQueuedCount == calls.Count,
                what: "calls to settle"
            );
            if (calls.All(c => c.IsCompleted))
            {
                break;
            }

            Assert.True(_time.AdvanceToNextTimer(), "Queued calls but no limiter timer.");
        }

        foreach (var call in calls)
        {
            using var response = await call;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var starts = _server.ArrivalTimes;
        Assert.Equal(100, starts.Count);
        RateLimiterTests.AssertNoWindowExceeds(starts, 10, TimeSpan.FromMinutes(1));
        Assert.Equal(start.AddMinutes(9), starts.Max());
    }

    [Fact]
    public async Task Two_connections_do_not_share_a_rate_budget()
    {
        var a = Connection<TightClient>();
        var b = Connection<TightClient>();
        using var clientA = a.CreateHttpClient();
        using var clientB = b.CreateHttpClient();

        (await clientA.GetAsync(new Uri("a1", UriKind.Relative))).Dispose();
        (await clientA.GetAsync(new Uri("a2", UriKind.Relative))).Dispose();
        var third = clientA.GetAsync(new Uri("a3", UriKind.Relative));
        await FakeTimeProvider.WaitUntilAsync(
            () => a.RateLimiter!.GetStatistics()!.CurrentQueuedCount == 1,
            what: "the third call to queue"
        );

        // B has its own budget: both calls go out without the clock moving.
        (await clientB.GetAsync(new Uri("b1", UriKind.Relative))).Dispose();
        (await clientB.GetAsync(new Uri("b2", UriKind.Relative))).Dispose();
        Assert.False(third.IsCompleted);
        Assert.Equal(4, _server.Count);

        _time.Advance(TimeSpan.FromMinutes(1));
        (await third).Dispose();
        Assert.Equal(_time.GetUtcNow(), _server.ArrivalTimes[^1]);
    }

    [Fact]
    public async Task Connections_given_one_shared_limiter_share_its_budget()
    {
        using var shared = new SlidingWindowLogRateLimiter(2, TimeSpan.FromMinutes(1), _time);
        var a = Connection<PlainClient>(new RateLimiterOverride(shared));
        var b = Connection<PlainClient>(new RateLimiterOverride(shared));
        using var clientA = a.CreateHttpClient();
        using var clientB = b.CreateHttpClient();
        (await clientA.GetAsync(new Uri("a", UriKind.Relative))).Dispose();
        (await clientB.GetAsync(new Uri("b", UriKind.Relative))).Dispose();
        var third = clientB.GetAsync(new Uri("c", UriKind.Relative));
        await FakeTimeProvider.WaitUntilAsync(() => shared.GetStatistics()!.CurrentQueuedCount == 1, what: "the third call to queue");
        _time.Advance(TimeSpan.FromMinutes(1));
        (await third).Dispose();
    }

    [Fact]
    public async Task Two_clients_of_one_connection_share_its_budget()
    {
        var connection = Connection<TightClient>();
        using var one = connection.CreateHttpClient();
        using var two = connection.CreateHttpClient();
        (await one.GetAsync(new Uri("1", UriKind.Relative))).Dispose();
        (await two.GetAsync(new Uri("2", UriKind.Relative))).Dispose();
        var third = two.GetAsync(new Uri("3", UriKind.Relative));
        await FakeTimeProvider.WaitUntilAsync(
            () => connection.RateLimiter!.GetStatistics()!.CurrentQueuedCount == 1,
            what: "the third call to queue"
        );
        _time.Advance(TimeSpan.FromMinutes(1));
        (await third).Dispose();
    }

    [Fact]
    public async Task A_rejected_permit_surfaces_as_ConnectorRateLimitRejectedException()
    {
        var limiter = new SlidingWindowLogRateLimiter(1, TimeSpan.FromMinutes(1), _time, queueLimit: 0);
        var connection = Connection<PlainClient>(new RateLimiterOverride(limiter));
        using var client = connection.CreateHttpClient();
        (await client.GetAsync(new Uri("1", UriKind.Relative))).Dispose();
        var ex = await Assert.ThrowsAsync<ConnectorRateLimitRejectedException>(() => client.GetAsync(new Uri("2", UriKind.Relative)));
        Assert.Equal(TimeSpan.FromMinutes(1), ex.RetryAfter);
        Assert.Equal(1, _server.Count);
        limiter.Dispose();
    }

    public sealed record RateLimiterOverride(System.Threading.RateLimiting.RateLimiter Limiter);
}

/// <summary>Concurrency limits against a server that holds requests and counts how many are in flight.</summary>
public sealed class ConcurrencyLimitTests : IAsyncLifetime
{
    private int _inFlight;
    private int _maxInFlight;
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(app =>
            app.Map(
                "/api/hold",
                async (HttpContext context) =>
                {
                    var target = int.Parse(context.Request.Query["target"]!, System.Globalization.CultureInfo.InvariantCulture);
                    var now = Interlocked.Increment(ref _inFlight);
                    InterlockedMax(ref _maxInFlight, now);
                    try
                    {
                        // Hold until the target number of requests is in flight at once (or a short real-time deadline passes),
                        // so a limit that is not enforced shows up as more requests in flight than allowed.
                        var deadline = DateTime.UtcNow.AddSeconds(2);
                        while (Volatile.Read(ref _inFlight) < target && DateTime.UtcNow < deadline)
                        {
                            await Task.Delay(2);
                        }

                        InterlockedMax(ref _maxInFlight, Volatile.Read(ref _inFlight));
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _inFlight);
                    }

                    await context.Response.WriteAsync("ok");
                }
            )
        );

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static void InterlockedMax(ref int location, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref location)) && Interlocked.CompareExchange(ref location, value, current) != current) { }
    }

    [Fact]
    public async Task Max_concurrency_is_never_exceeded_under_a_hundred_parallel_calls()
    {
        var connection = TestConnection.For<ConcurrencyClient>(_server, "none");
        using var client = connection.CreateHttpClient();
        var calls = Enumerable.Range(0, 100).Select(_ => client.GetAsync(new Uri("hold?target=5", UriKind.Relative))).ToList();
        foreach (var response in await Task.WhenAll(calls))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        Assert.Equal(5, _maxInFlight);
    }

    [Fact]
    public async Task Without_a_limit_the_server_sees_more_requests_in_flight()
    {
        // Control for the test above: the harness does detect parallelism beyond five.
        var connection = TestConnection.For<PlainClient>(_server, "none");
        using var client = connection.CreateHttpClient();
        var calls = Enumerable.Range(0, 20).Select(_ => client.GetAsync(new Uri("hold?target=10", UriKind.Relative))).ToList();
        foreach (var response in await Task.WhenAll(calls))
        {
            response.Dispose();
        }

        Assert.True(_maxInFlight > 5, $"max in flight {_maxInFlight}");
    }

    [Fact]
    public async Task The_handler_on_its_own_limits_concurrency()
    {
        using var handler = new ConcurrencyLimitingHandler(3) { InnerHandler = new SocketsHttpHandler() };
        using var client = new HttpClient(handler) { BaseAddress = _server.BaseUri };
        var calls = Enumerable.Range(0, 30).Select(_ => client.GetAsync(new Uri("api/hold?target=3", UriKind.Relative))).ToList();
        foreach (var response in await Task.WhenAll(calls))
        {
            response.Dispose();
        }

        Assert.Equal(3, _maxInFlight);
    }
}
