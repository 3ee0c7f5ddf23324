using System.Threading.RateLimiting;

namespace TypedConnectors.Testing;

/// <summary>
/// A rate limiter that grants every permit and counts them, for tests that must show requests went through the
/// connection's rate limiter (<see cref="TypedConnectors.ConnectorConnectionOptions.SharedRateLimiter"/>).
/// </summary>
public sealed class CountingRateLimiter : RateLimiter
{
    private int _granted;

    /// <summary>The permits granted so far (one per request the pipeline sent through the limiter).</summary>
    public int Granted => Volatile.Read(ref _granted);

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => null;

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new() { TotalSuccessfulLeases = Granted };

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Interlocked.Increment(ref _granted);
        return new GrantedLease();
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _granted);
        return new ValueTask<RateLimitLease>(new GrantedLease());
    }

    private sealed class GrantedLease : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => Array.Empty<string>();

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
