using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace TypedConnectors.Redis;

/// <summary>
/// A limit on requests in flight across every process, kept in Redis as leases that expire: a holder renews its
/// leases every third of <see cref="RedisCoordinationOptions.LeaseTime"/>, so the slots of a process that crashed or
/// froze return to the others within that time.
/// </summary>
/// <remarks>
/// Waiting callers poll every <see cref="RedisCoordinationOptions.PollInterval"/>, one per process. Redis unreachable:
/// <see cref="RedisCoordinationException"/>, or a local limiter with 1/N of the slots when
/// <see cref="RedisCoordinationOptions.LocalFallbackProcesses"/> is N. A lease whose release cannot reach Redis simply
/// expires.
/// </remarks>
public sealed class RedisConcurrencyLimiter : RateLimiter
{
    private readonly RedisConnectorCoordination _owner;
    private readonly RedisKey _key;
    private readonly string _connector;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _released = new(0, 1);
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);
    private readonly ConcurrencyLimiter? _fallback;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _renewalLock = new();
    private Task? _renewal;
    private long _sequence;

    internal RedisConcurrencyLimiter(RedisConnectorCoordination owner, string connector, string scope, int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _owner = owner;
        _connector = connector;
        _key = owner.Key(RedisConnectorCoordination.Identity(connector, scope), "conc");
        MaxConcurrency = maxConcurrency;
        if (owner.Options.LocalFallbackProcesses is { } processes)
        {
            _fallback = ConcurrencyLimitingHandler.CreateLimiter(Math.Max(1, maxConcurrency / processes));
        }
    }

    /// <summary>Requests allowed in flight across all processes.</summary>
    public int MaxConcurrency { get; }

    /// <summary>The Redis key of the leases.</summary>
    public string Key => _key.ToString();

    /// <summary>How many leases this process holds in Redis now.</summary>
    public int HeldLeases => _held.Count;

    /// <summary>How many lease renewals found a lease already expired (the process was frozen longer than the lease time).</summary>
    public long LostLeases => Interlocked.Read(ref _lostLeases);

    private long _lostLeases;

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => null;

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => null;

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        var id = NewLeaseId();
        try
        {
            var wait = (long)_owner.Database.ScriptEvaluate(RedisScripts.LeaseAcquire, [_key], [MaxConcurrency, LeaseMilliseconds, id]);
            return wait == 0 ? Held(id) : new FailedLease(TimeSpan.FromMilliseconds(wait));
        }
        catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
        {
            return _fallback is null ? throw Unavailable(ex) : _fallback.AttemptAcquire(permitCount);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        var id = NewLeaseId();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                long wait;
                try
                {
                    wait = (long)
                        await _owner
                            .Database.ScriptEvaluateAsync(RedisScripts.LeaseAcquire, [_key], [MaxConcurrency, LeaseMilliseconds, id])
                            .ConfigureAwait(false);
                }
                catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
                {
                    if (_fallback is null)
                    {
                        throw Unavailable(ex);
                    }

                    return await _fallback.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
                }

                if (wait == 0)
                {
                    return Held(id);
                }

                // Slots are released at any time, not only when a lease expires, so poll rather than sleep until then;
                // a slot released by this process wakes the poller at once.
                var poll = TimeSpan.FromMilliseconds(Math.Min(wait, _owner.Options.PollInterval.TotalMilliseconds));
                await _released.WaitAsync(poll, cancellationToken).ConfigureAwait(false);
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
            _stop.Cancel();
            _fallback?.Dispose();
            _gate.Dispose();
            _released.Dispose();
        }

        base.Dispose(disposing);
    }

    private long LeaseMilliseconds => (long)_owner.Options.LeaseTime.TotalMilliseconds;

    private string NewLeaseId() =>
        Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
        + ":"
        + Guid.NewGuid().ToString("N")[..12]
        + ":"
        + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);

    private RateLimitLease Held(string id)
    {
        _held[id] = 0;
        EnsureRenewal();
        return new RedisLease(this, id);
    }

    private void Release(string id)
    {
        if (!_held.TryRemove(id, out _))
        {
            return;
        }

        try
        {
            _owner.Database.SortedSetRemove(_key, id, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
        {
            // The lease expires on its own within the lease time.
        }

        try
        {
            // Commands on one connection run in order, so the poller's next script sees the slot free.
            if (_released.CurrentCount == 0)
            {
                _released.Release();
            }
        }
        catch (SemaphoreFullException) { }
        catch (ObjectDisposedException) { }
    }

    private void EnsureRenewal()
    {
        lock (_renewalLock)
        {
            if (_renewal is null || _renewal.IsCompleted)
            {
                _renewal = Task.Run(RenewLoopAsync);
            }
        }
    }

    private async Task RenewLoopAsync()
    {
        using var timer = new PeriodicTimer(_owner.Options.LeaseTime / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var ids = _held.Keys.ToArray();
                if (ids.Length == 0)
                {
                    continue;
                }

                try
                {
                    var values = new RedisValue[ids.Length + 1];
                    values[0] = LeaseMilliseconds;
                    for (var i = 0; i < ids.Length; i++)
                    {
                        values[i + 1] = ids[i];
                    }

                    var renewed = (long)
                        await _owner.Database.ScriptEvaluateAsync(RedisScripts.LeaseRenew, [_key], values).ConfigureAwait(false);
                    // A lease released meanwhile is not lost; one still held here but gone from Redis had expired.
                    var stillHeld = ids.Count(_held.ContainsKey);
                    if (renewed < stillHeld)
                    {
                        Interlocked.Add(ref _lostLeases, stillHeld - renewed);
                    }
                }
                catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
                {
                    // Tried again on the next tick; leases outlive two missed renewals.
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private RedisCoordinationException Unavailable(Exception inner) => new(_connector, "concurrency limit", "Redis is unreachable", inner);

    private sealed class RedisLease(RedisConcurrencyLimiter limiter, string id) : RateLimitLease
    {
        private int _disposed;

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                limiter.Release(id);
            }

            base.Dispose(disposing);
        }
    }

    private sealed class FailedLease(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
