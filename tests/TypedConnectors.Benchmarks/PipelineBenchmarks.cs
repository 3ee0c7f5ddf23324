using System.Net;
using BenchmarkDotNet.Attributes;

namespace TypedConnectors.Benchmarks;

/// <summary>
/// What the connection's pipeline (resilience step on Polly.Core with its deadline, idempotency check, pause, bounded
/// body and span; redirects; limits; attempt timeout) costs per call over sending straight to the inner handler.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private static readonly Uri Target = new("http://127.0.0.1:1/api/items");
    private HttpMessageInvoker _bare = null!;
    private HttpMessageInvoker _pipeline = null!;
    private HttpMessageInvoker _unbounded = null!;
    private HttpMessageInvoker _noTimers = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new HttpMessageInvoker(new StubHandler());
        _pipeline = new HttpMessageInvoker(new PipelineBenchConnection(new ConnectorConnectionOptions()).CreateHandler(new StubHandler()));
        _noTimers = new HttpMessageInvoker(
            new PipelineBenchConnection(
                new ConnectorConnectionOptions { CallTimeout = Timeout.InfiniteTimeSpan, AttemptTimeout = Timeout.InfiniteTimeSpan }
            ).CreateHandler(new StubHandler())
        );
        _unbounded = new HttpMessageInvoker(
            new PipelineBenchConnection(
                new ConnectorConnectionOptions
                {
                    CallTimeout = Timeout.InfiniteTimeSpan,
                    AttemptTimeout = Timeout.InfiniteTimeSpan,
                    MaxResponseBytes = long.MaxValue,
                }
            ).CreateHandler(new StubHandler())
        );
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bare.Dispose();
        _pipeline.Dispose();
        _unbounded.Dispose();
        _noTimers.Dispose();
    }

    [Benchmark(Baseline = true, Description = "inner handler only")]
    public Task<int> Bare() => SendAsync(_bare);

    [Benchmark(Description = "connection pipeline")]
    public Task<int> Pipeline() => SendAsync(_pipeline);

    [Benchmark(Description = "connection pipeline, body limit but no timeouts")]
    public Task<int> NoTimers() => SendAsync(_noTimers);

    [Benchmark(Description = "connection pipeline, no timeouts or body limit")]
    public Task<int> Unbounded() => SendAsync(_unbounded);

    private static async Task<int> SendAsync(HttpMessageInvoker invoker)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Target);
        using var response = await invoker.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return (int)response.StatusCode + body.Length;
    }

    private sealed class StubHandler : HttpMessageHandler
    {
        private static readonly byte[] Body = "{\"id\":1}"u8.ToArray();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Body), RequestMessage = request });
    }
}

[Connector("bench", BaseUrl = "http://127.0.0.1:1/api")]
internal sealed class PipelineBenchClient;

internal sealed class PipelineBenchConnection(ConnectorConnectionOptions options)
    : ConnectorConnection(typeof(PipelineBenchClient), "", new Dictionary<string, string?>(), [], options);
