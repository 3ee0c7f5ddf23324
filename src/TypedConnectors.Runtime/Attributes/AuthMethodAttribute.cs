namespace TypedConnectors;

/// <summary>
/// Declares one way of authenticating against the connector. A connector may declare several; the connection picks one by <see cref="Key"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class AuthMethodAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="key">The auth method's key, unique within the connector, e.g. <c>api_key</c>.</param>
    /// <param name="kind">The kind of authentication.</param>
    public AuthMethodAttribute(string key, AuthKind kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        Key = key;
        Kind = kind;
    }

    /// <summary>The auth method's key, unique within the connector.</summary>
    public string Key { get; }

    /// <summary>The kind of authentication.</summary>
    public AuthKind Kind { get; }

    /// <summary>Whether this method is used when a connection does not name one.</summary>
    public bool IsDefault { get; set; }

    /// <summary>
    /// The header that carries the credential. Defaults to <c>Authorization</c> for Basic, Bearer and OAuth2;
    /// required for an API key sent in a header.
    /// </summary>
    public string? HeaderName { get; set; }

    /// <summary>
    /// The scheme word put before the credential, separated by a space. Bearer defaults to <c>Bearer</c>
    /// (set to an empty string to send the bare token); for an API key e.g. <c>Token</c> sends <c>Token &lt;key&gt;</c>.
    /// </summary>
    public string? Prefix { get; set; }

    /// <summary>Where an API key is sent. API key only.</summary>
    public ApiKeyLocation Location { get; set; }

    /// <summary>The query parameter or cookie name of an API key sent in the query or a cookie.</summary>
    public string? ParameterName { get; set; }

    /// <summary>The connection value that holds the Basic user name. Defaults to <c>username</c>.</summary>
    public string? UsernameField { get; set; }

    /// <summary>The connection value that holds the Basic password. Defaults to <c>password</c>.</summary>
    public string? PasswordField { get; set; }

    /// <summary>The connection value that holds the token or API key. Defaults to <c>token</c> (Bearer, OAuth2) or <c>api_key</c> (API key).</summary>
    public string? TokenField { get; set; }
}
