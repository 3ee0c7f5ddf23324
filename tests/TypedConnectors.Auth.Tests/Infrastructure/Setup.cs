using AuthTests.Notes;
using Microsoft.Extensions.Logging;
using TypedConnectors;

namespace AuthTests.Infrastructure;

/// <summary>Connections pointed at the local authorization server, and the authorization-code dance a browser would do.</summary>
public static class Setup
{
    public static readonly Uri RedirectUri = new("https://app.example/oauth/callback");

    public const string NotesClientId = "notes-app";
    public const string NotesSecret = "notes-app-secret-Zq9";

    public static ConnectorConnectionOptions Options(OAuthTestServer server, ITokenStore? store = null, ILogger? logger = null)
    {
        var options = new ConnectorConnectionOptions
        {
            TimeProvider = server.Clock,
            BaseAddress = server.ApiBase,
            Logger = logger,
            MaxRetries = 0,
        };
        options.OAuth.TokenStore = store;
        options.OAuth.AuthorizationEndpoint = server.AuthorizeEndpoint;
        options.OAuth.TokenEndpoint = server.TokenEndpoint;
        options.OAuth.UserInfoEndpoint = server.UserInfoEndpoint;
        options.OAuth.RedirectUri = RedirectUri;
        return options;
    }

    /// <summary>
    /// A Notes connection that went through the authorization-code flow; the server checks that every access token the
    /// API sees was saved to the store (with the refresh token issued alongside it) before it was used.
    /// </summary>
    public static async Task<(NotesConnection Connection, OAuthAuthorizationResult Result, RecordingTokenStore Store)> ConnectNotesAsync(
        OAuthTestServer server,
        Action<ConnectorConnectionOptions>? configure = null,
        ILogger? logger = null
    )
    {
        server.AddClient(NotesClientId, NotesSecret, requirePkce: true);
        var store = new RecordingTokenStore();
        server.OnApiToken = token =>
            store.Saves.Any(s => s.Token.AccessToken == token && s.Token.RefreshToken == server.RefreshTokenIssuedWith(token))
                ? null
                : "access token used before it and its refresh token were stored";
        var options = Options(server, store, logger);
        configure?.Invoke(options);
        var connection = NotesConnection.CreateOauth(NotesClientId, "acme", clientSecret: NotesSecret, options: options);

        // While a token is being saved, no caller may be handed it yet: a rotated refresh token must be durable first.
        store.BeforeSave = async token =>
            (await connection.OAuth.GetTokenAsync())?.AccessToken == token.AccessToken ? "token handed out before it was saved" : null;
        var flow = connection.OAuth.BuildAuthorizationUrl(scopes: ["notes.read"]);
        var callback = await server.AuthorizeAsync(flow.Url);
        var result = await connection.OAuth.HandleCallbackAsync(callback);
        return (connection, result, store);
    }
}
