namespace TypedConnectors;

/// <summary>
/// The one place that decides which handler authenticates a connection: registered factories first, then the
/// built-in kinds. New kinds plug in through <see cref="IAuthHandlerFactory"/>, not by changing this switch.
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
    /// Checks at connection construction what can be checked without creating handlers, so a missing credential
    /// fails where the connection is made rather than at the first request.
    /// </summary>
    public static void Validate(ConnectorConnection connection, AuthMethodDescriptor? method, IReadOnlyList<IAuthHandlerFactory> factories)
    {
        if (method is null)
        {
            return;
        }

        if (method.Kind == AuthKind.OAuth2 && connection.OAuthSession is not null)
        {
            return;
        }

        if (method.Kind is AuthKind.OAuth2 or AuthKind.Custom)
        {
            if (factories.Count == 0)
            {
                throw NoFactory(connection, method);
            }

            return;
        }

        if (factories.Count == 0)
        {
            // Creating a built-in handler validates credentials, header names and values without side effects.
            CreateBuiltIn(connection, method)?.Dispose();
        }
    }

    private static DelegatingHandler? CreateBuiltIn(ConnectorConnection connection, AuthMethodDescriptor method)
    {
        switch (method.Kind)
        {
            case AuthKind.None:
                return null;

            case AuthKind.Basic:
                var username = Required(connection, method, method.UsernameField);
                var password = connection.GetAuthValue(method.PasswordField) ?? string.Empty;
                return new BasicAuthHandler(username, password, method.HeaderName);

            case AuthKind.Bearer:
                return new BearerTokenHandler(Required(connection, method, method.TokenField), method.Prefix, method.HeaderName);

            case AuthKind.ApiKey:
                var key = Required(connection, method, method.TokenField);
                var name =
                    method.Location == ApiKeyLocation.Header
                        ? method.HeaderName ?? method.ParameterName
                        : method.ParameterName ?? method.HeaderName;
                if (string.IsNullOrEmpty(name))
                {
                    throw new ConnectorConfigurationException(
                        method.Key,
                        $"The API key auth method '{method.Key}' of connector '{connection.Descriptor.Slug}' names no {(method.Location == ApiKeyLocation.Header ? "header" : "parameter")}.",
                        null
                    );
                }

                return new ApiKeyHandler(key, method.Location, name, method.Prefix);

            case AuthKind.OAuth2 when connection.OAuthSession is { } session:
                return new OAuthHandler(session, method.HeaderName, method.Prefix, connection.Logger);

            default:
                throw NoFactory(connection, method);
        }
    }

    private static string Required(ConnectorConnection connection, AuthMethodDescriptor method, string field)
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
