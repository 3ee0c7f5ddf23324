using StackExchange.Redis;

namespace TypedConnectors.Redis;

/// <summary>
/// A Retry-After pause kept in Redis as a key with a time to live: when one process is told to wait, every process
/// using the same connector and scope waits until the key expires.
/// </summary>
/// <remarks>
/// Each attempt costs one <c>PTTL</c> round trip. Redis unreachable: <see cref="RedisCoordinationException"/>, or a pause
/// local to this process when <see cref="RedisCoordinationOptions.LocalFallbackProcesses"/> is set.
/// </remarks>
public sealed class RedisCoolDown : ISharedCoolDown
{
    private readonly RedisConnectorCoordination _owner;
    private readonly RedisKey _key;
    private readonly string _connector;
    private long _localUntilTicks;

    internal RedisCoolDown(RedisConnectorCoordination owner, string connector, string scope)
    {
        _owner = owner;
        _connector = connector;
        _key = owner.Key(RedisConnectorCoordination.Identity(connector, scope), "cool");
    }

    /// <summary>The Redis key of the pause.</summary>
    public string Key => _key.ToString();

    /// <summary>How long the pause in effect lasts from now; zero when there is none.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The remaining pause.</returns>
    public async ValueTask<TimeSpan> GetRemainingAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var ttl = await _owner.Database.KeyTimeToLiveAsync(_key).ConfigureAwait(false);
            return ttl is { } t && t > TimeSpan.Zero ? t : TimeSpan.Zero;
        }
        catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
        {
            if (_owner.Options.LocalFallbackProcesses is null)
            {
                throw new RedisCoordinationException(_connector, "cool-down", "Redis is unreachable", ex);
            }

            var remaining = new DateTimeOffset(Interlocked.Read(ref _localUntilTicks), TimeSpan.Zero) - DateTimeOffset.UtcNow;
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }

    /// <inheritdoc />
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        // Looped: another process may extend the pause while this one waits.
        for (
            var remaining = await GetRemainingAsync(cancellationToken).ConfigureAwait(false);
            remaining > TimeSpan.Zero;
            remaining = await GetRemainingAsync(cancellationToken).ConfigureAwait(false)
        )
        {
            await Task.Delay(remaining, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask PauseAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var milliseconds = (long)Math.Ceiling(delay.TotalMilliseconds);
        try
        {
            await _owner.Database.ScriptEvaluateAsync(RedisScripts.CoolDownPause, [_key], [milliseconds]).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
        {
            if (_owner.Options.LocalFallbackProcesses is null)
            {
                throw new RedisCoordinationException(_connector, "cool-down", "Redis is unreachable", ex);
            }

            var until = (DateTimeOffset.UtcNow + delay).UtcTicks;
            long seen;
            while (
                (seen = Interlocked.Read(ref _localUntilTicks)) < until
                && Interlocked.CompareExchange(ref _localUntilTicks, until, seen) != seen
            ) { }
        }
    }
}
