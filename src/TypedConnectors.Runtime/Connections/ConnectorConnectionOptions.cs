using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace TypedConnectors;

/// <summary>
/// How a connection sends requests: clock, retries, logging, rate limiter sharing and the auth handlers for
/// kinds the runtime does not implement itself.
/// </summary>
/// <remarks>
/// A connection copies these settings when it is created, so one options instance can be reused and changed for
/// later connections without affecting existing ones.
/// </remarks>
public sealed class ConnectorConnectionOptions
{
    /// <summary>The clock for rate limits, Retry-After dates, delays and timeouts. Tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Retries after a transient failure (408, 429, 500, 502, 503, 504, a connection failure, an attempt timeout); 0
    /// disables retrying. 3 by default. Only idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) and requests with an
    /// idempotency key are retried after failures the server may have acted on; a 429, a 503 with <c>Retry-After</c>
    /// and a refused connection are retried for every method. <see cref="ConnectorCallOptions.MaxRetries"/> overrides it per call.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// The median delay before the first retry when the server names no wait; doubled for each further retry, moved
    /// ±20 % at random (jitter) and capped at <see cref="MaxRetryDelay"/>. Half a second by default.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest one logical call may take: every attempt, the waits between them, rate-limit waits and reading the
    /// response body. When it passes the call throws a <see cref="TimeoutException"/> naming connector and operation
    /// (a cancellation by the caller stays an <see cref="OperationCanceledException"/>). Five minutes by default;
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables it; <see cref="ConnectorCallOptions.Timeout"/> overrides it per call.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The largest response body read, in bytes, counted after decompression: JSON, text, stream and error bodies and
    /// OAuth token responses. A larger body fails with <see cref="ConnectorResponseException"/> while it is read.
    /// 32 MiB by default.
    /// </summary>
    public long MaxResponseBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// Remaining/reset header pairs an API uses besides <c>RateLimit-*</c>, <c>X-RateLimit-*</c> and the IETF
    /// <c>RateLimit</c> field, e.g. <c>("X-Vendor-Calls-Left", "X-Vendor-Reset-Seconds")</c>. A response reporting 0
    /// remaining pauses every caller of the connection until the reset.
    /// </summary>
    public IList<(string Remaining, string Reset)> RateLimitHeaders { get; } = new List<(string Remaining, string Reset)>();

    /// <summary>
    /// The longest wait before one retry. A server asking for longer gets its response returned to the caller instead. One minute by default.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where requests and retries are logged (method, URI without query, status, elapsed time); nothing is logged when null.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// A rate limiter to use instead of one built from the connector's <see cref="RateLimitAttribute"/>, e.g. one
    /// shared by all connections of one customer account. Null gives each connection a budget of its own.
    /// The connection does not dispose it.
    /// </summary>
    public RateLimiter? SharedRateLimiter { get; set; }

    /// <summary>
    /// A limiter of requests in flight to use instead of one built from the connector's
    /// <see cref="MaxConcurrencyAttribute"/>, e.g. one whose slots are shared by every process of a service. A request
    /// holds one permit from sending until its response headers arrive. Null keeps the connection's own limit, if any.
    /// The connection does not dispose it.
    /// </summary>
    public RateLimiter? SharedConcurrencyLimiter { get; set; }

    /// <summary>
    /// A pause shared by everyone who sends through this connection's budget, e.g. every process of a service: each
    /// attempt first waits for it, and a transient failure with a <c>Retry-After</c> or reset no longer than
    /// <see cref="MaxRetryDelay"/> (or a response reporting <c>RateLimit-Remaining: 0</c> with a reset within it) extends
    /// it, so one process's rejection pauses them all. Null gives the connection a pause of its own, which every caller of
    /// the connection in this process observes.
    /// </summary>
    public ISharedCoolDown? SharedCoolDown { get; set; }

    /// <summary>
    /// The time one attempt may take from sending until the response headers arrive, not counting rate limit and
    /// concurrency waits. 100 seconds by default (HttpClient's default); <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// The <c>User-Agent</c> sent with requests that do not carry one: <see cref="DefaultUserAgent"/> unless changed;
    /// null or empty sends none.
    /// </summary>
    public string? UserAgent { get; set; } = DefaultUserAgent;

    /// <summary><c>TypedConnectors/&lt;version&gt;</c>, the runtime's version.</summary>
    public static string DefaultUserAgent { get; } =
        "TypedConnectors/"
        + (
            typeof(ConnectorConnectionOptions)
                .Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), inherit: false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
                .FirstOrDefault()
                ?.InformationalVersion.Split('+')[0]
            ?? "0.0.0"
        );

    /// <summary>
    /// A base address to use instead of resolving the connector's base URL template, e.g. a sandbox or a local test
    /// server. It is trusted as given: do not fill it from customer input.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>How OAuth 2.0 connections store and renew tokens: token store, refresh skew, statuses that trigger a renewal, endpoint overrides.</summary>
    public OAuthOptions OAuth { get; set; } = new();

    /// <summary>
    /// Factories asked, in order, for the auth handler of a connection before the built-in ones (None, Basic, Bearer,
    /// ApiKey). This is how OAuth 2.0 and custom auth methods get their handler, and how a built-in kind can be replaced.
    /// </summary>
    public IList<IAuthHandlerFactory> AuthHandlerFactories { get; } = new List<IAuthHandlerFactory>();

    /// <summary>Registers a function that creates the auth handler for every auth method of one kind.</summary>
    /// <param name="kind">The auth kind, typically <see cref="AuthKind.OAuth2"/> or <see cref="AuthKind.Custom"/>.</param>
    /// <param name="create">Creates a new handler for each pipeline; a handler instance cannot be shared between pipelines.</param>
    /// <returns>These options, for chaining.</returns>
    public ConnectorConnectionOptions AddAuthHandler(
        AuthKind kind,
        Func<ConnectorConnection, AuthMethodDescriptor, DelegatingHandler> create
    )
    {
        ArgumentNullException.ThrowIfNull(create);
        AuthHandlerFactories.Add(
            new DelegateAuthHandlerFactory((connection, method) => method.Kind == kind ? create(connection, method) : null)
        );
        return this;
    }

    /// <summary>Registers a function that creates the auth handler for the auth method with the given key.</summary>
    /// <param name="authMethodKey">The auth method's key as declared on the connector.</param>
    /// <param name="create">Creates a new handler for each pipeline; a handler instance cannot be shared between pipelines.</param>
    /// <returns>These options, for chaining.</returns>
    public ConnectorConnectionOptions AddAuthHandler(
        string authMethodKey,
        Func<ConnectorConnection, AuthMethodDescriptor, DelegatingHandler> create
    )
    {
        ArgumentNullException.ThrowIfNull(authMethodKey);
        ArgumentNullException.ThrowIfNull(create);
        AuthHandlerFactories.Add(
            new DelegateAuthHandlerFactory(
                (connection, method) =>
                    string.Equals(method.Key, authMethodKey, StringComparison.Ordinal) ? create(connection, method) : null
            )
        );
        return this;
    }

    private sealed class DelegateAuthHandlerFactory(Func<ConnectorConnection, AuthMethodDescriptor, DelegatingHandler?> create)
        : IAuthHandlerFactory
    {
        public DelegatingHandler? TryCreateHandler(ConnectorConnection connection, AuthMethodDescriptor method) =>
            create(connection, method);
    }
}
