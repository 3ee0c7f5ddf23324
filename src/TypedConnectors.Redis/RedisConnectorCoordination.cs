using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace TypedConnectors.Redis;

/// <summary>
/// Creates the Redis-backed pieces that let many processes share one connection's API budget and OAuth token: a
/// rate limiter, a concurrency limiter with expiring leases, a Retry-After cool-down and a token store whose renewals are
/// single-flight across processes. <see cref="Apply"/> installs all four on <see cref="ConnectorConnectionOptions"/>.
/// </summary>
/// <remarks>
/// <para>
/// Keys are <c>{prefix}:{connector/scope}:rate|conc|cool</c> and <c>{prefix}:{token store key}:token|lock|fence</c>; the
/// braces are Redis Cluster hash tags, so each script's keys live in one slot. The scope is the connection id, or an
/// account key that several connections (or several connectors) share.
/// </para>
/// <para>
/// Use a multiplexer that fails fast while disconnected (<see cref="ConnectAsync"/> creates one): with the client's
/// default backlog, a call would wait for the command timeout before the outage becomes visible.
/// </para>
/// </remarks>
public sealed class RedisConnectorCoordination
{
    private readonly IConnectionMultiplexer _redis;

    /// <summary>Creates the coordination over an open multiplexer, which it does not dispose.</summary>
    /// <param name="redis">The Redis connection.</param>
    /// <param name="options">Key prefix, lease and lock lifetimes, failure behaviour; defaults when null.</param>
    public RedisConnectorCoordination(IConnectionMultiplexer redis, RedisCoordinationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        Options = (options ?? new RedisCoordinationOptions()).Validate();
    }

    /// <summary>The settings in effect.</summary>
    public RedisCoordinationOptions Options { get; }

    internal IDatabase Database => _redis.GetDatabase();

    /// <summary>
    /// Opens a multiplexer suited to coordination: it keeps reconnecting in the background when Redis is down at start
    /// or goes away later, and fails commands at once while disconnected instead of queueing them.
    /// </summary>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>. Never printed.</param>
    /// <returns>The multiplexer; the caller disposes it.</returns>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 2000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 2000);
        options.ReconnectRetryPolicy = new LinearRetry(250);
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }

    /// <summary>A rate limiter whose budget every process using the same connector and scope shares.</summary>
    /// <param name="connector">The connector's slug (see <see cref="ConnectorDescriptor.Slug"/>).</param>
    /// <param name="scope">The connection id, or an account key several connections share.</param>
    /// <param name="permitLimit">Requests allowed in any window.</param>
    /// <param name="window">The window length.</param>
    /// <returns>The limiter; waits (never rejects) until a permit is free, honouring cancellation.</returns>
    public RedisRateLimiter CreateRateLimiter(string connector, string scope, int permitLimit, TimeSpan window) =>
        new(this, connector, scope, permitLimit, window);

    /// <summary>A limit on requests in flight that every process using the same connector and scope shares.</summary>
    /// <param name="connector">The connector's slug.</param>
    /// <param name="scope">The connection id, or an account key several connections share.</param>
    /// <param name="maxConcurrency">Requests allowed in flight across all processes.</param>
    /// <returns>The limiter; a lease holds a slot that expires after <see cref="RedisCoordinationOptions.LeaseTime"/> unless renewed.</returns>
    public RedisConcurrencyLimiter CreateConcurrencyLimiter(string connector, string scope, int maxConcurrency) =>
        new(this, connector, scope, maxConcurrency);

    /// <summary>A Retry-After pause that every process using the same connector and scope observes.</summary>
    /// <param name="connector">The connector's slug.</param>
    /// <param name="scope">The connection id, or an account key several connections share.</param>
    /// <returns>The cool-down.</returns>
    public RedisCoolDown CreateCoolDown(string connector, string scope) => new(this, connector, scope);

    /// <summary>A token store shared by every process, with single-flight renewals (a lock with a fencing token).</summary>
    /// <returns>The store.</returns>
    public RedisTokenStore CreateTokenStore() => new(this);

    /// <summary>
    /// Sets the shared rate limiter, concurrency limiter, cool-down and token store of <paramref name="options"/> for
    /// the connector of <paramref name="clientType"/>, from its declared rate limit and max concurrency.
    /// </summary>
    /// <param name="options">The options connections are created with.</param>
    /// <param name="clientType">The generated client type, e.g. <c>typeof(AcmeClient)</c>.</param>
    /// <param name="scope">
    /// The connection id, or an account key several connections share. Every connection created with these options
    /// shares the limits of this scope.
    /// </param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public ConnectorConnectionOptions Apply(ConnectorConnectionOptions options, Type clientType, string scope)
    {
        ArgumentNullException.ThrowIfNull(options);
        var descriptor = ConnectorDescriptor.For(clientType);
        ArgumentException.ThrowIfNullOrEmpty(scope);
        if (descriptor.RateLimit is { } limit)
        {
            options.SharedRateLimiter = CreateRateLimiter(descriptor.Slug, scope, limit.PermitLimit, limit.Window);
        }

        if (descriptor.MaxConcurrency is { } max)
        {
            options.SharedConcurrencyLimiter = CreateConcurrencyLimiter(descriptor.Slug, scope, max);
        }

        options.SharedCoolDown = CreateCoolDown(descriptor.Slug, scope);
        options.OAuth.TokenStore = CreateTokenStore();
        return options;
    }

    internal RedisKey Key(string identity, string suffix) => Options.KeyPrefix + ":{" + identity + "}:" + suffix;

    internal static bool IsUnavailable(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException or ObjectDisposedException;

    internal static string Identity(string connector, string scope)
    {
        ArgumentException.ThrowIfNullOrEmpty(connector);
        ArgumentException.ThrowIfNullOrEmpty(scope);
        return connector + "/" + scope;
    }
}
