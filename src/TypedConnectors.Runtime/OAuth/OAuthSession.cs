using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace TypedConnectors;

/// <summary>
/// The OAuth 2.0 side of one connection: its tokens, their renewal, and the authorization-code, client-credentials,
/// refresh-token and password grants, driven by the connector's <see cref="OAuth2Attribute"/> settings.
/// </summary>
/// <remarks>
/// <para>
/// Requests through the connection get their access token from <see cref="GetAccessTokenAsync"/>: a token about to
/// expire (see <see cref="OAuthOptions.RefreshSkew"/>) is renewed first, and all callers that need a renewal at the
/// same time share one token request — per connection store key, even across connection instances with the same
/// connection id and token store. A token the API rejects (401, or <see cref="OAuthOptions.RenewOnStatusCodes"/>) is
/// renewed once and the request retried once.
/// </para>
/// <para>
/// A renewed token, including a rotated refresh token, is saved to the <see cref="ITokenStore"/> before anyone uses the
/// new access token. Renewals run to completion even when the caller that started them is cancelled, because the
/// server may already have invalidated the old refresh token.
/// </para>
/// </remarks>
public sealed partial class OAuthSession
{
    private const string Redacted = "***";

    // Renewal state is shared by every session that uses the same store and key, so re-created connection objects of
    // one connection (one per request in many multi-tenant services) still make a single token request.
    private static readonly ConditionalWeakTable<ITokenStore, ConcurrentDictionary<string, TokenState>> States = new();
    private static readonly Lazy<HttpClient> SharedHttp = new(() =>
        new HttpClient(
            new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                AllowAutoRedirect = false,
                UseCookies = false,
            }
        )
        {
            Timeout = Timeout.InfiniteTimeSpan,
        }
    );

    private readonly ConnectorConnection _connection;
    private readonly AuthMethodDescriptor _method;
    private readonly OAuthOptions _options;
    private readonly ITokenStore _store;
    private readonly TokenState _state;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly HttpClient _http;
    private readonly Uri? _authorizeEndpoint;
    private readonly Uri? _tokenEndpoint;
    private readonly Uri? _refreshEndpoint;
    private readonly Uri? _userInfoEndpoint;
    private readonly ConcurrentDictionary<string, OAuthAuthorizationRequest> _pending = new(StringComparer.Ordinal);

    internal OAuthSession(
        ConnectorConnection connection,
        AuthMethodDescriptor method,
        OAuthDescriptor settings,
        OAuthOptions? options,
        TimeProvider timeProvider,
        ILogger? logger
    )
    {
        _connection = connection;
        _method = method;
        Settings = settings;
        _options = (options ?? new OAuthOptions()).Copy();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.RefreshSkew, TimeSpan.Zero, "options.OAuth.RefreshSkew");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(
            _options.TokenRequestTimeout,
            TimeSpan.Zero,
            "options.OAuth.TokenRequestTimeout"
        );
        _time = timeProvider;
        _logger = logger;
        _store = _options.TokenStore ?? new InMemoryTokenStore();
        StoreKey = connection.Descriptor.Slug + "/" + method.Key + "/" + connection.ConnectionId;
        _state = States
            .GetValue(_store, static _ => new ConcurrentDictionary<string, TokenState>(StringComparer.Ordinal))
            .GetOrAdd(StoreKey, static _ => new TokenState());
        _http = _options.TokenHttpHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }
            : SharedHttp.Value;

        // Resolved now, so a value that would change an endpoint's host or path fails where the connection is created.
        _authorizeEndpoint = _options.AuthorizationEndpoint ?? Resolve(settings.AuthorizeUri);
        _tokenEndpoint = _options.TokenEndpoint ?? Resolve(settings.TokenUri);
        _refreshEndpoint =
            _options.RefreshEndpoint ?? (_options.TokenEndpoint is null ? Resolve(settings.RefreshUri) : null) ?? _tokenEndpoint;
        _userInfoEndpoint = _options.UserInfoEndpoint ?? Resolve(settings.UserInfoUri);
    }

    /// <summary>The connector's OAuth 2.0 settings.</summary>
    public OAuthDescriptor Settings { get; }

    /// <summary>The key the connection's tokens are stored under: <c>slug/auth-method/connection-id</c>.</summary>
    public string StoreKey { get; }

    /// <summary>The token store.</summary>
    public ITokenStore TokenStore => _store;

    /// <summary>The client id, from the connection's <see cref="OAuthDescriptor.ClientIdField"/> value.</summary>
    public string? ClientId => _connection.GetAuthValue(Settings.ClientIdField);

    /// <summary>The resolved authorization endpoint, or null.</summary>
    public Uri? AuthorizationEndpoint => _authorizeEndpoint;

    /// <summary>The resolved token endpoint, or null.</summary>
    public Uri? TokenEndpoint => _tokenEndpoint;

    /// <summary>The resolved user-info endpoint, or null.</summary>
    public Uri? UserInfoEndpoint => _userInfoEndpoint;

    internal ICollection<HttpStatusCode> RenewOnStatusCodes => _options.RenewOnStatusCodes;

    private string? ClientSecret => _connection.GetAuthValue(Settings.ClientSecretField);

    private DateTimeOffset Now => _time.GetUtcNow();

    private bool CanUseClientCredentials => Settings.Supports(OAuthDescriptor.ClientCredentialsGrant) && !string.IsNullOrEmpty(ClientId);

    /// <summary>
    /// Starts the authorization-code flow: builds the URL to send the user's browser to, with a fresh state and, when
    /// the connector enables PKCE, an S256 code challenge. The session remembers the flow until it expires.
    /// </summary>
    /// <param name="redirectUri">Where the provider sends the browser back; <see cref="OAuthOptions.RedirectUri"/> when null.</param>
    /// <param name="scopes">Scopes to request besides the required ones; when null and no scope is required, every declared scope.</param>
    /// <param name="extraParameters">Further authorization parameters, e.g. <c>prompt=consent</c>; may not replace the flow's own.</param>
    /// <returns>The flow: URL, state, verifier.</returns>
    /// <exception cref="OAuthException">The connector declares no authorization endpoint.</exception>
    /// <exception cref="ArgumentException">No redirect URI, a malformed scope, or a parameter that would replace one of the flow's own.</exception>
    public OAuthAuthorizationRequest BuildAuthorizationUrl(
        Uri? redirectUri = null,
        IEnumerable<string>? scopes = null,
        IEnumerable<KeyValuePair<string, string>>? extraParameters = null
    )
    {
        var endpoint =
            _authorizeEndpoint
            ?? throw new OAuthException(
                $"Auth method '{_method.Key}' of connector '{_connection.Descriptor.Slug}' declares no authorize_uri; the authorization-code flow is not available."
            );
        redirectUri ??=
            _options.RedirectUri
            ?? throw new ArgumentException(
                $"Pass a redirect URI or set {nameof(OAuthOptions)}.{nameof(OAuthOptions.RedirectUri)}.",
                nameof(redirectUri)
            );
        if (!redirectUri.IsAbsoluteUri)
        {
            throw new ArgumentException("The redirect URI must be absolute.", nameof(redirectUri));
        }

        var clientId = RequireClientId();
        var requested = ResolveScopes(scopes, defaultToAll: true);
        var state = RandomToken();
        var verifier = Settings.PkceEnabled ? RandomToken() : null;
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", clientId),
            new("redirect_uri", redirectUri.AbsoluteUri),
        };
        if (requested.Count > 0)
        {
            parameters.Add(new("scope", string.Join(' ', requested)));
        }

        parameters.Add(new("state", state));
        if (verifier is not null)
        {
            parameters.Add(new("code_challenge", CodeChallenge(verifier)));
            parameters.Add(new("code_challenge_method", "S256"));
        }

        AddExtra(parameters, Settings.AuthorizeParameters, nameof(extraParameters));
        AddExtra(parameters, extraParameters, nameof(extraParameters));

        var builder = new UriBuilder(endpoint);
        var existing = builder.Query.TrimStart('?');
        var query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        builder.Query = existing.Length == 0 ? query : existing + "&" + query;

        var now = Now;
        foreach (var (key, old) in _pending)
        {
            if (old.ExpiresAt <= now)
            {
                _pending.TryRemove(key, out _);
            }
        }

        var request = new OAuthAuthorizationRequest(
            builder.Uri,
            state,
            verifier,
            redirectUri,
            requested,
            now + _options.AuthorizationLifetime
        );
        _pending[state] = request;
        return request;
    }

    /// <summary>
    /// Completes an authorization-code flow this session started, from the callback URL the provider redirected to:
    /// checks for an error, looks the flow up by its state (each state is accepted once), exchanges the code and stores the token.
    /// </summary>
    /// <param name="callbackUri">The full callback URL, with its query.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <returns>The stored token and, when declared, the user info.</returns>
    /// <exception cref="OAuthException">The provider returned an error, the state is unknown, used or expired, or the exchange failed.</exception>
    public Task<OAuthAuthorizationResult> HandleCallbackAsync(Uri callbackUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callbackUri);
        var query = ParseForm(
            callbackUri.IsAbsoluteUri
                ? callbackUri.Query
                : callbackUri.OriginalString[Math.Max(0, callbackUri.OriginalString.IndexOf('?', StringComparison.Ordinal))..]
        );
        return HandleCallbackAsync(
            query.GetValueOrDefault("state"),
            query.GetValueOrDefault("code"),
            query.GetValueOrDefault("error"),
            query.GetValueOrDefault("error_description"),
            cancellationToken
        );
    }

    /// <summary>Completes an authorization-code flow this session started, from the callback's query values.</summary>
    /// <param name="state">The <c>state</c> query value.</param>
    /// <param name="code">The <c>code</c> query value.</param>
    /// <param name="error">The <c>error</c> query value, if any.</param>
    /// <param name="errorDescription">The <c>error_description</c> query value, if any.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <returns>The stored token and, when declared, the user info.</returns>
    /// <exception cref="OAuthException">The provider returned an error, the state is unknown, used or expired, or the exchange failed.</exception>
    public Task<OAuthAuthorizationResult> HandleCallbackAsync(
        string? state,
        string? code,
        string? error = null,
        string? errorDescription = null,
        CancellationToken cancellationToken = default
    )
    {
        if (!string.IsNullOrEmpty(error))
        {
            throw new OAuthException($"The authorization was not granted: {error}.", error, errorDescription, null);
        }

        if (string.IsNullOrEmpty(state) || !_pending.TryRemove(state, out var request))
        {
            throw new OAuthException(
                "The callback's state matches no authorization this connection started (or it was already used); it may be forged.",
                "invalid_state",
                null,
                null
            );
        }

        return CompleteAsync(request, code, cancellationToken);
    }

    /// <summary>
    /// Completes an authorization-code flow from a kept <see cref="OAuthAuthorizationRequest"/>: verifies that the
    /// returned state is the one sent, exchanges the code (with the PKCE verifier) and stores the token.
    /// </summary>
    /// <param name="request">The flow, as returned by <see cref="BuildAuthorizationUrl"/>.</param>
    /// <param name="returnedState">The <c>state</c> query value of the callback.</param>
    /// <param name="code">The <c>code</c> query value of the callback.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <returns>The stored token and, when declared, the user info.</returns>
    /// <exception cref="OAuthException">The state does not match, the flow expired, or the exchange failed.</exception>
    public Task<OAuthAuthorizationResult> ExchangeCodeAsync(
        OAuthAuthorizationRequest request,
        string? returnedState,
        string? code,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        if (
            returnedState is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(returnedState), Encoding.UTF8.GetBytes(request.State))
        )
        {
            throw new OAuthException(
                "The callback's state does not match the authorization request; it may be forged.",
                "invalid_state",
                null,
                null
            );
        }

        _pending.TryRemove(request.State, out _);
        return CompleteAsync(request, code, cancellationToken);
    }

    /// <summary>Requests a token with the client-credentials grant and stores it.</summary>
    /// <param name="scopes">Scopes besides the required ones.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored token.</returns>
    /// <exception cref="OAuthException">The token endpoint refused the grant.</exception>
    public async Task<OAuthToken> RequestClientCredentialsTokenAsync(
        IEnumerable<string>? scopes = null,
        CancellationToken cancellationToken = default
    )
    {
        var token = await RequestClientCredentialsCoreAsync(scopes, cancellationToken).ConfigureAwait(false);
        await SaveAndPublishAsync(token, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>Requests a token with the resource-owner password grant and stores it. Only for providers that still offer it.</summary>
    /// <param name="username">The user name.</param>
    /// <param name="password">The password; never logged or put in exceptions.</param>
    /// <param name="scopes">Scopes besides the required ones.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored token.</returns>
    /// <exception cref="OAuthException">The token endpoint refused the grant.</exception>
    public async Task<OAuthToken> RequestPasswordTokenAsync(
        string username,
        string password,
        IEnumerable<string>? scopes = null,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", OAuthDescriptor.PasswordGrant),
            new("username", username),
            new("password", password),
        };
        AddScope(form, ResolveScopes(scopes, defaultToAll: false));
        var token = await RequestTokenAsync(
                OAuthDescriptor.PasswordGrant,
                RequireTokenEndpoint(),
                form,
                null,
                [password],
                cancellationToken
            )
            .ConfigureAwait(false);
        await SaveAndPublishAsync(token, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>
    /// Returns a usable access token: the stored one while it is valid, else a renewed one (refresh token, or client
    /// credentials when the connector supports them). Concurrent callers share one renewal.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; a renewal in progress still completes and is stored.</param>
    /// <returns>The access token.</returns>
    /// <exception cref="OAuthAuthorizationRequiredException">There is no token and none can be obtained without the user.</exception>
    /// <exception cref="OAuthException">The token endpoint refused the renewal.</exception>
    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default) =>
        (await GetValidTokenAsync(cancellationToken).ConfigureAwait(false)).AccessToken;

    /// <summary>Renews the access token now (single-flight with any renewal already running) and returns the new token.</summary>
    /// <param name="cancellationToken">Stops waiting; the renewal still completes and is stored.</param>
    /// <returns>The renewed token.</returns>
    public async Task<OAuthToken> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var current = await LoadAsync(cancellationToken).ConfigureAwait(false);
        return await RenewAsync(current?.AccessToken ?? "", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the connection's stored token, or null.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The token, or null.</returns>
    public async ValueTask<OAuthToken?> GetTokenAsync(CancellationToken cancellationToken = default) =>
        await LoadAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Stores a token obtained elsewhere (e.g. migrated from another system) as the connection's token.</summary>
    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the token is stored.</returns>
    public Task StoreTokenAsync(OAuthToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SaveAndPublishAsync(token, cancellationToken);
    }

    /// <summary>Forgets the connection's token (in memory and in the store).</summary>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes once the token is removed.</returns>
    public async Task SignOutAsync(CancellationToken cancellationToken = default)
    {
        await _store.RemoveAsync(StoreKey, cancellationToken).ConfigureAwait(false);
        lock (_state.Gate)
        {
            _state.Current = null;
            _state.Loaded = true;
        }
    }

    /// <summary>Fetches the signed-in user's profile from the connector's user-info endpoint with the connection's token.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The JSON response.</returns>
    /// <exception cref="OAuthException">The connector declares no user-info endpoint, or it answered with an error.</exception>
    public async Task<JsonElement> GetUserInfoAsync(CancellationToken cancellationToken = default)
    {
        var endpoint =
            _userInfoEndpoint
            ?? throw new OAuthException(
                $"Auth method '{_method.Key}' of connector '{_connection.Descriptor.Slug}' declares no user_info_uri."
            );
        var token = await GetValidTokenAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
            request.Headers.Accept.ParseAdd("application/json");
            using var timeout = new CancellationTokenSource(_options.TokenRequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var response = await _http
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token)
                .ConfigureAwait(false);
            if (attempt == 0 && _options.RenewOnStatusCodes.Contains(response.StatusCode) && CanRenew(token))
            {
                token = await RenewAsync(token.AccessToken, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new OAuthException(
                    $"The user-info endpoint {ConnectorApiException.StripQuery(endpoint)} responded {(int)response.StatusCode}.",
                    null,
                    null,
                    (int)response.StatusCode
                );
            }

            var body = await BoundedContent.ReadStringAsync(response, _connection.MaxResponseBytes, linked.Token).ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
    }

    private IReadOnlyList<string> ResolveScopes(IEnumerable<string>? requested, bool defaultToAll)
    {
        var scopes = Settings.Scopes.Where(s => s.Required).Select(s => s.Name).ToList();
        if (requested is not null)
        {
            scopes.AddRange(requested);
        }
        else if (scopes.Count == 0 && defaultToAll)
        {
            scopes.AddRange(Settings.Scopes.Select(s => s.Name));
        }

        foreach (var scope in scopes)
        {
            // RFC 6749 §3.3 scope-token: printable ASCII except space, '"' and '\'.
            if (scope.Length == 0 || scope.Any(c => c < 0x21 || c > 0x7E || c == '"' || c == '\\'))
            {
                throw new ArgumentException($"'{scope}' is not a valid OAuth scope.", nameof(requested));
            }
        }

        return scopes.Distinct(StringComparer.Ordinal).ToArray();
    }

    private string RequireClientId()
    {
        var clientId = ClientId;
        if (string.IsNullOrEmpty(clientId))
        {
            throw new ConnectorConfigurationException(
                Settings.ClientIdField,
                $"The OAuth auth method '{_method.Key}' of connector '{_connection.Descriptor.Slug}' needs a value for '{Settings.ClientIdField}'.",
                null
            );
        }

        return clientId;
    }

    private Uri RequireTokenEndpoint() => RequireEndpoint(_tokenEndpoint, "token_uri");

    private Uri RequireEndpoint(Uri? endpoint, string what) =>
        endpoint
        ?? throw new OAuthException(
            $"Auth method '{_method.Key}' of connector '{_connection.Descriptor.Slug}' declares no {what}; set {nameof(OAuthOptions)}.{nameof(OAuthOptions.TokenEndpoint)}."
        );

    private Uri? Resolve(string? template)
    {
        if (string.IsNullOrEmpty(template))
        {
            return null;
        }

        var variables = _connection.Descriptor.Variables;
        var patterns = variables.Where(v => v.Pattern is not null).ToDictionary(v => v.Name, v => v.Pattern!, StringComparer.Ordinal);
        return UrlTemplate.Resolve(
            template,
            name =>
            {
                var value = _connection.GetValue(name);
                return string.IsNullOrEmpty(value) ? variables.FirstOrDefault(v => v.Name == name)?.DefaultValue : value;
            },
            patterns
        );
    }

    private void LogAdopted()
    {
        if (_logger is not null)
        {
            OAuthLog.AdoptedStoredToken(_logger, _connection.ConnectionId);
        }
    }

    private sealed class TokenState
    {
        public readonly object Gate = new();
        public OAuthToken? Current;
        public bool Loaded;
        public Task<OAuthToken>? Renewal;
    }
}
