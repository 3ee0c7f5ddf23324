using System.ComponentModel;

namespace TypedConnectors;

/// <summary>
/// Which credentials one operation accepts, as its definition declares: none at all (an anonymous endpoint), one of
/// some auth methods, or one of some auth methods but also none.
/// </summary>
/// <remarks>
/// A request without an <see cref="OperationAuth"/> carries the connection's credential. With one, the connection's
/// pipeline sends the credential only when the connection's auth method is accepted, sends nothing for an anonymous
/// operation, and refuses (before anything is sent) an operation that requires a method the connection does not use.
/// Generated clients keep one instance per operation in a static field.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class OperationAuth
{
    /// <summary>The key under which <see cref="ConnectorRequest.Build"/> stores the value in the request's options.</summary>
    public static readonly HttpRequestOptionsKey<OperationAuth> OptionKey = new("TypedConnectors.OperationAuth");

    private readonly string[] _methods;
    private readonly string[] _unsupported;

    private OperationAuth(string[] methods, bool allowsAnonymous, string[]? unsupported = null)
    {
        _methods = methods;
        AllowsAnonymous = allowsAnonymous;
        _unsupported = unsupported ?? [];
    }

    /// <summary>An operation that takes no credential: nothing of the connection's auth is sent.</summary>
    public static OperationAuth Anonymous { get; } = new([], allowsAnonymous: true);

    /// <summary>The auth method keys the operation accepts; empty for <see cref="Anonymous"/>.</summary>
    public IReadOnlyList<string> Methods => _methods;

    /// <summary>Whether the operation may be called without a credential.</summary>
    public bool AllowsAnonymous { get; }

    /// <summary>An operation that requires one of the given auth methods.</summary>
    /// <param name="methods">Auth method keys as the connector declares them.</param>
    /// <returns>The requirement.</returns>
    public static OperationAuth OneOf(params string[] methods) => new(Checked(methods), allowsAnonymous: false);

    /// <summary>An operation that accepts one of the given auth methods, or no credential at all.</summary>
    /// <param name="methods">Auth method keys as the connector declares them.</param>
    /// <returns>The requirement.</returns>
    public static OperationAuth OptionalOneOf(params string[] methods) => new(Checked(methods), allowsAnonymous: true);

    /// <summary>
    /// An operation that requires only credentials the connector cannot send (an HTTP signature or mutual TLS scheme,
    /// say): every call fails before sending rather than going out with some other credential.
    /// </summary>
    /// <param name="schemes">The security schemes the definition requires, for the message.</param>
    /// <returns>The requirement.</returns>
    public static OperationAuth Unsupported(params string[] schemes) => new([], allowsAnonymous: false, Checked(schemes));

    /// <summary>Whether a connection using <paramref name="authMethod"/> sends its credential with this operation.</summary>
    /// <param name="authMethod">The connection's auth method key, or null when the connector has no auth.</param>
    /// <param name="slug">The connector's slug, for the message.</param>
    /// <param name="request">The request, whose method and path the message names.</param>
    /// <returns>True to send the credential, false to send the request without it.</returns>
    /// <exception cref="ConnectorConfigurationException">The operation requires an auth method the connection does not use.</exception>
    internal bool SendsCredential(string? authMethod, string slug, HttpRequestMessage request)
    {
        if (_unsupported.Length > 0)
        {
            throw new ConnectorConfigurationException(
                $"{request.Method.Method} {request.RequestUri?.AbsolutePath} of connector '{slug}' requires "
                    + $"{string.Join(" or ", _unsupported.Select(m => "'" + m + "'"))}, which this connector cannot send."
            );
        }

        if (authMethod is not null && Array.IndexOf(_methods, authMethod) >= 0)
        {
            return true;
        }

        if (AllowsAnonymous || authMethod is null)
        {
            return false;
        }

        throw new ConnectorConfigurationException(
            authMethod,
            $"{request.Method.Method} {request.RequestUri?.AbsolutePath} of connector '{slug}' accepts the auth method{(_methods.Length == 1 ? "" : "s")} "
                + $"{string.Join(", ", _methods.Select(m => "'" + m + "'"))}; this connection uses '{authMethod}'. Create a connection with one of them.",
            null
        );
    }

    /// <inheritdoc/>
    public override string ToString() =>
        _unsupported.Length > 0 ? "unsupported: " + string.Join(", ", _unsupported)
        : _methods.Length == 0 ? "anonymous"
        : (AllowsAnonymous ? "optional: " : "one of: ") + string.Join(", ", _methods);

    private static string[] Checked(string[] methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        if (methods.Length == 0 || methods.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Name at least one auth method, none of them empty.", nameof(methods));
        }

        return (string[])methods.Clone();
    }
}
