namespace TypedConnectors;

/// <summary>
/// A response arrived but could not be read: its body is larger than the connection allows
/// (<see cref="ConnectorConnectionOptions.MaxResponseBytes"/>, also after decompression), is not valid JSON for the
/// operation's result, has the wrong content type, or the connection broke while it was read.
/// </summary>
/// <remarks>
/// The message carries method, URI without query and status only; <see cref="Exception.InnerException"/> holds the
/// cause (a <see cref="System.Text.Json.JsonException"/>, an <see cref="InvalidDataException"/> for a body over the
/// limit, an <see cref="IOException"/>).
/// </remarks>
public class ConnectorResponseException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The response's HTTP status code.</param>
    /// <param name="method">The request method.</param>
    /// <param name="requestUri">The request URI; query, fragment and user-info are removed.</param>
    /// <param name="innerException">Why the body could not be read.</param>
    public ConnectorResponseException(int statusCode, string method, Uri? requestUri, Exception? innerException)
        : base(BuildMessage(statusCode, method, ConnectorApiException.StripQuery(requestUri), innerException), innerException)
    {
        ArgumentNullException.ThrowIfNull(method);
        StatusCode = statusCode;
        Method = method;
        RequestUri = ConnectorApiException.StripQuery(requestUri);
    }

    /// <summary>The response's HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The request method.</summary>
    public string Method { get; }

    /// <summary>The request URI without query string, fragment or user-info.</summary>
    public Uri? RequestUri { get; }

    internal static ConnectorResponseException For(HttpResponseMessage response, Exception innerException)
    {
        var request = response.RequestMessage;
        return new ConnectorResponseException((int)response.StatusCode, request?.Method.Method ?? "?", request?.RequestUri, innerException);
    }

    // The inner message is ours (size limit) or the parser's (path and position, never the document's text).
    private static string BuildMessage(int statusCode, string method, Uri? requestUri, Exception? inner) =>
        $"{method} {requestUri} responded {statusCode} but the response could not be read"
        + (
            inner is InvalidDataException ? ": " + inner.Message
            : inner is null ? "."
            : $" ({inner.GetType().Name})."
        );
}
