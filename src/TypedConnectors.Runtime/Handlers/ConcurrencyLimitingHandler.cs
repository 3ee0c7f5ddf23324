using System.Threading.RateLimiting;

namespace TypedConnectors;

/// <summary>Keeps at most a fixed number of requests in flight; further requests wait in order of arrival.</summary>
/// <remarks>
/// A request counts as in flight until its response headers arrive; a body read afterwards
/// (<see cref="HttpCompletionOption.ResponseHeadersRead"/>) no longer holds a slot, because the handler cannot know
/// when, or whether, the caller finishes reading it.
/// </remarks>
public sealed class ConcurrencyLimitingHandler : DelegatingHandler
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly bool _ownsLimiter;

    /// <summary>Creates the handler with a limit of its own.</summary>
    /// <param name="maxConcurrency">Requests allowed in flight; at least 1.</param>
    public ConcurrencyLimitingHandler(int maxConcurrency)
        : this(CreateLimiter(maxConcurrency), ownsLimiter: true) { }

    /// <summary>Creates the handler with a limiter shared with other handlers, e.g. all pipelines of one connection.</summary>
    /// <param name="limiter">The limiter; not disposed with the handler.</param>
    public ConcurrencyLimitingHandler(ConcurrencyLimiter limiter)
        : this(limiter, ownsLimiter: false) { }

    private ConcurrencyLimitingHandler(ConcurrencyLimiter limiter, bool ownsLimiter)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        _limiter = limiter;
        _ownsLimiter = ownsLimiter;
    }

    /// <summary>The limiter the handler waits on.</summary>
    public ConcurrencyLimiter Limiter => _limiter;

    /// <summary>Creates the limiter a connection shares between its pipelines: first come, first served, unbounded queue.</summary>
    /// <param name="maxConcurrency">Requests allowed in flight; at least 1.</param>
    /// <returns>The limiter.</returns>
    public static ConcurrencyLimiter CreateLimiter(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        return new ConcurrencyLimiter(
            new ConcurrencyLimiterOptions
            {
                PermitLimit = maxConcurrency,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }
        );
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = await RateLimitingHandler.AcquireAsync(_limiter, cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsLimiter)
        {
            _limiter.Dispose();
        }

        base.Dispose(disposing);
    }
}
