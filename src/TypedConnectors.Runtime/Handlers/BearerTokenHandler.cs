namespace TypedConnectors;

/// <summary>Adds a bearer token, <c>Bearer &lt;token&gt;</c> by default, to every request.</summary>
/// <remarks>
/// The token can be fixed or come from a provider called per request, which is how token-refreshing schemes such
/// as OAuth 2.0 plug in without a handler of their own.
/// </remarks>
public sealed class BearerTokenHandler : DelegatingHandler
{
    /// <summary>The <see cref="AuthKind.Bearer"/> rule: this handler, and the token as the secret.</summary>
    internal static readonly AuthKindRule Rule = new(
        AuthKind.Bearer,
        method => [method.TokenField],
        (connection, method) =>
            new BearerTokenHandler(AuthHandlers.Required(connection, method, method.TokenField), method.Prefix, method.HeaderName)
    );

    private readonly Func<CancellationToken, ValueTask<string>> _tokenProvider;
    private readonly string _prefix;
    private readonly string _headerName;

    /// <summary>Creates the handler with a fixed token.</summary>
    /// <param name="token">The token.</param>
    /// <param name="prefix">The scheme word before the token; <c>Bearer</c> when null, none when empty.</param>
    /// <param name="headerName">The header to use; <c>Authorization</c> when null.</param>
    /// <exception cref="ConnectorConfigurationException">The token is empty or contains a line break.</exception>
    public BearerTokenHandler(string token, string? prefix = null, string? headerName = null)
        : this(Fixed(token), prefix, headerName)
    {
        HeaderValidation.Ensure(_headerName, Format(token));
    }

    /// <summary>Creates the handler with a token provider called for every request.</summary>
    /// <param name="tokenProvider">Returns the current token.</param>
    /// <param name="prefix">The scheme word before the token; <c>Bearer</c> when null, none when empty.</param>
    /// <param name="headerName">The header to use; <c>Authorization</c> when null.</param>
    public BearerTokenHandler(Func<CancellationToken, ValueTask<string>> tokenProvider, string? prefix = null, string? headerName = null)
    {
        ArgumentNullException.ThrowIfNull(tokenProvider);
        _tokenProvider = tokenProvider;
        _prefix = prefix ?? "Bearer";
        _headerName = headerName ?? AuthMethodDescriptor.DefaultHeaderName;
        if (!HeaderValidation.IsToken(_headerName))
        {
            throw new ConnectorConfigurationException(_headerName, $"'{_headerName}' is not a valid HTTP header name.", null);
        }
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await _tokenProvider(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(token))
        {
            throw new ConnectorConfigurationException(_headerName, "The bearer token provider returned no token.", null);
        }

        HeaderValidation.Set(request, _headerName, Format(token));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static Func<CancellationToken, ValueTask<string>> Fixed(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0)
        {
            throw new ConnectorConfigurationException("token", "The bearer token is empty.", null);
        }

        return _ => ValueTask.FromResult(token);
    }

    private string Format(string token) => _prefix.Length == 0 ? token : _prefix + " " + token;
}
