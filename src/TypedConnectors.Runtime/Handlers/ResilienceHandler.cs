namespace TypedConnectors;

/// <summary>
/// The connection's resilience step: one logical call around its attempts (deadline, idempotency key, retries,
/// the connection's pause, bounded body, telemetry). See <see cref="ResilienceCore"/>.
/// </summary>
internal sealed class ResilienceHandler : DelegatingHandler
{
    private readonly ResilienceCore _core;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _next;

    public ResilienceHandler(ResilienceCore core)
    {
        _core = core;

        // Made once, not per call.
        _next = (request, cancellationToken) => base.SendAsync(request, cancellationToken);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _core.SendAsync(request, _next, cancellationToken);
}
