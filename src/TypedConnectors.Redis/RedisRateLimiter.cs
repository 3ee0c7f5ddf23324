using System.Globalization;
using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace TypedConnectors.Redis;

/// <summary>
/// A sliding-window-log rate limiter kept in Redis: no window of the configured length (plus
/// <see cref="RedisCoordinationOptions.WindowMargin"/>) ever holds more than the limit, summed over every process.
/// Callers wait for a permit; within one process only the longest-waiting caller polls Redis.
/// A permit's log entry is moved to the time it is released (the pipeline releases it when the response headers
/// arrive), so the API, which counts arrivals, sees no more than the limit in any window as long as no request takes
/// longer than one window from permit to response.
/// </summary>
/// <remarks>
/// Redis unreachable: <see cref="RedisCoordinationException"/>, or a local limiter with 1/N of the limit when
/// <see cref="RedisCoordinationOptions.LocalFallbackProcesses"/> is N. When Redis comes back without its data, the first
/// caller that notices (its marker key is gone) blocks one whole window, because what was sent before the outage is no
/// longer known; requests admitted by a local fallback during the outage are covered by the same blocked window.
/// </remarks>
public sealed class RedisRateLimiter : RateLimiter
{
    private readonly RedisConnectorCoordination _owner;
    private readonly RedisKey _key;
    private readonly RedisKey _marker;
    private volatile bool _seenMarker;
    private readonly string _connector;
    private readonly long _windowMicroseconds;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SlidingWindowLogRateLimiter? _fallback;
    private long _sequence;

    internal RedisRateLimiter(RedisConnectorCoordination owner, string connector, string scope, int permitLimit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _owner = owner;
        _connector = connector;
        _key = owner.Key(RedisConnectorCoordination.Identity(connector, scope), "rate");
        _marker = owner.Key(RedisConnectorCoordination.Identity(connector, scope), "rate-marker");
        PermitLimit = permitLimit;
        Window = window;
        _windowMicroseconds = (window + owner.Options.WindowMargin).Ticks / 10;
        if (owner.Options.LocalFallbackProcesses is { } processes)
        {
            _fallback = new SlidingWindowLogRateLimiter(Math.Max(1, permitLimit / processes), window + owner.Options.WindowMargin);
        }
    }

    /// <summary>Requests allowed in any window, across all processes.</summary>
    public int PermitLimit { get; }

    /// <summary>The window length, without the margin.</summary>
    public TimeSpan Window { get; }

    /// <summary>The Redis key of the log.</summary>
    public string Key => _key.ToString();

    /// <summary>How many permits were granted by the local fallback because Redis was unreachable.</summary>
    public long FallbackPermits => Interlocked.Read(ref _fallbackPermits);

    private long _fallbackPermits;

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => null;

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => null;

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermits(permitCount);
        try
        {
            var arguments = Arguments(permitCount);
            var wait = (long)_owner.Database.ScriptEvaluate(RedisScripts.SlidingWindowAcquire, [_key, _marker], arguments);
            _seenMarker = true;
            return wait == 0 ? new Lease(this, arguments[3].ToString(), permitCount) : new Lease(false, TimeSpan.FromTicks(wait * 10));
        }
        catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
        {
            return _fallback is null ? throw Unavailable(ex) : Counted(_fallback.AttemptAcquire(permitCount));
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermits(permitCount);

        // One poller per process: the others wait here, so a full window costs Redis one script call per process and
        // expiry rather than one per waiting caller.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                long wait;
                var arguments = Arguments(permitCount);
                try
                {
                    wait = (long)
                        await _owner
                            .Database.ScriptEvaluateAsync(RedisScripts.SlidingWindowAcquire, [_key, _marker], arguments)
                            .ConfigureAwait(false);
                    _seenMarker = true;
                }
                catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
                {
                    if (_fallback is null)
                    {
                        throw Unavailable(ex);
                    }

                    return Counted(await _fallback.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false));
                }

                if (wait == 0)
                {
                    return new Lease(this, arguments[3].ToString(), permitCount);
                }

                // Rounded up to whole milliseconds so the next attempt comes just after the slot frees, not just before.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait / 1000.0)), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _fallback?.Dispose();
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }

    private RateLimitLease Counted(RateLimitLease lease)
    {
        if (lease.IsAcquired)
        {
            Interlocked.Increment(ref _fallbackPermits);
        }

        return lease;
    }

    private void CheckPermits(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, PermitLimit);
    }

    private RedisValue[] Arguments(int permitCount) =>
        [
            PermitLimit,
            _windowMicroseconds,
            permitCount,
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
                + ":"
                + Guid.NewGuid().ToString("N")[..8]
                + ":"
                + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture),
            _seenMarker ? "1" : "0",
        ];

    private RedisCoordinationException Unavailable(Exception inner) => new(_connector, "rate limit", "Redis is unreachable", inner);

    private void Release(string member, int permits)
    {
        if (permits == 0)
        {
            return;
        }

        var values = new RedisValue[permits + 1];
        values[0] = (long)Math.Ceiling(_windowMicroseconds / 1000.0) + 1000;
        for (var i = 1; i <= permits; i++)
        {
            values[i] = member + ":" + i.ToString(CultureInfo.InvariantCulture);
        }

        try
        {
            _owner.Database.ScriptEvaluate(RedisScripts.SlidingWindowRelease, [_key], values, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
        {
            // The entry keeps its admission time; only a send delayed past the window could then be miscounted.
        }
    }

    private sealed class Lease : RateLimitLease
    {
        private readonly RedisRateLimiter? _limiter;
        private readonly string? _member;
        private readonly int _permits;
        private readonly bool _acquired;
        private readonly TimeSpan? _retryAfter;
        private int _disposed;

        public Lease(bool acquired, TimeSpan? retryAfter)
        {
            _acquired = acquired;
            _retryAfter = retryAfter;
        }

        public Lease(RedisRateLimiter limiter, string member, int permits)
        {
            _limiter = limiter;
            _member = member;
            _permits = permits;
            _acquired = true;
        }

        public override bool IsAcquired => _acquired;

        public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (_retryAfter is { } value && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = value;
                return true;
            }

            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            // Released when the response headers arrived (the handler holds the lease until then).
            if (_limiter is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _limiter.Release(_member!, _permits);
            }

            base.Dispose(disposing);
        }
    }
}
