using System.Net;
using System.Threading.RateLimiting;
using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

/// <summary>Limiters and a cool-down a connection takes from outside (e.g. shared by several processes).</summary>
public sealed class SharedLimiterTests : IAsyncLifetime
{
    private ScriptedServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync(TimeProvider.System);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_request_waiting_for_a_shared_concurrency_slot_holds_no_rate_permit()
    {
        using var rate = new SlidingWindowLogRateLimiter(10, TimeSpan.FromMinutes(1));
        using var slots = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 10 });
        var connection = TestConnection.For<PlainClient>(
            _server.Server,
            "none",
            options: new() { SharedRateLimiter = rate, SharedConcurrencyLimiter = slots }
        );
        using var client = connection.CreateHttpClient();

        // Another sender holds the only slot.
        var held = await slots.AcquireAsync();
        var call = client.GetAsync(new Uri("item", UriKind.Relative));
        await Task.Delay(200);
        Assert.False(call.IsCompleted);
        Assert.Equal(0, _server.Count);

        // The waiting request took no permit: a permit taken now would be counted before the request goes out.
        Assert.Equal(0, rate.GetStatistics()!.TotalSuccessfulLeases);

        held.Dispose();
        using var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, rate.GetStatistics()!.TotalSuccessfulLeases);
        Assert.Equal(2, slots.GetStatistics()!.TotalSuccessfulLeases); // the other sender's and this request's
    }

    [Fact]
    public async Task A_429_with_Retry_After_pauses_the_shared_cool_down_and_the_next_attempt_waits_for_it()
    {
        var coolDown = new RecordingCoolDown();
        var connection = TestConnection.For<PlainClient>(_server.Server, "none", options: new() { SharedCoolDown = coolDown });
        using var client = connection.CreateHttpClient();
        _server.Then(429, retryAfter: "1");

        using var response = await client.GetAsync(new Uri("item", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([TimeSpan.FromSeconds(1)], coolDown.Pauses);
        Assert.Equal(2, coolDown.Waits);
    }

    private sealed class RecordingCoolDown : ISharedCoolDown
    {
        public List<TimeSpan> Pauses { get; } = [];

        public int Waits { get; private set; }

        public ValueTask WaitAsync(CancellationToken cancellationToken)
        {
            Waits++;
            return ValueTask.CompletedTask;
        }

        public ValueTask PauseAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            Pauses.Add(delay);
            return ValueTask.CompletedTask;
        }
    }
}
