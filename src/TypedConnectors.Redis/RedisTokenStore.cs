using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace TypedConnectors.Redis;

/// <summary>
/// OAuth 2.0 tokens in Redis, shared by every process, with renewals that are single-flight across them: one process
/// takes the renewal lock and asks the token endpoint; the others wait and then read the token it stored.
/// </summary>
/// <remarks>
/// <para>
/// Keys per connection store key: <c>…:token</c> (a hash of the token data and its version), <c>…:lock</c> (the renewal
/// lock: holder and fencing token, with a time to live renewed while held) and <c>…:fence</c> (the fencing counter).
/// A renewed token is written with a compare-and-set on the version: only if no newer version is stored and no other
/// holder has the lock, so a process whose lock expired (it froze) can never overwrite a newer rotated refresh token.
/// </para>
/// <para>
/// Redis unreachable: <see cref="RedisCoordinationException"/> (there is no local fallback; a renewal outside the lock
/// could fork the refresh-token chain). A token obtained just before Redis went away is kept trying to be stored for
/// <see cref="RedisCoordinationOptions.TokenSaveRetryTime"/>. Token values are stored as they are: protect Redis like the
/// secrets it holds (password, TLS, no persistence to shared disks, or persistence if tokens must survive a restart).
/// </para>
/// </remarks>
public sealed class RedisTokenStore : ICoordinatedTokenStore
{
    private const string Resource = "OAuth token";
    private readonly RedisConnectorCoordination _owner;
    private readonly string _ownerId = Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ":" + Guid.NewGuid().ToString("N");

    internal RedisTokenStore(RedisConnectorCoordination owner) => _owner = owner;

    /// <summary>Renewals this store ran itself (it held the lock and called the token endpoint).</summary>
    public long RenewalsRun => Interlocked.Read(ref _renewalsRun);

    /// <summary>Renewed tokens this store was refused to write because a newer version was stored meanwhile.</summary>
    public long StaleWritesRefused => Interlocked.Read(ref _staleWritesRefused);

    private long _renewalsRun;
    private long _staleWritesRefused;

    /// <inheritdoc />
    public async ValueTask<OAuthToken?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        var data = await Call(key, db => db.HashGetAsync(TokenKey(key), "data")).ConfigureAwait(false);
        return data.IsNullOrEmpty ? null : Deserialize(data.ToString());
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(string key, OAuthToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(token);
        cancellationToken.ThrowIfCancellationRequested();
        await Call(key, db => db.ScriptEvaluateAsync(RedisScripts.TokenPut, [TokenKey(key), FenceKey(key)], [Serialize(token)]))
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();

        // A new version rather than a deleted key: a renewal still in flight must not bring the token back.
        await Call(key, db => db.ScriptEvaluateAsync(RedisScripts.TokenPut, [TokenKey(key), FenceKey(key)], [""])).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<OAuthToken> RenewAsync(
        string key,
        Func<OAuthToken?, bool> isUsable,
        Func<OAuthToken?, CancellationToken, Task<OAuthToken>> renew,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(isUsable);
        ArgumentNullException.ThrowIfNull(renew);
        var options = _owner.Options;
        var deadline = DateTimeOffset.UtcNow + options.RenewalWaitTimeout;
        var lockMs = (long)options.RenewalLockTime.TotalMilliseconds;
        while (true)
        {
            // Someone else may have renewed it already: no lock needed to see that.
            var stored = await GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (isUsable(stored))
            {
                return stored!;
            }

            var fence = (long)
                await Call(
                        key,
                        db =>
                            db.ScriptEvaluateAsync(
                                RedisScripts.LockAcquire,
                                [LockKey(key), FenceKey(key), TokenKey(key)],
                                [_ownerId, lockMs]
                            )
                    )
                    .ConfigureAwait(false);
            if (fence > 0)
            {
                return await RenewHoldingLockAsync(key, fence, isUsable, renew).ConfigureAwait(false);
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new RedisCoordinationException(
                    ConnectorOf(key),
                    Resource,
                    $"waited {options.RenewalWaitTimeout.TotalSeconds:0} s for the renewal of '{key}' by another process",
                    null
                );
            }

            await Task.Delay(options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<OAuthToken> RenewHoldingLockAsync(
        string key,
        long fence,
        Func<OAuthToken?, bool> isUsable,
        Func<OAuthToken?, CancellationToken, Task<OAuthToken>> renew
    )
    {
        var holder = _ownerId + "|" + fence.ToString(CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource();
        var watchdog = KeepLockAsync(key, holder, stop.Token);
        try
        {
            // Read again under the lock: the previous holder may have stored its token just before releasing.
            var stored = await GetAsync(key, CancellationToken.None).ConfigureAwait(false);
            if (isUsable(stored))
            {
                return stored!;
            }

            Interlocked.Increment(ref _renewalsRun);
            var fresh = await renew(stored, CancellationToken.None).ConfigureAwait(false);
            if (await CompareAndSetAsync(key, fence, holder, fresh).ConfigureAwait(false))
            {
                return fresh;
            }

            // The lock was lost and someone stored a newer token: that one is the current grant, ours is discarded.
            Interlocked.Increment(ref _staleWritesRefused);
            return await GetAsync(key, CancellationToken.None).ConfigureAwait(false)
                ?? throw new RedisCoordinationException(
                    ConnectorOf(key),
                    Resource,
                    $"the token of '{key}' was removed while it was being renewed",
                    null
                );
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await watchdog.ConfigureAwait(false);
            try
            {
                await _owner.Database.ScriptEvaluateAsync(RedisScripts.LockRelease, [LockKey(key)], [holder]).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
            {
                // The lock expires on its own.
            }
        }
    }

    private async Task<bool> CompareAndSetAsync(string key, long fence, string holder, OAuthToken token)
    {
        // The token endpoint may have rotated the refresh token already: this write is the only copy of the grant, so
        // it is retried through a short Redis outage instead of being dropped.
        var data = Serialize(token);
        var giveUp = DateTimeOffset.UtcNow + _owner.Options.TokenSaveRetryTime;
        while (true)
        {
            try
            {
                var written = (long)
                    await _owner
                        .Database.ScriptEvaluateAsync(RedisScripts.TokenCompareAndSet, [TokenKey(key), LockKey(key)], [fence, holder, data])
                        .ConfigureAwait(false);
                return written == 1;
            }
            catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
            {
                if (DateTimeOffset.UtcNow > giveUp)
                {
                    throw new RedisCoordinationException(
                        ConnectorOf(key),
                        Resource,
                        $"the renewed token of '{key}' could not be stored",
                        ex
                    );
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
            }
        }
    }

    private async Task KeepLockAsync(string key, string holder, CancellationToken stop)
    {
        var lockMs = (long)_owner.Options.RenewalLockTime.TotalMilliseconds;
        using var timer = new PeriodicTimer(_owner.Options.RenewalLockTime / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await _owner
                        .Database.ScriptEvaluateAsync(RedisScripts.LockRenew, [LockKey(key)], [holder, lockMs])
                        .ConfigureAwait(false);
                }
                catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
                {
                    // Tried again on the next tick; the fencing token protects the write if the lock expires meanwhile.
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task<T> Call<T>(string key, Func<IDatabase, Task<T>> call)
    {
        try
        {
            return await call(_owner.Database).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisConnectorCoordination.IsUnavailable(ex))
        {
            throw new RedisCoordinationException(ConnectorOf(key), Resource, "Redis is unreachable", ex);
        }
    }

    // Store keys are "connector/auth method/connection id".
    private static string ConnectorOf(string key) => key.Split('/')[0];

    private RedisKey TokenKey(string key) => _owner.Key(key, "token");

    private RedisKey LockKey(string key) => _owner.Key(key, "lock");

    private RedisKey FenceKey(string key) => _owner.Key(key, "fence");

    private static string Serialize(OAuthToken token) =>
        JsonSerializer.Serialize(
            new StoredToken
            {
                AccessToken = token.AccessToken,
                RefreshToken = token.RefreshToken,
                ExpiresAt = token.ExpiresAt,
                IssuedAt = token.IssuedAt,
                TokenType = token.TokenType,
                Scope = token.Scope,
                IdToken = token.IdToken,
            }
        );

    private static OAuthToken Deserialize(string data)
    {
        var stored = JsonSerializer.Deserialize<StoredToken>(data)!;
        return new OAuthToken(
            stored.AccessToken!,
            stored.RefreshToken,
            stored.ExpiresAt,
            stored.IssuedAt,
            stored.TokenType,
            stored.Scope,
            stored.IdToken
        );
    }

    private sealed class StoredToken
    {
        public string? AccessToken { get; set; }

        public string? RefreshToken { get; set; }

        public DateTimeOffset? ExpiresAt { get; set; }

        public DateTimeOffset? IssuedAt { get; set; }

        public string? TokenType { get; set; }

        public string? Scope { get; set; }

        public string? IdToken { get; set; }
    }
}
