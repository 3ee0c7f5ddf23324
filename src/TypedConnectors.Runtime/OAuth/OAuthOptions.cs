using System.Net;

namespace TypedConnectors;

/// <summary>
/// How OAuth 2.0 connections keep and renew their tokens; set on <see cref="ConnectorConnectionOptions.OAuth"/>.
/// </summary>
/// <remarks>
/// Copied when a connection is created, like the rest of <see cref="ConnectorConnectionOptions"/>. Nothing here identifies
/// one connection, so one instance can serve every tenant; the per-connection identity is the connection id passed to
/// the generated <c>Create…</c> factory.
/// </remarks>
public sealed class OAuthOptions
{
    /// <summary>
    /// Where tokens are kept. Null gives each connection an <see cref="InMemoryTokenStore"/> of its own. A shared,
    /// persistent store needs stable connection ids so a connection finds its tokens again after a restart.
    /// </summary>
    public ITokenStore? TokenStore { get; set; }

    /// <summary>
    /// How long before its expiry an access token is renewed, so a request never leaves with a token that expires in
    /// flight. One minute by default; capped at half a token's lifetime.
    /// </summary>
    public TimeSpan RefreshSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Response statuses that mean "the access token was rejected": the token is renewed once and the request retried
    /// once. 401 by default; add 403 for APIs that answer an expired token with it.
    /// </summary>
    public ICollection<HttpStatusCode> RenewOnStatusCodes { get; } = new HashSet<HttpStatusCode> { HttpStatusCode.Unauthorized };

    /// <summary>The redirect URI of the authorization-code flow when a call does not name one.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>How long an authorization started with <see cref="OAuthSession.BuildAuthorizationUrl"/> may take to come back. Ten minutes by default.</summary>
    public TimeSpan AuthorizationLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Replaces the declared authorization endpoint, e.g. with a local test server. Trusted as given.</summary>
    public Uri? AuthorizationEndpoint { get; set; }

    /// <summary>Replaces the declared token endpoint. Trusted as given.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>Replaces the declared refresh endpoint; refreshes go to the token endpoint when neither is set. Trusted as given.</summary>
    public Uri? RefreshEndpoint { get; set; }

    /// <summary>Replaces the declared user-info endpoint. Trusted as given.</summary>
    public Uri? UserInfoEndpoint { get; set; }

    /// <summary>
    /// The handler token and user-info requests are sent with (not disposed). Null uses a shared
    /// <see cref="SocketsHttpHandler"/> that does not follow redirects.
    /// </summary>
    public HttpMessageHandler? TokenHttpHandler { get; set; }

    /// <summary>The longest one token or user-info request may take. 30 seconds by default.</summary>
    public TimeSpan TokenRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal OAuthOptions Copy()
    {
        var copy = new OAuthOptions
        {
            TokenStore = TokenStore,
            RefreshSkew = RefreshSkew,
            RedirectUri = RedirectUri,
            AuthorizationLifetime = AuthorizationLifetime,
            AuthorizationEndpoint = AuthorizationEndpoint,
            TokenEndpoint = TokenEndpoint,
            RefreshEndpoint = RefreshEndpoint,
            UserInfoEndpoint = UserInfoEndpoint,
            TokenHttpHandler = TokenHttpHandler,
            TokenRequestTimeout = TokenRequestTimeout,
        };
        copy.RenewOnStatusCodes.Clear();
        foreach (var status in RenewOnStatusCodes)
        {
            copy.RenewOnStatusCodes.Add(status);
        }

        return copy;
    }
}
