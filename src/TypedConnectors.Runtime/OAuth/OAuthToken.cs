namespace TypedConnectors;

/// <summary>
/// Tokens an OAuth 2.0 token endpoint issued for one connection. <see cref="ToString"/> never shows token values.
/// </summary>
/// <remarks>Immutable, so a stored instance can be shared; a persistent <see cref="ITokenStore"/> saves its properties and rebuilds it with the constructor.</remarks>
public sealed class OAuthToken
{
    /// <summary>Creates the token.</summary>
    /// <param name="accessToken">The access token; non-empty.</param>
    /// <param name="refreshToken">The refresh token, if one was issued.</param>
    /// <param name="expiresAt">When the access token expires, or null when the server did not say (it is then refreshed only when rejected).</param>
    /// <param name="issuedAt">When the token was requested, if known; used to keep the refresh skew below half the lifetime.</param>
    /// <param name="tokenType">The <c>token_type</c> the server returned, e.g. <c>Bearer</c>.</param>
    /// <param name="scope">The granted scopes, space separated, if the server said.</param>
    /// <param name="idToken">An OpenID Connect ID token, if one was issued.</param>
    public OAuthToken(
        string accessToken,
        string? refreshToken = null,
        DateTimeOffset? expiresAt = null,
        DateTimeOffset? issuedAt = null,
        string? tokenType = null,
        string? scope = null,
        string? idToken = null
    )
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        AccessToken = accessToken;
        RefreshToken = string.IsNullOrEmpty(refreshToken) ? null : refreshToken;
        ExpiresAt = expiresAt;
        IssuedAt = issuedAt;
        TokenType = tokenType;
        Scope = scope;
        IdToken = idToken;
    }

    /// <summary>The access token. Secret.</summary>
    public string AccessToken { get; }

    /// <summary>The refresh token, or null. Secret.</summary>
    public string? RefreshToken { get; }

    /// <summary>When the access token expires, or null when unknown.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>When the token was requested, or null when unknown.</summary>
    public DateTimeOffset? IssuedAt { get; }

    /// <summary>The token type the server returned.</summary>
    public string? TokenType { get; }

    /// <summary>The granted scopes, space separated, or null.</summary>
    public string? Scope { get; }

    /// <summary>The OpenID Connect ID token, or null. Secret.</summary>
    public string? IdToken { get; }

    /// <summary>Whether the access token should be renewed at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="skew">How long before the expiry to renew; capped at half the token's lifetime when <see cref="IssuedAt"/> is known.</param>
    /// <returns>False when the expiry is unknown.</returns>
    public bool IsExpired(DateTimeOffset now, TimeSpan skew)
    {
        if (ExpiresAt is not { } expiresAt)
        {
            return false;
        }

        if (IssuedAt is { } issuedAt && expiresAt > issuedAt)
        {
            var half = TimeSpan.FromTicks((expiresAt - issuedAt).Ticks / 2);
            skew = skew < half ? skew : half;
        }

        return now >= expiresAt - skew;
    }

    /// <summary>Describes the token without its secret values.</summary>
    /// <returns>For example <c>OAuthToken { AccessToken = ***, RefreshToken = ***, ExpiresAt = 2030-01-01T00:00:00.0000000+00:00 }</c>.</returns>
    public override string ToString() =>
        "OAuthToken { AccessToken = ***, RefreshToken = "
        + (RefreshToken is null ? "null" : "***")
        + ", ExpiresAt = "
        + (ExpiresAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown")
        + (Scope is null ? "" : ", Scope = " + Scope)
        + " }";
}
