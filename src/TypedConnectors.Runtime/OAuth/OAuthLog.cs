using Microsoft.Extensions.Logging;

namespace TypedConnectors;

/// <summary>
/// The OAuth log messages. They name the connection, grant, endpoint (without query) and status only — never a
/// token, code, verifier, state or client secret.
/// </summary>
internal static partial class OAuthLog
{
    [LoggerMessage(
        EventId = 101,
        Level = LogLevel.Information,
        Message = "OAuth {Grant} token for connection {ConnectionId} obtained from {Endpoint}; expires in {ExpiresInSeconds} s (null = unknown); refresh token {RefreshTokenState}"
    )]
    public static partial void TokenIssued(
        ILogger logger,
        string grant,
        string connectionId,
        string endpoint,
        double? expiresInSeconds,
        string refreshTokenState
    );

    [LoggerMessage(
        EventId = 102,
        Level = LogLevel.Warning,
        Message = "OAuth {Grant} request for connection {ConnectionId} to {Endpoint} failed with {StatusCode} {Error}"
    )]
    public static partial void TokenRequestFailed(
        ILogger logger,
        string grant,
        string connectionId,
        string endpoint,
        int statusCode,
        string error
    );

    [LoggerMessage(
        EventId = 103,
        Level = LogLevel.Information,
        Message = "HTTP {Method} {Uri} responded {StatusCode}; renewing the access token of connection {ConnectionId} and retrying once"
    )]
    public static partial void RenewingAfterRejection(ILogger logger, string method, string uri, int statusCode, string connectionId);

    [LoggerMessage(
        EventId = 104,
        Level = LogLevel.Information,
        Message = "OAuth token of connection {ConnectionId} was renewed by another caller or process; using it"
    )]
    public static partial void AdoptedStoredToken(ILogger logger, string connectionId);
}
