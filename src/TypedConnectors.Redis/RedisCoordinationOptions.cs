namespace TypedConnectors.Redis;

/// <summary>Settings of <see cref="RedisConnectorCoordination"/>: key prefix, lease and lock lifetimes, failure behaviour.</summary>
public sealed class RedisCoordinationOptions
{
    /// <summary>The first segment of every key, so several services can share one Redis. <c>tc</c> by default.</summary>
    public string KeyPrefix { get; set; } = "tc";

    /// <summary>
    /// Added to every rate-limit window, for an API whose window is known to be a little longer than documented. Not
    /// needed for travel times: a permit stays in the log until its response arrived, so every request the API counts
    /// is still in the log for a whole window after it arrived. Zero by default.
    /// </summary>
    public TimeSpan WindowMargin { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long a concurrency slot stays taken without being renewed. Holders renew their slots every third of it, so
    /// only a crashed or frozen process loses them; its slots return to the others within this time. 10 s by default.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the OAuth renewal lock lives without being renewed (renewed every third of it while held). 15 s by default.</summary>
    public TimeSpan RenewalLockTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a process waits for another's OAuth renewal before giving up with <see cref="RedisCoordinationException"/>. 60 s by default.</summary>
    public TimeSpan RenewalWaitTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a renewed OAuth token is kept trying to be stored while Redis is unreachable: the token endpoint may have
    /// rotated the refresh token already, so giving up early would lose the grant. 30 s by default.
    /// </summary>
    public TimeSpan TokenSaveRetryTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a waiting process asks Redis again for a concurrency slot or the renewal lock (one poller per process;
    /// a slot released in the same process wakes it at once). 10 ms by default.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// What a rate or concurrency limiter does while Redis is unreachable. Null (the default) fails the call with
    /// <see cref="RedisCoordinationException"/>. A number N makes each process limit itself locally to 1/N of the
    /// limit (rounded down, at least 1) until Redis answers again — set it to the number of processes, so their sum stays
    /// within the limit. The cool-down then becomes local too. OAuth tokens never fall back: a token renewed outside the
    /// lock could fork the refresh-token chain.
    /// </summary>
    public int? LocalFallbackProcesses { get; set; }

    internal RedisCoordinationOptions Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(KeyPrefix, nameof(KeyPrefix));
        ArgumentOutOfRangeException.ThrowIfLessThan(WindowMargin, TimeSpan.Zero, nameof(WindowMargin));
        ArgumentOutOfRangeException.ThrowIfLessThan(LeaseTime, TimeSpan.FromMilliseconds(300), nameof(LeaseTime));
        ArgumentOutOfRangeException.ThrowIfLessThan(RenewalLockTime, TimeSpan.FromMilliseconds(300), nameof(RenewalLockTime));
        ArgumentOutOfRangeException.ThrowIfLessThan(PollInterval, TimeSpan.FromMilliseconds(1), nameof(PollInterval));
        if (LocalFallbackProcesses is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(LocalFallbackProcesses));
        }

        return this;
    }
}
