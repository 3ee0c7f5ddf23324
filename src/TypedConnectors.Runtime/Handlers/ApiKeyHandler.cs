namespace TypedConnectors;

/// <summary>Adds an API key to every request, in a header, a query parameter or a cookie.</summary>
/// <remarks>
/// A key put in the query or a cookie is removed again once the response has arrived, so that the request message
/// the caller keeps (and logs, and puts in exceptions) does not carry it, and a retried request does not carry it twice.
/// </remarks>
public sealed class ApiKeyHandler : DelegatingHandler
{
    /// <summary>The <see cref="AuthKind.ApiKey"/> rule: this handler, and the key (field <c>api_key</c> by default) as the secret.</summary>
    internal static readonly AuthKindRule Rule = new(AuthKind.ApiKey, method => [method.TokenField], Create, defaultTokenField: "api_key");

    private static ApiKeyHandler Create(ConnectorConnection connection, AuthMethodDescriptor method)
    {
        var key = AuthHandlers.Required(connection, method, method.TokenField);
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
    }

    private readonly string _key;
    private readonly ApiKeyLocation _location;
    private readonly string _name;
    private readonly string? _prefix;

    /// <summary>Creates the handler.</summary>
    /// <param name="apiKey">The key.</param>
    /// <param name="location">Where the key goes.</param>
    /// <param name="name">The header, query parameter or cookie name.</param>
    /// <param name="prefix">An optional scheme word put before the key with a space, e.g. <c>Token</c>; headers only.</param>
    /// <exception cref="ConnectorConfigurationException">The key is empty or the name or key is not valid where it goes.</exception>
    public ApiKeyHandler(string apiKey, ApiKeyLocation location, string name, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentNullException.ThrowIfNull(name);
        if (apiKey.Length == 0)
        {
            throw new ConnectorConfigurationException(name, $"The API key for '{name}' is empty.", null);
        }

        _key = string.IsNullOrEmpty(prefix) ? apiKey : prefix + " " + apiKey;
        _location = location;
        _name = name;
        _prefix = prefix;
        switch (location)
        {
            case ApiKeyLocation.Header:
                HeaderValidation.Ensure(name, _key);
                break;
            case ApiKeyLocation.Cookie:
                _ = ConnectorRequest.CookieText(name, _key);
                break;
            case ApiKeyLocation.Query:
                if (name.Length == 0)
                {
                    throw new ConnectorConfigurationException(name, "The API key query parameter needs a name.", null);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(location), location, "Unknown API key location.");
        }
    }

    /// <summary>Where the key goes.</summary>
    public ApiKeyLocation Location => _location;

    /// <summary>The header, query parameter or cookie name.</summary>
    public string Name => _name;

    /// <summary>The scheme word put before the key, if any.</summary>
    public string? Prefix => _prefix;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (_location)
        {
            case ApiKeyLocation.Header:
                HeaderValidation.Set(request, _name, _key);
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

            case ApiKeyLocation.Query:
                var originalUri =
                    request.RequestUri ?? throw new InvalidOperationException("The request has no URI to add the API key to.");
                var builder = new UriBuilder(originalUri);
                var pair = Uri.EscapeDataString(_name) + "=" + Uri.EscapeDataString(_key);
                var query = builder.Query.TrimStart('?');
                builder.Query = query.Length == 0 ? pair : query + "&" + pair;
                request.RequestUri = builder.Uri;
                try
                {
                    return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    request.RequestUri = originalUri;
                }

            default:
                var hadCookies = request.Headers.TryGetValues("Cookie", out var existing);
                var originalCookies = hadCookies ? string.Join("; ", existing!) : null;
                var cookie = ConnectorRequest.CookieText(_name, _key);
                request.Headers.Remove("Cookie");
                request.Headers.TryAddWithoutValidation("Cookie", originalCookies is null ? cookie : originalCookies + "; " + cookie);
                try
                {
                    return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    request.Headers.Remove("Cookie");
                    if (originalCookies is not null)
                    {
                        request.Headers.TryAddWithoutValidation("Cookie", originalCookies);
                    }
                }
        }
    }
}
