namespace TypedConnectors;

/// <summary>
/// A successful response of a generated operation's <c>…WithResponseAsync</c> method: status code, headers and the
/// rate-limit state they report. <see cref="ConnectorResponse{T}"/> adds the typed body.
/// </summary>
/// <remarks>
/// Error responses are not returned: they throw <see cref="ConnectorApiException"/> (typed as
/// <see cref="ConnectorApiException{TError}"/> where the definition declares the error), which carries the same
/// <see cref="ConnectorApiException.Headers"/>.
/// </remarks>
public class ConnectorResponse
{
    private IReadOnlyDictionary<string, Uri>? _links;

    /// <summary>Creates a response description, e.g. for a test double.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="reasonPhrase">The reason phrase, if any.</param>
    /// <param name="headers">Response and content headers by name (case-insensitive).</param>
    /// <param name="requestUri">The request URI; relative <c>Link</c> targets are resolved against it.</param>
    /// <param name="receivedAt">When the response arrived, for rate-limit resets given as a Unix time.</param>
    public ConnectorResponse(
        int statusCode,
        string? reasonPhrase,
        IReadOnlyDictionary<string, IReadOnlyList<string>> headers,
        Uri? requestUri,
        DateTimeOffset receivedAt
    )
    {
        ArgumentNullException.ThrowIfNull(headers);
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Headers = headers;
        FullRequestUri = requestUri;
        RequestUri = ConnectorApiException.StripQuery(requestUri);
        RateLimit = ConnectorRateLimit.FromHeaders(headers, receivedAt);
    }

    /// <summary>Copies the description of another response.</summary>
    /// <param name="source">The response whose status and headers are kept.</param>
    protected ConnectorResponse(ConnectorResponse source)
    {
        ArgumentNullException.ThrowIfNull(source);
        StatusCode = source.StatusCode;
        ReasonPhrase = source.ReasonPhrase;
        Headers = source.Headers;
        FullRequestUri = source.FullRequestUri;
        RequestUri = source.RequestUri;
        RateLimit = source.RateLimit;
        _links = source._links;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase, if the server sent one.</summary>
    public string? ReasonPhrase { get; }

    /// <summary>Response and content headers by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; }

    /// <summary>The request URI without query string, fragment or user-info.</summary>
    public Uri? RequestUri { get; }

    /// <summary>The rate-limit state the headers report, or null when they report none.</summary>
    public ConnectorRateLimit? RateLimit { get; }

    /// <summary>The targets of the RFC 8288 <c>Link</c> header by relation type (<c>next</c>, <c>last</c>, …), resolved to absolute URIs.</summary>
    public IReadOnlyDictionary<string, Uri> Links =>
        _links ??= LinkHeader.Parse(Headers.TryGetValue("Link", out var values) ? values : Array.Empty<string>(), FullRequestUri);

    internal Uri? FullRequestUri { get; }

    /// <summary>The first value of a header, or null when the response has none.</summary>
    /// <param name="name">The header name (case-insensitive).</param>
    /// <returns>The value, or null.</returns>
    public string? Header(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
    }

    internal static IReadOnlyDictionary<string, IReadOnlyList<string>> CopyHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            headers[header.Key] = header.Value.ToArray();
        }

        return headers;
    }

    internal static ConnectorResponse From(HttpResponseMessage response) =>
        new(
            (int)response.StatusCode,
            response.ReasonPhrase,
            CopyHeaders(response),
            response.RequestMessage?.RequestUri,
            response.Headers.Date ?? DateTimeOffset.UtcNow
        );
}

/// <summary>A successful response with its typed body.</summary>
/// <typeparam name="T">The body type.</typeparam>
public sealed class ConnectorResponse<T> : ConnectorResponse
{
    /// <summary>Creates the response from its description and body.</summary>
    /// <param name="response">Status, headers and request URI.</param>
    /// <param name="body">The deserialized body.</param>
    public ConnectorResponse(ConnectorResponse response, T body)
        : base(response)
    {
        Body = body;
    }

    /// <summary>
    /// The body: the deserialized JSON (<c>default</c> for an empty body), the text, or a stream the caller disposes.
    /// </summary>
    public T Body { get; }
}
