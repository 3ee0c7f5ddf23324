using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

public sealed class RetryAfterHandlerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private ScriptedServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync(_time);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpClient Client(int maxRetries = 3, TimeSpan? maxDelay = null)
    {
        var connection = TestConnection.For<PlainClient>(
            _server.Server,
            "none",
            options: new()
            {
                TimeProvider = _time,
                MaxRetries = maxRetries,
                MaxRetryDelay = maxDelay ?? TimeSpan.FromMinutes(1),
                AttemptTimeout = Timeout.InfiniteTimeSpan,

                // Only the retry delays are timers these tests count.
                CallTimeout = Timeout.InfiniteTimeSpan,
            }
        );
        return connection.CreateHttpClient();
    }

    /// <summary>Waits (real time) until the handler is sleeping on the fake clock, and returns how long it asked to sleep.</summary>
    private async Task<TimeSpan> WaitForDelayAsync()
    {
        await FakeTimeProvider.WaitUntilAsync(() => _time.PendingTimerCount == 1, what: "the retry delay");
        return _time.NextTimerIn!.Value;
    }

    [Fact]
    public async Task Retry_after_seconds_is_waited_for_on_the_time_provider()
    {
        _server.Then(429, retryAfter: "7").Then(200, body: "done");
        using var client = Client();
        var start = _time.GetUtcNow();
        var call = client.GetAsync(new Uri("x", UriKind.Relative));

        Assert.Equal(TimeSpan.FromSeconds(7), await WaitForDelayAsync());
        Assert.Equal(1, _server.Count);

        _time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromTicks(1));
        Assert.False(call.IsCompleted);
        Assert.Equal(1, _server.Count);

        _time.Advance(TimeSpan.FromTicks(1));
        using var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync());
        Assert.Equal([start, start.AddSeconds(7)], _server.ArrivalTimes);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_relative_to_the_time_provider_clock()
    {
        var retryAt = _time.GetUtcNow().AddSeconds(30);
        _server.Then(503, retryAfter: retryAt.ToString("R", CultureInfo.InvariantCulture)).Then(200);
        using var client = Client();
        var call = client.GetAsync(new Uri("x", UriKind.Relative));

        Assert.Equal(TimeSpan.FromSeconds(30), await WaitForDelayAsync());
        _time.Advance(TimeSpan.FromSeconds(30));
        using var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(retryAt, _server.ArrivalTimes[1]);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_maximum_delay_returns_the_response_without_waiting()
    {
        _server.Then(429, retryAfter: "120", body: "slow down");
        using var client = Client(maxDelay: TimeSpan.FromSeconds(60));
        using var response = await client.GetAsync(new Uri("x", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("slow down", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, _server.Count);
        Assert.Empty(_time.RequestedDelays);
    }

    [Fact]
    public async Task Retries_stop_after_max_retries_and_the_last_response_is_returned()
    {
        _server.Fallback = async context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsync("down");
        };
        using var client = Client(maxRetries: 2);
        var call = client.GetAsync(new Uri("x", UriKind.Relative));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(1), await WaitForDelayAsync());
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        using var response = await call;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, _server.Count);
    }

    [Fact]
    public async Task Without_retry_after_the_handler_backs_off_exponentially_up_to_the_cap()
    {
        _server.Then(503).Then(429).Then(503).Then(200);
        using var client = Client(maxRetries: 3, maxDelay: TimeSpan.FromSeconds(1.5));
        var call = client.GetAsync(new Uri("x", UriKind.Relative));
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var delay = await WaitForDelayAsync();
            delays.Add(delay);
            _time.Advance(delay);
        }

        using var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // 500 ms and 1 s medians, ±20 % jitter, then the cap.
        Assert.InRange(delays[0], TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(600));
        Assert.InRange(delays[1], TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1200));
        Assert.Equal(TimeSpan.FromSeconds(1.5), delays[2]);
    }

    [Fact]
    public async Task A_streamed_request_body_is_sent_again_on_retry()
    {
        _server.Then(429, retryAfter: "1").Then(200);
        using var client = Client();
        var payload = "{\"name\":\"streamed body é\"}";
        using var content = new StreamContent(new NonSeekableStream(System.Text.Encoding.UTF8.GetBytes(payload)));
        var call = client.PostAsync(new Uri("x", UriKind.Relative), content);
        await WaitForDelayAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        using var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([payload, payload], _server.Bodies);
    }

    [Fact]
    public async Task A_seekable_caller_stream_is_rewound_for_the_retry_and_left_open()
    {
        _server.Then(503, retryAfter: "1").Then(200);
        using var client = Client();
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("skip:payload"));
        stream.Position = 5;
        using var content = ConnectorContent.Stream(stream, "application/octet-stream");
        var call = client.PostAsync(new Uri("x", UriKind.Relative), content);
        await WaitForDelayAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        (await call).Dispose();
        Assert.Equal(["payload", "payload"], _server.Bodies);
        content.Dispose();
        Assert.True(stream.CanRead, "The caller's stream must stay open.");
    }

    [Fact]
    public async Task Cancellation_while_waiting_stops_the_retry()
    {
        _server.Then(429, retryAfter: "10").Then(200);
        using var client = Client();
        using var cts = new CancellationTokenSource();
        var call = client.GetAsync(new Uri("x", UriKind.Relative), cts.Token);
        await WaitForDelayAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, _server.Count);
    }

    [Fact]
    public async Task After_the_last_retry_ConnectorHttp_throws_the_api_exception()
    {
        _server.Then(429, retryAfter: "0").Then(429, retryAfter: "0", body: "{\"error\":\"quota\"}");
        using var client = Client(maxRetries: 1);
        var connectionBase = new Uri(_server.Server.BaseUri, "api/");
        var call = ConnectorHttp.SendAsync(client, connectionBase, new ConnectorRequest("GET", "quota"), CancellationToken.None);
        await FakeTimeProvider.WaitUntilAsync(() => _time.PendingTimerCount == 1 || call.IsCompleted, what: "the zero delay");
        _time.Advance(TimeSpan.Zero);
        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() => call);
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("{\"error\":\"quota\"}", ex.ResponseBody);
        Assert.Equal(2, _server.Count);
    }

    [Fact]
    public void Retry_after_parsing_handles_seconds_dates_in_the_past_and_absence()
    {
        var now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "5");
        Assert.Equal(TimeSpan.FromSeconds(5), RetryAfterHandler.GetRetryAfter(seconds, now));

        using var past = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        past.Headers.TryAddWithoutValidation("Retry-After", now.AddMinutes(-1).ToString("R", CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.Zero, RetryAfterHandler.GetRetryAfter(past, now));

        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        Assert.Null(RetryAfterHandler.GetRetryAfter(none, now));
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override long Position
        {
            get => base.Position;
            set => throw new NotSupportedException();
        }

        public override long Length => throw new NotSupportedException();
    }
}
