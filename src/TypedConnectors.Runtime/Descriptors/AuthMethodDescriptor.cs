using System.Collections.ObjectModel;

namespace TypedConnectors;

/// <summary>A read-only view of one <see cref="AuthMethodAttribute"/> with its field mutations.</summary>
public sealed class AuthMethodDescriptor
{
    /// <summary>The header Basic, Bearer and OAuth2 credentials go in unless overridden.</summary>
    public const string DefaultHeaderName = "Authorization";

    internal AuthMethodDescriptor(AuthMethodAttribute attribute, IList<AuthFieldMutation> mutations)
    {
        Key = attribute.Key;
        Kind = attribute.Kind;
        IsDefault = attribute.IsDefault;
        HeaderName = attribute.HeaderName;
        Prefix = attribute.Prefix;
        Location = attribute.Location;
        ParameterName = attribute.ParameterName;
        UsernameField = attribute.UsernameField ?? "username";
        PasswordField = attribute.PasswordField ?? "password";
        TokenField = attribute.TokenField ?? AuthHandlers.Rule(attribute.Kind)?.DefaultTokenField ?? "token";
        Mutations = new ReadOnlyCollection<AuthFieldMutation>(mutations);
    }

    /// <summary>The auth method's key, unique within the connector.</summary>
    public string Key { get; }

    /// <summary>The kind of authentication.</summary>
    public AuthKind Kind { get; }

    /// <summary>Whether this method is used when a connection does not name one.</summary>
    public bool IsDefault { get; }

    /// <summary>The header override as declared, or null.</summary>
    public string? HeaderName { get; }

    /// <summary>The scheme word before the credential as declared, or null.</summary>
    public string? Prefix { get; }

    /// <summary>Where an API key is sent.</summary>
    public ApiKeyLocation Location { get; }

    /// <summary>The query parameter or cookie name of an API key.</summary>
    public string? ParameterName { get; }

    /// <summary>The connection value that holds the Basic user name.</summary>
    public string UsernameField { get; }

    /// <summary>The connection value that holds the Basic password.</summary>
    public string PasswordField { get; }

    /// <summary>The connection value that holds the token or API key.</summary>
    public string TokenField { get; }

    /// <summary>The field mutations declared for this auth method.</summary>
    public IReadOnlyList<AuthFieldMutation> Mutations { get; }

    /// <summary>The OAuth 2.0 settings of an <see cref="AuthKind.OAuth2"/> method (its <see cref="OAuth2Attribute"/>), or null.</summary>
    public OAuthDescriptor? OAuth { get; internal set; }

    /// <summary>
    /// The connection fields whose values are credentials of this method and therefore never printed.
    /// </summary>
    /// <remarks>Each kind's rule (<see cref="AuthHandlers.Kinds"/>) says which they are.</remarks>
    public IEnumerable<string> SecretFields => AuthHandlers.Rule(Kind)?.SecretFields(this) ?? [];

    /// <summary>Applies every mutation declared for <paramref name="field"/>, in declaration order.</summary>
    /// <param name="field">The connection value's name.</param>
    /// <param name="value">The connection's value.</param>
    /// <returns>The value the handler sends.</returns>
    public string? ApplyMutations(string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(field);
        foreach (var mutation in Mutations)
        {
            if (string.Equals(mutation.Field, field, StringComparison.Ordinal))
            {
                value = mutation.Apply(value);
            }
        }

        return value;
    }
}
