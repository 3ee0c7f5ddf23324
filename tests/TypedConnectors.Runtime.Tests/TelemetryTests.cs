using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

/// <summary>Spans and metrics of logical calls, exported through the OpenTelemetry SDK in memory and asserted attribute by attribute.</summary>
public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly LockedCollection<Activity> _spans = new();
    private readonly LockedCollection<Metric> _metrics = new();
    private readonly string _operation = "op-" + Guid.NewGuid().ToString("N");
    private FaultServer _server = null!;
    private TracerProvider _tracer = null!;
    private MeterProvider _meter = null!;

    public async Task InitializeAsync()
    {
        _server = await FaultServer.StartAsync(_time);
        _tracer = Sdk.CreateTracerProviderBuilder().AddSource(ConnectorTelemetry.Name).AddInMemoryExporter(_spans).Build()!;
        _meter = Sdk.CreateMeterProviderBuilder().AddMeter(ConnectorTelemetry.Name).AddInMemoryExporter(_metrics).Build()!;
    }

    public async Task DisposeAsync()
    {
        _tracer.Dispose();
        _meter.Dispose();
        await _server.DisposeAsync();
    }

    private Uri Base => new(_server.Server.BaseUri, "api/");

    /// <summary>This test's spans: other tests run in parallel and report through the same source.</summary>
    private Activity Span()
    {
        _tracer.ForceFlush();
        return Assert.Single(_spans.Snapshot(), s => (string?)s.GetTagItem(ConnectorTelemetry.OperationAttribute) == _operation);
    }

    /// <summary>This test's points of one metric.</summary>
    private List<MetricPoint> Points(string name)
    {
        // Each flush exports every metric again (cumulative): read only the latest export.
        _metrics.Clear();
        _meter.ForceFlush();
        var points = new List<MetricPoint>();
        foreach (var metric in _metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                if (Tags(point).TryGetValue(ConnectorTelemetry.OperationAttribute, out var op) && (string?)op == _operation)
                {
                    points.Add(point);
                }
            }
        }

        return points;
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }

    private async Task DriveAsync(Task call)
    {
        while (true)
        {
            await FakeTimeProvider.WaitUntilAsync(() => call.IsCompleted || _time.PendingTimerCount > 0, what: "a delay or the end");
            if (call.IsCompleted)
            {
                await call;
                return;
            }

            _time.AdvanceToNextTimer();
        }
    }

    [Fact]
    public async Task A_retried_call_is_one_client_span_with_http_attributes_and_an_event_per_attempt()
    {
        _server.Then(503, "{}", ("Retry-After", "2")).Then(200);
        using var client = TestConnection
            .For<AuthClient>(
                _server.Server,
                "key_query",
                new() { ["api_key"] = "query-key-secret" },
                new()
                {
                    TimeProvider = _time,
                    CallTimeout = Timeout.InfiniteTimeSpan,
                    AttemptTimeout = Timeout.InfiniteTimeSpan,
                }
            )
            .CreateHttpClient();
        var request = new ConnectorRequest("GET", "items/{id}?view=full") { OperationId = _operation };
        request.PathParameter("id", "42");
        request.Query("filter", "name-secret");

        await DriveAsync(ConnectorHttp.SendAsync(client, Base, request, CancellationToken.None));

        var span = Span();
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("GET items/{id}", span.DisplayName);
        Assert.Equal("GET", span.GetTagItem("http.request.method"));
        Assert.Equal("items/{id}", span.GetTagItem("url.template"));
        Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
        Assert.Equal(_server.Server.Port, span.GetTagItem("server.port"));
        Assert.Equal(new Uri(Base, "items/42").ToString(), span.GetTagItem("url.full"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal("auth", span.GetTagItem(ConnectorTelemetry.ConnectorAttribute));
        Assert.Equal(1, span.GetTagItem(ConnectorTelemetry.RetryCountAttribute));
        Assert.Equal(0.0, span.GetTagItem(ConnectorTelemetry.RateLimitWaitAttribute));
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        var attempts = span.Events.Where(e => e.Name == "typedconnectors.attempt").ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal([0, 1], attempts.Select(e => e.Tags.Single(t => t.Key == "http.request.resend_count").Value));
        Assert.Equal([503, 200], attempts.Select(e => e.Tags.Single(t => t.Key == "http.response.status_code").Value));

        // No query string (where the API key and filter went) and no secret in any attribute.
        var values = span
            .TagObjects.Select(t => t.Value?.ToString() ?? "")
            .Concat(span.Events.SelectMany(e => e.Tags).Select(t => t.Value?.ToString() ?? ""));
        Assert.All(
            values,
            v =>
            {
                Assert.DoesNotContain("secret", v, StringComparison.Ordinal);
                Assert.DoesNotContain("?", v, StringComparison.Ordinal);
            }
        );
    }

    [Fact]
    public async Task Metrics_count_the_call_its_retries_and_429s_and_record_duration_and_limiter_wait()
    {
        _server.Then(429, "{}", ("Retry-After", "3")).Then(503, "{}", ("Retry-After", "1")).Then(200);
        using var client = TestConnection
            .For<PlainClient>(
                _server.Server,
                "none",
                options: new()
                {
                    TimeProvider = _time,
                    CallTimeout = Timeout.InfiniteTimeSpan,
                    AttemptTimeout = Timeout.InfiniteTimeSpan,
                }
            )
            .CreateHttpClient();

        await DriveAsync(
            ConnectorHttp.SendAsync(
                client,
                Base,
                new ConnectorRequest("POST", "orders") { OperationId = _operation },
                CancellationToken.None
            )
        );

        var duration = Assert.Single(Points(ConnectorTelemetry.CallDurationMetric));
        Assert.Equal(1, duration.GetHistogramCount());
        Assert.Equal(4.0, duration.GetHistogramSum(), 3);
        var tags = Tags(duration);
        Assert.Equal("plain", tags[ConnectorTelemetry.ConnectorAttribute]);
        Assert.Equal("POST", tags["http.request.method"]);
        Assert.Equal("127.0.0.1", tags["server.address"]);
        Assert.Equal(200, tags["http.response.status_code"]);
        Assert.False(tags.ContainsKey("error.type"));

        var retries = Points(ConnectorTelemetry.RetriesMetric);
        Assert.Equal(2, retries.Sum(p => p.GetSumLong()));
        Assert.Equal([429, 503], retries.Select(p => Tags(p)["http.response.status_code"]).Order());

        var rateLimited = Assert.Single(Points(ConnectorTelemetry.RateLimitedMetric));
        Assert.Equal(1, rateLimited.GetSumLong());

        // The attempts after the 429 and the 503 each waited out the connection's pause alongside the retry delay.
        var wait = Assert.Single(Points(ConnectorTelemetry.LimiterWaitMetric));
        Assert.Equal(1, wait.GetHistogramCount());
    }

    [Fact]
    public async Task A_rate_limited_call_reports_its_wait_and_a_failed_call_its_error_type()
    {
        using var connection = TestConnection.For<TightClient>(
            _server.Server,
            "none",
            options: new()
            {
                TimeProvider = _time,
                CallTimeout = Timeout.InfiniteTimeSpan,
                MaxRetries = 0,
            }
        );
        using var client = connection.CreateHttpClient();

        // Two permits a minute: the third call waits for the window to move on.
        await ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "a"), CancellationToken.None);
        await ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "b"), CancellationToken.None);
        _server.Then(404);
        var third = ConnectorHttp.SendAsync(
            client,
            Base,
            new ConnectorRequest("GET", "c") { OperationId = _operation },
            CancellationToken.None
        );
        await FakeTimeProvider.WaitUntilAsync(() => _time.PendingTimerCount > 0, what: "the limiter");
        _time.Advance(TimeSpan.FromSeconds(60));
        await Assert.ThrowsAsync<ConnectorApiException>(() => third);

        var span = Span();
        Assert.Equal(60.0, (double)span.GetTagItem(ConnectorTelemetry.RateLimitWaitAttribute)!, 3);
        Assert.Equal("404", span.GetTagItem("error.type"));
        Assert.Equal(404, span.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        var wait = Assert.Single(Points(ConnectorTelemetry.LimiterWaitMetric));
        Assert.Equal(60.0, wait.GetHistogramSum(), 3);
    }

    [Fact]
    public async Task A_timed_out_call_ends_its_span_with_the_timeout_error_type()
    {
        _server.Then(503, "{}", ("Retry-After", "40"));
        using var client = TestConnection
            .For<PlainClient>(
                _server.Server,
                "none",
                options: new()
                {
                    TimeProvider = _time,
                    CallTimeout = TimeSpan.FromSeconds(5),
                    AttemptTimeout = Timeout.InfiniteTimeSpan,
                }
            )
            .CreateHttpClient();
        var call = ConnectorHttp.SendAsync(
            client,
            Base,
            new ConnectorRequest("GET", "slow") { OperationId = _operation },
            CancellationToken.None
        );
        await FakeTimeProvider.WaitUntilAsync(() => _server.Requests.Count == 1 && _time.PendingTimerCount == 2, what: "the backoff");
        _time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<TimeoutException>(() => call);

        var span = Span();
        Assert.Equal("System.TimeoutException", span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(0, span.GetTagItem(ConnectorTelemetry.RetryCountAttribute));
    }
}
