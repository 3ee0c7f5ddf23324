namespace TypedConnectors;

/// <summary>How an OAuth 2.0 client proves its identity to the token endpoint (RFC 6749 §2.3.1).</summary>
public enum OAuthClientAuthentication
{
    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body.</summary>
    Body,

    /// <summary>HTTP Basic: <c>Authorization: Basic base64(client_id:client_secret)</c>, both form-encoded first.</summary>
    BasicHeader,
}

/// <summary>
/// The OAuth 2.0 settings of one <see cref="AuthKind.OAuth2"/> auth method, as the connector file declares them:
/// endpoints, scopes, PKCE, grant types, client authentication and extra parameters.
/// </summary>
/// <remarks>
/// Endpoint URLs may contain <c>{{ variable }}</c> placeholders (e.g. a customer's sub-domain); they are resolved from
/// the connection's values with the same rules as the base URL, so a value cannot change the scheme, host boundary or path.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class OAuth2Attribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="authMethod">The key of the OAuth 2.0 auth method these settings belong to.</param>
    public OAuth2Attribute(string authMethod)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authMethod);
        AuthMethod = authMethod;
    }

    /// <summary>The key of the auth method these settings belong to.</summary>
    public string AuthMethod { get; }

    /// <summary>The authorization endpoint the user's browser is sent to (authorization-code flow).</summary>
    public string? AuthorizeUri { get; set; }

    /// <summary>The token endpoint.</summary>
    public string? TokenUri { get; set; }

    /// <summary>The endpoint that returns the signed-in user's profile, if any.</summary>
    public string? UserInfoUri { get; set; }

    /// <summary>A separate endpoint for refresh-token requests; the token endpoint when null.</summary>
    public string? RefreshUri { get; set; }

    /// <summary>Every scope the connector offers.</summary>
    public string[]? Scopes { get; set; }

    /// <summary>The scopes always requested, a subset of <see cref="Scopes"/>.</summary>
    public string[]? RequiredScopes { get; set; }

    /// <summary>Whether the authorization-code flow uses PKCE with S256 (RFC 7636).</summary>
    public bool PkceEnabled { get; set; }

    /// <summary>
    /// The grants the provider supports: <c>authorization_code</c>, <c>client_credentials</c>, <c>refresh_token</c>,
    /// <c>password</c>. When empty: authorization code (and refresh) if an authorize URI is declared, else client credentials.
    /// </summary>
    public string[]? GrantTypes { get; set; }

    /// <summary>How the client authenticates to the token endpoint.</summary>
    public OAuthClientAuthentication ClientAuthentication { get; set; }

    /// <summary>Extra authorization request parameters as name, value pairs: <c>{ "access_type", "offline" }</c>.</summary>
    public string[]? AuthorizeParameters { get; set; }

    /// <summary>Extra token request parameters as name, value pairs: <c>{ "audience", "https://api.example.com" }</c>.</summary>
    public string[]? TokenParameters { get; set; }

    /// <summary>The connection value holding the client id. Defaults to <c>client_id</c>.</summary>
    public string? ClientIdField { get; set; }

    /// <summary>The connection value holding the client secret. Defaults to <c>client_secret</c>.</summary>
    public string? ClientSecretField { get; set; }
}
