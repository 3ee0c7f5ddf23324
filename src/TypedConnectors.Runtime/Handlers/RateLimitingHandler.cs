using System.Threading.RateLimiting;

namespace TypedConnectors;

/// <summary>
/// Waits for a permit from a <see cref="RateLimiter"/> before each request and holds it until the response headers arrive.
/// </summary>
/// <remarks>
/// The limiter is not owned: it belongs to the connection (or to whoever shares it between connections) and outlives
/// handler pipelines, which IHttpClientFactory recycles every few minutes.
/// </remarks>
public sealed class RateLimitingHandler : DelegatingHandler
{
    private readonly RateLimiter _limiter;

    /// <summary>Creates the handler.</summary>
    /// <param name="limiter">The limiter; not disposed with the handler.</param>
    public RateLimitingHandler(RateLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        _limiter = limiter;
    }

    /// <summary>The clock the wait for a permit is measured with, for the call's telemetry.</summary>
    internal TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The limiter the handler waits on.</summary>
    public RateLimiter Limiter => _limiter;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var start = Time.GetTimestamp();
        using var lease = await AcquireAsync(_limiter, cancellationToken).ConfigureAwait(false);
        CallState.Of(request)?.AddLimiterWait(Time.GetElapsedTime(start));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    internal static async ValueTask<RateLimitLease> AcquireAsync(RateLimiter limiter, CancellationToken cancellationToken)
    {
        var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        lease.Dispose();
        throw new ConnectorRateLimitRejectedException(
            "The rate limiter refused the request (its queue is full or it was disposed); the request was not sent.",
            retryAfter
        );
    }
}
