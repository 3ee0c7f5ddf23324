using System.Text.Json;

namespace TypedConnectors;

/// <summary>
/// An authorization-code flow in progress: the URL to send the user's browser to, and the state and PKCE verifier
/// the callback is checked and completed with. <see cref="ToString"/> never shows the state or verifier.
/// </summary>
/// <remarks>
/// The session that built it remembers it until it expires, so a callback on the same process only needs
/// <see cref="OAuthSession.HandleCallbackAsync(Uri, CancellationToken)"/>. A service with several instances keeps it
/// (e.g. in an encrypted cookie) and passes it to <see cref="OAuthSession.ExchangeCodeAsync"/>.
/// </remarks>
public sealed class OAuthAuthorizationRequest
{
    /// <summary>Creates the request, e.g. when restoring one that was kept between the redirect and the callback.</summary>
    /// <param name="url">The authorization URL.</param>
    /// <param name="state">The state value sent with it.</param>
    /// <param name="codeVerifier">The PKCE verifier, or null without PKCE.</param>
    /// <param name="redirectUri">The redirect URI sent with it.</param>
    /// <param name="scopes">The scopes requested.</param>
    /// <param name="expiresAt">When the flow is no longer accepted.</param>
    public OAuthAuthorizationRequest(
        Uri url,
        string state,
        string? codeVerifier,
        Uri redirectUri,
        IEnumerable<string> scopes,
        DateTimeOffset expiresAt
    )
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrEmpty(state);
        ArgumentNullException.ThrowIfNull(redirectUri);
        ArgumentNullException.ThrowIfNull(scopes);
        Url = url;
        State = state;
        CodeVerifier = codeVerifier;
        RedirectUri = redirectUri;
        Scopes = scopes.ToArray();
        ExpiresAt = expiresAt;
    }

    /// <summary>The URL to redirect the user's browser to.</summary>
    public Uri Url { get; }

    /// <summary>The unguessable state value; the callback must return exactly this value.</summary>
    public string State { get; }

    /// <summary>The PKCE code verifier, or null when the connector does not use PKCE. Secret.</summary>
    public string? CodeVerifier { get; }

    /// <summary>The redirect URI; the code exchange sends it again.</summary>
    public Uri RedirectUri { get; }

    /// <summary>The scopes requested.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>When the flow is no longer accepted.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Describes the request without its state and verifier.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() =>
        "OAuthAuthorizationRequest { RedirectUri = "
        + RedirectUri
        + ", Scopes = "
        + string.Join(" ", Scopes)
        + ", State = ***, CodeVerifier = "
        + (CodeVerifier is null ? "null" : "***")
        + " }";
}

/// <summary>What a completed authorization-code flow produced: the stored token and, when the connector declares a user-info endpoint, the user's profile.</summary>
public sealed class OAuthAuthorizationResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="token">The token, already saved to the token store.</param>
    /// <param name="userInfo">The user-info response, or null.</param>
    public OAuthAuthorizationResult(OAuthToken token, JsonElement? userInfo)
    {
        ArgumentNullException.ThrowIfNull(token);
        Token = token;
        UserInfo = userInfo;
    }

    /// <summary>The token, already saved to the token store.</summary>
    public OAuthToken Token { get; }

    /// <summary>The user-info endpoint's JSON response, or null when the connector declares none.</summary>
    public JsonElement? UserInfo { get; }

    /// <summary>Describes the result without token values.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() =>
        "OAuthAuthorizationResult { Token = " + Token + ", UserInfo = " + (UserInfo is null ? "null" : "{...}") + " }";
}
