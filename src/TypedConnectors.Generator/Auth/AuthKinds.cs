using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Auth;

/// <summary>
/// What the generator knows about one <see cref="AuthKind"/>: its canonical <c>type</c> value (also the default key of
/// a method that declares none) and which of a method's fields carry its credentials. The readers and
/// <see cref="CredentialNames"/> consult <see cref="AuthKinds.All"/> instead of switching on the kind.
/// </summary>
internal sealed class AuthKindDescriptor
{
    public AuthKindDescriptor(AuthKind kind, string name, Func<AuthMethodSpec, CredentialRoles> roles)
    {
        Kind = kind;
        Name = name;
        Roles = roles;
    }

    public AuthKind Kind { get; }

    /// <summary>The value of a canonical auth method's <c>type</c>, and the method's key when it declares none.</summary>
    public string Name { get; }

    /// <summary>Which declared fields carry the user name, password and token, by explicit role or by convention.</summary>
    public Func<AuthMethodSpec, CredentialRoles> Roles { get; }
}

/// <summary>The fields of an auth method that carry its user name, password and token; null when the kind has no such role.</summary>
internal readonly record struct CredentialRoles(string? Username, string? Password, string? Token);

/// <summary>
/// The registered auth kinds, one entry each. A new kind is its <see cref="AuthKind"/> member, one entry here, its runtime
/// handler (which declares its runtime rule) with one line in the runtime's <c>AuthHandlers.Kinds</c>, and its value in
/// connector.schema.json.
/// </summary>
internal static class AuthKinds
{
    public static readonly AuthKindDescriptor[] All =
    {
        new(AuthKind.None, "none", CredentialNames.DeclaredTokenRole),
        new(AuthKind.Basic, "basic", CredentialNames.BasicRoles),
        new(AuthKind.Bearer, "bearer", CredentialNames.TokenRole),
        new(AuthKind.ApiKey, "api_key", CredentialNames.TokenRole),
        new(AuthKind.OAuth2, "oauth2", CredentialNames.DeclaredTokenRole),
        new(AuthKind.Custom, "custom", CredentialNames.DeclaredTokenRole),
    };

    /// <summary>The canonical <c>type</c> values and their kinds, for the canonical reader.</summary>
    public static readonly (string, AuthKind)[] Names = All.Select(d => (d.Name, d.Kind)).ToArray();

    /// <summary>The descriptor of <paramref name="kind"/>, or null for a kind with none.</summary>
    public static AuthKindDescriptor? Of(AuthKind kind) => All.FirstOrDefault(d => d.Kind == kind);
}
