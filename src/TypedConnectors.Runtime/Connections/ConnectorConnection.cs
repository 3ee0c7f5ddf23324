using System.Net;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace TypedConnectors;

/// <summary>
/// One authenticated instance of a connector, e.g. one customer's account: its field values, chosen auth method,
/// resolved base address, and the rate and concurrency limits that every request through it shares.
/// </summary>
/// <remarks>
/// <para>
/// Generated code derives a typed connection class per connector. Limiters are created once per connection and
/// shared by every handler pipeline it creates, so two HttpClients of one connection share its budget, two
/// connections never do (unless <see cref="ConnectorConnectionOptions.SharedRateLimiter"/> says so), and
/// IHttpClientFactory's handler recycling does not reset it.
/// </para>
/// <para>Secret values never appear in <see cref="ToString"/>, logs or exception messages.</para>
/// </remarks>
public abstract class ConnectorConnection : IDisposable
{
    private const string Redacted = "***";

    private readonly Dictionary<string, string?> _values;
    private readonly HashSet<string> _secretFields;
    private readonly AuthMethodDescriptor? _authMethod;
    private readonly IReadOnlyList<IAuthHandlerFactory> _authHandlerFactories;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _attemptTimeout;
    private readonly long _maxResponseBytes;
    private readonly ResilienceCore _resilience;
    private readonly string? _userAgent;
    private readonly ILogger? _logger;
    private readonly ConcurrencyLimiter? _concurrencyLimiter;
    private readonly RateLimiter? _sharedConcurrencyLimiter;
    private readonly ISharedCoolDown? _coolDown;
    private readonly object _sharedHandlerLock = new();
    private HttpMessageHandler? _sharedHandler;
    private bool _disposed;

    /// <summary>Creates the connection.</summary>
    /// <param name="clientType">The generated client type whose connector attributes apply.</param>
    /// <param name="authMethod">The key of the auth method to use; null or empty picks the connector's default.</param>
    /// <param name="values">Every field value by wire name: auth fields, account fields, template variables.</param>
    /// <param name="secretFields">Names whose values are never printed. Password and token fields of auth methods are added automatically.</param>
    /// <param name="options">How requests are sent; defaults when null.</param>
    /// <exception cref="ConnectorConfigurationException">
    /// The auth method is unknown or lacks credentials, or the base URL cannot be resolved safely from the values.
    /// </exception>
    protected ConnectorConnection(
        Type clientType,
        string authMethod,
        IReadOnlyDictionary<string, string?> values,
        IEnumerable<string> secretFields,
        ConnectorConnectionOptions? options
    )
        : this(clientType, authMethod, values, secretFields, options, connectionId: null, authHandlerFactory: null) { }

    /// <summary>Creates the connection with an identity and an auth handler factory of its own.</summary>
    /// <param name="clientType">The generated client type whose connector attributes apply.</param>
    /// <param name="authMethod">The key of the auth method to use; null or empty picks the connector's default.</param>
    /// <param name="values">Every field value by wire name: auth fields, account fields, template variables.</param>
    /// <param name="secretFields">Names whose values are never printed. Password and token fields of auth methods are added automatically.</param>
    /// <param name="options">How requests are sent; defaults when null.</param>
    /// <param name="connectionId">
    /// The connection's stable identity, e.g. a tenant id: OAuth tokens are stored under it. Null or empty gives the
    /// connection a new random id, so its tokens are its own.
    /// </param>
    /// <param name="authHandlerFactory">
    /// Asked for the auth handler before <see cref="ConnectorConnectionOptions.AuthHandlerFactories"/>; this is how a
    /// generated connection wires in a custom auth implementation.
    /// </param>
    /// <exception cref="ConnectorConfigurationException">
    /// The auth method is unknown or lacks credentials, or the base URL cannot be resolved safely from the values.
    /// </exception>
    protected ConnectorConnection(
        Type clientType,
        string authMethod,
        IReadOnlyDictionary<string, string?> values,
        IEnumerable<string> secretFields,
        ConnectorConnectionOptions? options,
        string? connectionId,
        IAuthHandlerFactory? authHandlerFactory
    )
    {
        ArgumentNullException.ThrowIfNull(clientType);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(secretFields);
        options ??= new ConnectorConnectionOptions();
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries, "options.MaxRetries");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRetryDelay, TimeSpan.Zero, "options.MaxRetryDelay");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryBaseDelay, TimeSpan.Zero, "options.RetryBaseDelay");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxResponseBytes, 0, "options.MaxResponseBytes");
        if (options.CallTimeout <= TimeSpan.Zero && options.CallTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(
                "options.CallTimeout",
                options.CallTimeout,
                "The call timeout must be positive or infinite."
            );
        }

        Descriptor = ConnectorDescriptor.For(clientType);
        _values = new Dictionary<string, string?>(values, StringComparer.Ordinal);
        _timeProvider = options.TimeProvider;
        _attemptTimeout = options.AttemptTimeout;
        _maxResponseBytes = options.MaxResponseBytes;
        _userAgent = string.IsNullOrEmpty(options.UserAgent) ? null : options.UserAgent;
        _logger = options.Logger;
        _authHandlerFactories = authHandlerFactory is null
            ? options.AuthHandlerFactories.ToArray()
            : options.AuthHandlerFactories.Prepend(authHandlerFactory).ToArray();
        ConnectionId = string.IsNullOrWhiteSpace(connectionId) ? Guid.NewGuid().ToString("N") : connectionId;

        _authMethod = ResolveAuthMethod(authMethod);
        AuthMethod = _authMethod?.Key ?? (string.IsNullOrEmpty(authMethod) ? "none" : authMethod);

        _secretFields = new HashSet<string>(secretFields, StringComparer.Ordinal);
        foreach (var method in Descriptor.AuthMethods)
        {
            _secretFields.UnionWith(method.SecretFields);
        }

        BaseAddress = options.BaseAddress ?? ResolveBaseAddress();
        if (!BaseAddress.IsAbsoluteUri)
        {
            throw new ConnectorConfigurationException("The base address must be an absolute URL.");
        }

        RateLimiter =
            options.SharedRateLimiter
            ?? (Descriptor.RateLimit is { } limit ? new SlidingWindowLogRateLimiter(limit.PermitLimit, limit.Window, _timeProvider) : null);
        _sharedConcurrencyLimiter = options.SharedConcurrencyLimiter;
        _coolDown = options.SharedCoolDown ?? new LocalCoolDown(_timeProvider);
        _concurrencyLimiter =
            _sharedConcurrencyLimiter is null && Descriptor.MaxConcurrency is { } max
                ? ConcurrencyLimitingHandler.CreateLimiter(max)
                : null;

        if (_authMethod is { Kind: AuthKind.OAuth2, OAuth: { } oauth })
        {
            OAuthSession = new OAuthSession(this, _authMethod, oauth, options.OAuth, _timeProvider, _logger);
        }

        AuthHandlers.Validate(this, _authMethod, _authHandlerFactories);
        _resilience = new ResilienceCore(
            new ResilienceSettings
            {
                TimeProvider = _timeProvider,
                MaxRetries = options.MaxRetries,
                MaxRetryDelay = options.MaxRetryDelay,
                BaseDelay = options.RetryBaseDelay,
                CallTimeout = options.CallTimeout,
                MaxResponseBytes = options.MaxResponseBytes,
                Logger = _logger,
                CoolDown = _coolDown,
                Slug = Descriptor.Slug,
                VendorRateLimitHeaders = Descriptor.RateLimitHeaders.Concat(options.RateLimitHeaders).ToArray() is { Length: > 0 } pairs
                    ? pairs
                    : null,
                Secrets = SecretValues,
            }
        );
    }

    /// <summary>The connector's attributes.</summary>
    public ConnectorDescriptor Descriptor { get; }

    /// <summary>The key of the chosen auth method, or <c>none</c> when the connector declares none.</summary>
    public string AuthMethod { get; }

    /// <summary>The chosen auth method, or null when the connector declares none.</summary>
    public AuthMethodDescriptor? AuthMethodDescriptor => _authMethod;

    /// <summary>
    /// The base address every request path is appended to: the connector's base URL template resolved with
    /// <see cref="UrlTemplate.Resolve"/>, always ending with '/' so relative paths keep its path.
    /// </summary>
    public Uri BaseAddress { get; }

    /// <summary>The limiter every request of this connection waits on, or null when it is not rate limited.</summary>
    public RateLimiter? RateLimiter { get; }

    /// <summary>The limit on requests in flight, or null when unlimited.</summary>
    public int? MaxConcurrency => Descriptor.MaxConcurrency;

    /// <summary>The clock the connection's handlers use.</summary>
    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>The connection's identity: the id it was created with, or a random one. OAuth tokens are stored under it.</summary>
    public string ConnectionId { get; }

    /// <summary>
    /// The OAuth 2.0 session (tokens, authorization-code and client-credentials flows) when the chosen auth method is
    /// OAuth 2.0 with declared settings; otherwise null.
    /// </summary>
    public OAuthSession? OAuthSession { get; }

    internal ILogger? Logger => _logger;

    /// <summary>The largest response body the connection reads, in bytes.</summary>
    internal long MaxResponseBytes => _maxResponseBytes;

    /// <summary>Every secret value the connection holds (as given and as sent), and its OAuth tokens: scrubbed from what servers echo.</summary>
    internal IEnumerable<string?> SecretValues()
    {
        foreach (var name in _secretFields)
        {
            yield return GetValue(name);
            yield return GetAuthValue(name);
        }

        if (OAuthSession is { } session)
        {
            foreach (var token in session.CurrentSecrets())
            {
                yield return token;
            }
        }
    }

    /// <summary>Returns a field value by wire name.</summary>
    /// <param name="name">The field's wire name.</param>
    /// <returns>The value, or null when the connection has none.</returns>
    public string? GetValue(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _values.GetValueOrDefault(name);
    }

    /// <summary>Returns an auth field's value after the chosen auth method's mutations.</summary>
    /// <param name="field">The field's wire name.</param>
    /// <returns>The value the auth handler sends, or null.</returns>
    public string? GetAuthValue(string field)
    {
        var value = GetValue(field);
        return _authMethod is null ? value : _authMethod.ApplyMutations(field, value);
    }

    /// <summary>Whether a field's value is secret and must never be printed.</summary>
    /// <param name="name">The field's wire name.</param>
    /// <returns>True for secret fields.</returns>
    public bool IsSecret(string name) => _secretFields.Contains(name);

    /// <summary>Describes the connection with secret values shown as <c>***</c>.</summary>
    /// <returns>For example <c>AcmeConnection { auth = basic, domain = acme.example.com, password = *** }</c>.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder(GetType().Name).Append(" { auth = ").Append(AuthMethod);
        foreach (var (name, value) in _values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            builder.Append(", ").Append(name).Append(" = ").Append(_secretFields.Contains(name) ? Redacted : value ?? "null");
        }

        return builder.Append(" }").ToString();
    }

    /// <summary>
    /// Creates the connection's handler pipeline: the operation's auth scope → resilience (the call's deadline,
    /// idempotency key, retries of transient failures, the connection's pause, bounded response body, telemetry) → redirects → auth → concurrency limit → rate limit → per-attempt timeout and logging →
    /// <paramref name="innerHandler"/>. The rate permit is taken right before sending, so the API's count of arrivals
    /// matches it even when requests wait for a concurrency slot or a token renewal.
    /// </summary>
    /// <remarks>
    /// Redirects are followed by the pipeline (up to five hops) rather than the inner handler: hops within the base
    /// address's origin are authenticated again, hops to other origins carry no credentials, and HTTPS-to-HTTP
    /// downgrades are returned to the caller. A given inner handler that follows redirects itself bypasses that.
    /// </remarks>
    /// <param name="innerHandler">
    /// The handler that sends requests; a new <see cref="SocketsHttpHandler"/> (no cookies, no automatic redirects,
    /// pooled connections recycled every two minutes) when null. Disposed with the pipeline.
    /// </param>
    /// <returns>The outermost handler.</returns>
    public HttpMessageHandler CreateHandler(HttpMessageHandler? innerHandler = null) =>
        BuildChain(innerHandler ?? CreateDefaultInnerHandler());

    /// <summary>
    /// Creates the same pipeline as <see cref="CreateHandler"/> as one <see cref="DelegatingHandler"/> whose
    /// <see cref="DelegatingHandler.InnerHandler"/> is set later, for IHttpClientFactory's
    /// <c>AddHttpMessageHandler(() =&gt; connection.CreateDelegatingHandler())</c>.
    /// </summary>
    /// <returns>A new handler; each call returns a new instance, as IHttpClientFactory requires.</returns>
    public DelegatingHandler CreateDelegatingHandler() => new ConnectorPipelineHandler(this);

    /// <summary>Creates an HttpClient with <see cref="BaseAddress"/> set and the pipeline installed.</summary>
    /// <param name="innerHandler">The handler that sends requests; see <see cref="CreateHandler"/>.</param>
    /// <returns>
    /// A client whose own <see cref="HttpClient.Timeout"/> is infinite: it would count rate-limit waits and
    /// Retry-After delays, so the per-attempt <see cref="ConnectorConnectionOptions.AttemptTimeout"/> applies instead.
    /// Use a CancellationToken for an overall deadline.
    /// </returns>
    public HttpClient CreateHttpClient(HttpMessageHandler? innerHandler = null) =>
        new(CreateHandler(innerHandler), disposeHandler: true) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// Creates an HttpClient over the connection's one shared pipeline and connection pool, created on first use.
    /// Generated clients use it, so creating a client per call opens no new sockets; disposing the returned client
    /// leaves the shared pipeline open for the connection's other clients.
    /// </summary>
    /// <returns>A client with <see cref="BaseAddress"/> set and an infinite own timeout, as <see cref="CreateHttpClient"/>.</returns>
    public HttpClient CreateSharedHttpClient()
    {
        HttpMessageHandler handler;
        lock (_sharedHandlerLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            handler = _sharedHandler ??= CreateHandler();
        }

        return new HttpClient(handler, disposeHandler: false) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Closes the shared pipeline's pooled connections. Clients created from the connection stop working; handlers
    /// and HttpClients made with <see cref="CreateHandler"/> or <see cref="CreateHttpClient"/> are their owners' to dispose.
    /// </summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the shared pipeline.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        HttpMessageHandler? handler;
        lock (_sharedHandlerLock)
        {
            _disposed = true;
            handler = _sharedHandler;
            _sharedHandler = null;
        }

        handler?.Dispose();
    }

    /// <summary>Throws when a required value is missing.</summary>
    /// <param name="name">The field's wire name, used in the message.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null, empty or whitespace.</exception>
    protected static void RequireValue(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"The connection value '{name}' is required.", name);
        }
    }

    internal HttpMessageHandler BuildChain(HttpMessageHandler innermost)
    {
        var transport = new TransportHandler(_logger, _timeProvider, _attemptTimeout, _userAgent, _resilience.Timers)
        {
            InnerHandler = innermost,
        };

        // The rate permit is taken last, right before the request goes out: a permit taken earlier and then held while
        // waiting for a concurrency slot or an OAuth renewal would let requests bunch up, and the API, which counts
        // arrivals, would see more than the limit in one window. A 401 retry after a renewal takes a permit of its own.
        HttpMessageHandler limited = transport;
        if (RateLimiter is not null)
        {
            limited = new RateLimitingHandler(RateLimiter) { InnerHandler = limited, Time = _timeProvider };
        }

        if (_sharedConcurrencyLimiter is not null)
        {
            // Holding a permit until the response headers arrive is exactly what a concurrency slot means.
            limited = new RateLimitingHandler(_sharedConcurrencyLimiter) { InnerHandler = limited };
        }
        else if (_concurrencyLimiter is not null)
        {
            limited = new ConcurrencyLimitingHandler(_concurrencyLimiter) { InnerHandler = limited };
        }

        HttpMessageHandler next = limited;
        if (AuthHandlers.Create(this, _authMethod, _authHandlerFactories) is { } auth)
        {
            auth.InnerHandler = limited;

            // Operations declared anonymous (or not accepting this connection's method) bypass the credential, not the limits.
            next = new AuthGateHandler(limited) { InnerHandler = auth };
        }

        // Redirects to another origin bypass the auth handler (and this API's limits), so the redirect step needs the
        // path below them.
        next = new RedirectHandler(transport) { InnerHandler = next };
        next = new ResilienceHandler(_resilience) { InnerHandler = next };
        return new AuthScopeHandler(_authMethod?.Key, Descriptor.Slug) { InnerHandler = next };
    }

    private static SocketsHttpHandler CreateDefaultInnerHandler() =>
        new()
        {
            // Recycling connections lets DNS changes of the API take effect.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),

            // A shared cookie jar would mix the sessions of different customers' connections.
            UseCookies = false,

            // SocketsHttpHandler re-sends custom credential headers (X-API-Key, ...) to whatever host a redirect names;
            // the pipeline's own redirect step follows redirects instead, without credentials across origins.
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
        };

    private AuthMethodDescriptor? ResolveAuthMethod(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            if (Descriptor.AuthMethods.Count == 0)
            {
                return null;
            }

            return Descriptor.DefaultAuthMethod
                ?? throw new ConnectorConfigurationException(
                    $"Connector '{Descriptor.Slug}' has several auth methods and none is the default; name one of: {string.Join(", ", Descriptor.AuthMethods.Select(m => m.Key))}."
                );
        }

        if (Descriptor.FindAuthMethod(key) is { } method)
        {
            return method;
        }

        if (Descriptor.AuthMethods.Count == 0 && string.Equals(key, "none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        throw new ConnectorConfigurationException(
            key,
            $"Connector '{Descriptor.Slug}' has no auth method '{key}'; it has: {(Descriptor.AuthMethods.Count == 0 ? "none" : string.Join(", ", Descriptor.AuthMethods.Select(m => m.Key)))}.",
            null
        );
    }

    private Uri ResolveBaseAddress()
    {
        var template =
            Descriptor.BaseUrl
            ?? throw new ConnectorConfigurationException(
                $"Connector '{Descriptor.Slug}' declares no base URL; set {nameof(ConnectorConnectionOptions)}.{nameof(ConnectorConnectionOptions.BaseAddress)}."
            );
        var patterns = Descriptor
            .Variables.Where(v => v.Pattern is not null)
            .ToDictionary(v => v.Name, v => v.Pattern!, StringComparer.Ordinal);
        var defaults = Descriptor.Variables.ToDictionary(v => v.Name, v => v.DefaultValue, StringComparer.Ordinal);
        var resolved = UrlTemplate.Resolve(
            template,
            name =>
            {
                var value = GetValue(name);
                return string.IsNullOrEmpty(value) ? defaults.GetValueOrDefault(name) : value;
            },
            patterns
        );

        // HttpClient and Uri drop the last path segment of a base without a trailing slash ("api" in /api + "users").
        return resolved.AbsolutePath.EndsWith('/') ? resolved : new UriBuilder(resolved) { Path = resolved.AbsolutePath + "/" }.Uri;
    }
}
