using Microsoft.Extensions.Logging;

namespace TypedConnectors;

/// <summary>
/// Authenticates requests with the connection's OAuth 2.0 access token, renewing it ahead of expiry, and — when the
/// API rejects it (401, or another status from <see cref="OAuthOptions.RenewOnStatusCodes"/>) — renews it once and
/// retries the request once. A second rejection is returned to the caller: never a loop.
/// </summary>
public sealed class OAuthHandler : DelegatingHandler
{
    /// <summary>
    /// The <see cref="AuthKind.OAuth2"/> rule: this handler when the connection has an <see cref="OAuthSession"/> (otherwise a
    /// registered factory must authenticate), and the token and client secret as secrets.
    /// </summary>
    internal static readonly AuthKindRule Rule = new(
        AuthKind.OAuth2,
        method => [method.TokenField, method.OAuth?.ClientSecretField ?? "client_secret"],
        (connection, method) => new OAuthHandler(connection.OAuthSession!, method.HeaderName, method.Prefix, connection.Logger),
        isAvailable: connection => connection.OAuthSession is not null,
        validateByCreating: false
    );

    private readonly OAuthSession _session;
    private readonly string _headerName;
    private readonly string _prefix;
    private readonly ILogger? _logger;
    private readonly string _storeKey;

    /// <summary>Creates the handler.</summary>
    /// <param name="session">The connection's OAuth session.</param>
    /// <param name="headerName">The header the token goes in; <c>Authorization</c> when null.</param>
    /// <param name="prefix">The scheme word before the token; <c>Bearer</c> when null, none when empty.</param>
    /// <param name="logger">Where renewals after a rejection are logged; nothing when null.</param>
    public OAuthHandler(OAuthSession session, string? headerName = null, string? prefix = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _headerName = headerName ?? AuthMethodDescriptor.DefaultHeaderName;
        _prefix = prefix ?? "Bearer";
        _logger = logger;
        _storeKey = session.StoreKey;
        if (!HeaderValidation.IsToken(_headerName))
        {
            throw new ConnectorConfigurationException(_headerName, $"'{_headerName}' is not a valid HTTP header name.", null);
        }
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await _session.GetValidTokenAsync(cancellationToken).ConfigureAwait(false);

        // A retry re-sends the content: byte-array based content can be, a stream may be one-shot.
        if (request.Content is not null and not ByteArrayContent)
        {
            await request.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        }

        Authorize(request, token.AccessToken);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!_session.RenewOnStatusCodes.Contains(response.StatusCode) || !_session.CanRenew(token))
        {
            return response;
        }

        if (_logger is not null)
        {
            OAuthLog.RenewingAfterRejection(
                _logger,
                request.Method.Method,
                Log.Redact(request.RequestUri),
                (int)response.StatusCode,
                _storeKey
            );
        }

        var renewed = await _session.RenewAsync(token.AccessToken, cancellationToken).ConfigureAwait(false);
        response.Dispose();
        Authorize(request, renewed.AccessToken);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private void Authorize(HttpRequestMessage request, string accessToken) =>
        HeaderValidation.Set(request, _headerName, _prefix.Length == 0 ? accessToken : _prefix + " " + accessToken);
}
