namespace TypedConnectors;

/// <summary>
/// Creates the auth handler of a connection for auth methods the runtime does not handle itself (OAuth 2.0,
/// custom schemes), or replaces a built-in one. Registered in <see cref="ConnectorConnectionOptions.AuthHandlerFactories"/>.
/// </summary>
public interface IAuthHandlerFactory
{
    /// <summary>Creates the handler for <paramref name="method"/>, or returns null when this factory does not handle it.</summary>
    /// <param name="connection">The connection; its values hold the credentials by field name (<see cref="ConnectorConnection.GetAuthValue"/> applies mutations).</param>
    /// <param name="method">The chosen auth method.</param>
    /// <returns>A new handler for one pipeline, or null.</returns>
    DelegatingHandler? TryCreateHandler(ConnectorConnection connection, AuthMethodDescriptor method);
}
