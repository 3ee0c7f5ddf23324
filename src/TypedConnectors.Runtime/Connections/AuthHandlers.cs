namespace TypedConnectors;

/// <summary>
/// The one place that decides which handler authenticates a connection: registered factories first, then the
/// built-in kinds of <see cref="Kinds"/>. Projects plug in handlers through <see cref="IAuthHandlerFactory"/>.
/// </summary>
internal static class AuthHandlers
{
    /// <summary>Creates the auth handler, or null for <see cref="AuthKind.None"/>.</summary>
    public static DelegatingHandler? Create(
        ConnectorConnection connection,
        AuthMethodDescriptor? method,
        IReadOnlyList<IAuthHandlerFactory> factories
    )
    {
        if (method is null)
        {
            return null;
        }

        foreach (var factory in factories)
        {
            if (factory.TryCreateHandler(connection, method) is { } handler)
            {
                return handler;
            }
        }

        return CreateBuiltIn(connection, method);
    }

    /// <summary>
    /// Every auth kind the runtime knows, one rule each; a built-in handler's file declares its rule. A kind without a
    /// rule (or whose rule has no handler) needs a registered <see cref="IAuthHandlerFactory"/>.
    /// </summary>
    internal static readonly AuthKindRule[] Kinds =
    {
        new(AuthKind.None, _ => [], (_, _) => null),
        BasicAuthHandler.Rule,
        BearerTokenHandler.Rule,
        ApiKeyHandler.Rule,
        OAuthHandler.Rule,
        new(AuthKind.Custom, _ => [], null),
    };

    /// <summary>The rule of <paramref name="kind"/>, or null for a kind the runtime does not know.</summary>
    internal static AuthKindRule? Rule(AuthKind kind)
    {
        foreach (var rule in Kinds)
        {
            if (rule.Kind == kind)
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>
    /// Checks at connection construction what can be checked without creating handlers, so a missing credential
    /// fails where the connection is made rather than at the first request.
    /// </summary>
    public static void Validate(ConnectorConnection connection, AuthMethodDescriptor? method, IReadOnlyList<IAuthHandlerFactory> factories)
    {
        if (method is null)
        {
            return;
        }

        if (Rule(method.Kind) is not { } rule || !rule.IsBuiltInFor(connection))
        {
            if (factories.Count == 0)
            {
                throw NoFactory(connection, method);
            }

            return;
        }

        if (factories.Count == 0 && rule.ValidateByCreating)
        {
            // Creating a built-in handler validates credentials, header names and values without side effects.
            CreateBuiltIn(connection, method)?.Dispose();
        }
    }

    private static DelegatingHandler? CreateBuiltIn(ConnectorConnection connection, AuthMethodDescriptor method) =>
        Rule(method.Kind) is { Create: { } create } rule && rule.IsBuiltInFor(connection)
            ? create(connection, method)
            : throw NoFactory(connection, method);

    /// <summary>The value of a credential field a handler cannot do without.</summary>
    /// <exception cref="ConnectorConfigurationException">The connection has no value for it.</exception>
    internal static string Required(ConnectorConnection connection, AuthMethodDescriptor method, string field)
    {
        var value = connection.GetAuthValue(field);
        if (string.IsNullOrEmpty(value))
        {
            throw new ConnectorConfigurationException(
                field,
                $"The auth method '{method.Key}' of connector '{connection.Descriptor.Slug}' needs a value for '{field}'.",
                null
            );
        }

        return value;
    }

    private static ConnectorConfigurationException NoFactory(ConnectorConnection connection, AuthMethodDescriptor method) =>
        new(
            method.Key,
            $"The auth method '{method.Key}' of connector '{connection.Descriptor.Slug}' is {method.Kind}, which needs a handler: "
                + $"register an {nameof(IAuthHandlerFactory)} in {nameof(ConnectorConnectionOptions)}.{nameof(ConnectorConnectionOptions.AuthHandlerFactories)} "
                + $"(or call {nameof(ConnectorConnectionOptions)}.{nameof(ConnectorConnectionOptions.AddAuthHandler)}) that creates one.",
            null
        );
}
