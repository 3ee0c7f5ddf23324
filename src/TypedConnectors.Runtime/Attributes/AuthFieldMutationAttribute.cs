namespace TypedConnectors;

/// <summary>
/// Rewrites one auth field's value before the auth handler uses it:
/// <c>value = (value is null or "" ? DefaultValue : value)</c>, then <c>Prefix + value + Suffix</c>.
/// </summary>
/// <remarks>
/// Lets a definition express APIs such as "send the API key as the Basic user name with the fixed password X"
/// without custom code.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class AuthFieldMutationAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="authMethod">The key of the auth method the mutation belongs to.</param>
    /// <param name="field">The connection value the mutation rewrites.</param>
    public AuthFieldMutationAttribute(string authMethod, string field)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authMethod);
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        AuthMethod = authMethod;
        Field = field;
    }

    /// <summary>The key of the auth method the mutation belongs to.</summary>
    public string AuthMethod { get; }

    /// <summary>The connection value the mutation rewrites.</summary>
    public string Field { get; }

    /// <summary>Text put before the value.</summary>
    public string? Prefix { get; set; }

    /// <summary>Text put after the value.</summary>
    public string? Suffix { get; set; }

    /// <summary>The value used when the connection's value is null or empty.</summary>
    public string? DefaultValue { get; set; }
}
