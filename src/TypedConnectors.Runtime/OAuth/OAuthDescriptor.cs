using System.Collections.ObjectModel;

namespace TypedConnectors;

/// <summary>A read-only view of one <see cref="OAuth2Attribute"/>: the OAuth 2.0 settings of an auth method.</summary>
public sealed class OAuthDescriptor
{
    /// <summary>The authorization-code grant.</summary>
    public const string AuthorizationCodeGrant = "authorization_code";

    /// <summary>The client-credentials grant.</summary>
    public const string ClientCredentialsGrant = "client_credentials";

    /// <summary>The refresh-token grant.</summary>
    public const string RefreshTokenGrant = "refresh_token";

    /// <summary>The resource-owner password grant.</summary>
    public const string PasswordGrant = "password";

    internal OAuthDescriptor(OAuth2Attribute attribute, string slug)
    {
        AuthorizeUri = attribute.AuthorizeUri;
        TokenUri = attribute.TokenUri;
        UserInfoUri = attribute.UserInfoUri;
        RefreshUri = attribute.RefreshUri;
        PkceEnabled = attribute.PkceEnabled;
        ClientAuthentication = attribute.ClientAuthentication;
        ClientIdField = attribute.ClientIdField ?? "client_id";
        ClientSecretField = attribute.ClientSecretField ?? "client_secret";

        var required = new HashSet<string>(attribute.RequiredScopes ?? [], StringComparer.Ordinal);
        var scopes = new List<OAuthScope>();
        foreach (var scope in (attribute.Scopes ?? []).Concat(attribute.RequiredScopes ?? []).Distinct(StringComparer.Ordinal))
        {
            scopes.Add(new OAuthScope(scope, required.Contains(scope)));
        }

        Scopes = new ReadOnlyCollection<OAuthScope>(scopes);

        var grants = (attribute.GrantTypes ?? []).Where(g => !string.IsNullOrWhiteSpace(g)).Distinct(StringComparer.Ordinal).ToList();
        if (grants.Count == 0)
        {
            grants.AddRange(AuthorizeUri is null ? [ClientCredentialsGrant] : [AuthorizationCodeGrant, RefreshTokenGrant]);
        }

        GrantTypes = new ReadOnlyCollection<string>(grants);
        AuthorizeParameters = Pairs(attribute.AuthorizeParameters, nameof(OAuth2Attribute.AuthorizeParameters), slug);
        TokenParameters = Pairs(attribute.TokenParameters, nameof(OAuth2Attribute.TokenParameters), slug);
    }

    /// <summary>The authorization endpoint template, or null.</summary>
    public string? AuthorizeUri { get; }

    /// <summary>The token endpoint template, or null.</summary>
    public string? TokenUri { get; }

    /// <summary>The user-info endpoint template, or null.</summary>
    public string? UserInfoUri { get; }

    /// <summary>The refresh endpoint template, or null when refreshes go to the token endpoint.</summary>
    public string? RefreshUri { get; }

    /// <summary>The scopes the connector offers, each with whether it is always requested.</summary>
    public IReadOnlyList<OAuthScope> Scopes { get; }

    /// <summary>Whether the authorization-code flow uses PKCE (S256).</summary>
    public bool PkceEnabled { get; }

    /// <summary>The grants the provider supports.</summary>
    public IReadOnlyList<string> GrantTypes { get; }

    /// <summary>How the client authenticates to the token endpoint.</summary>
    public OAuthClientAuthentication ClientAuthentication { get; }

    /// <summary>Extra authorization request parameters, in declaration order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AuthorizeParameters { get; }

    /// <summary>Extra token request parameters, in declaration order; sent with every grant.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> TokenParameters { get; }

    /// <summary>The connection value holding the client id.</summary>
    public string ClientIdField { get; }

    /// <summary>The connection value holding the client secret.</summary>
    public string ClientSecretField { get; }

    /// <summary>Whether the provider supports <paramref name="grantType"/>.</summary>
    /// <param name="grantType">A grant type, e.g. <see cref="ClientCredentialsGrant"/>.</param>
    /// <returns>True when declared (or implied when none is declared).</returns>
    public bool Supports(string grantType) => GrantTypes.Contains(grantType, StringComparer.Ordinal);

    private static ReadOnlyCollection<KeyValuePair<string, string>> Pairs(string[]? flat, string what, string slug)
    {
        if (flat is null || flat.Length == 0)
        {
            return new ReadOnlyCollection<KeyValuePair<string, string>>([]);
        }

        if (flat.Length % 2 != 0)
        {
            throw new ConnectorConfigurationException($"Connector '{slug}': {nameof(OAuth2Attribute)}.{what} must hold name, value pairs.");
        }

        var pairs = new List<KeyValuePair<string, string>>(flat.Length / 2);
        for (var i = 0; i < flat.Length; i += 2)
        {
            pairs.Add(new KeyValuePair<string, string>(flat[i], flat[i + 1]));
        }

        return new ReadOnlyCollection<KeyValuePair<string, string>>(pairs);
    }
}

/// <summary>A scope an OAuth 2.0 connector offers.</summary>
/// <param name="Name">The scope as sent in the <c>scope</c> parameter.</param>
/// <param name="Required">Whether it is always requested.</param>
public sealed record OAuthScope(string Name, bool Required);
