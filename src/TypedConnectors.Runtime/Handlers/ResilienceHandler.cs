namespace TypedConnectors;

/// <summary>
/// The connection's resilience step: one logical call around its attempts (deadline, idempotency key, retries,
/// the connection's pause, bounded body, telemetry). See <see cref="ResilienceCore"/>.
/// </summary>
internal sealed class ResilienceHandler(ResilienceCore core) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        core.SendAsync(request, (r, ct) => base.SendAsync(r, ct), cancellationToken);
}
