namespace TypedConnectors;

/// <summary>
/// What the runtime knows about one <see cref="AuthKind"/>: the handler it builds, which connection fields are its
/// secrets (never printed), and the default name of its token field. Each built-in handler file declares its rule;
/// <see cref="AuthHandlers.Kinds"/> lists them, and <see cref="AuthHandlers"/> and <see cref="AuthMethodDescriptor"/>
/// consult that list instead of switching on the kind.
/// </summary>
internal sealed class AuthKindRule
{
    /// <summary>Creates a rule.</summary>
    /// <param name="kind">The kind the rule describes.</param>
    /// <param name="secretFields">The connection fields of a method of this kind whose values are credentials.</param>
    /// <param name="create">
    /// Builds the handler (null for no credentials); throws <see cref="ConnectorConfigurationException"/> for a missing
    /// credential. Null when the kind always needs a registered <see cref="IAuthHandlerFactory"/>.
    /// </param>
    /// <param name="isAvailable">Whether the built-in handler can be used for this connection; always when null.</param>
    /// <param name="validateByCreating">
    /// Whether a connection is checked at construction by creating (and disposing) the handler, which has no side effects.
    /// </param>
    /// <param name="defaultTokenField">The token field's name when the method names none.</param>
    public AuthKindRule(
        AuthKind kind,
        Func<AuthMethodDescriptor, IEnumerable<string>> secretFields,
        Func<ConnectorConnection, AuthMethodDescriptor, DelegatingHandler?>? create,
        Func<ConnectorConnection, bool>? isAvailable = null,
        bool validateByCreating = true,
        string defaultTokenField = "token"
    )
    {
        Kind = kind;
        SecretFields = secretFields;
        Create = create;
        _isAvailable = isAvailable;
        ValidateByCreating = validateByCreating;
        DefaultTokenField = defaultTokenField;
    }

    private readonly Func<ConnectorConnection, bool>? _isAvailable;

    public AuthKind Kind { get; }

    public Func<AuthMethodDescriptor, IEnumerable<string>> SecretFields { get; }

    public Func<ConnectorConnection, AuthMethodDescriptor, DelegatingHandler?>? Create { get; }

    public bool ValidateByCreating { get; }

    public string DefaultTokenField { get; }

    /// <summary>Whether the built-in handler serves this connection; otherwise a registered factory must.</summary>
    public bool IsBuiltInFor(ConnectorConnection connection) => Create is not null && (_isAvailable is null || _isAvailable(connection));
}
