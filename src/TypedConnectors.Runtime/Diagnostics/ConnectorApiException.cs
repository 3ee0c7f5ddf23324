using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedConnectors;

/// <summary>
/// The API answered with a status code outside 2xx.
/// </summary>
/// <remarks>
/// The message carries method, URI without query and status only: query strings and response bodies can contain
/// credentials or personal data, and exception messages end up in logs. The body is available in
/// <see cref="ResponseBody"/> for code that decides what to do with it.
/// </remarks>
public class ConnectorApiException : Exception
{
    /// <summary>The largest response body kept, in characters.</summary>
    public const int MaxResponseBodyLength = 64 * 1024;

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoHeaders =
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, IReadOnlyList<string>>(
            new Dictionary<string, IReadOnlyList<string>>()
        );

    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="reasonPhrase">The reason phrase, if any.</param>
    /// <param name="responseBody">The response body text; truncated to <see cref="MaxResponseBodyLength"/>.</param>
    /// <param name="method">The request method.</param>
    /// <param name="requestUri">The request URI; query, fragment and user-info are removed.</param>
    /// <param name="headers">Response and content headers.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ConnectorApiException(
        int statusCode,
        string? reasonPhrase,
        string? responseBody,
        string method,
        Uri? requestUri,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? headers = null,
        Exception? innerException = null
    )
        : base(BuildMessage(statusCode, reasonPhrase, method, StripQuery(requestUri)), innerException)
    {
        ArgumentNullException.ThrowIfNull(method);
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        ResponseBody = responseBody is { Length: > MaxResponseBodyLength } ? responseBody[..MaxResponseBodyLength] : responseBody;
        Method = method;
        RequestUri = StripQuery(requestUri);
        Headers = headers ?? NoHeaders;
    }

    /// <summary>Creates a copy of <paramref name="source"/>, for subclasses that add a typed error.</summary>
    /// <param name="source">The exception to copy.</param>
    protected ConnectorApiException(ConnectorApiException source)
        : base(ArgumentNullGuard(source).Message, source.InnerException)
    {
        StatusCode = source.StatusCode;
        ReasonPhrase = source.ReasonPhrase;
        ResponseBody = source.ResponseBody;
        Method = source.Method;
        RequestUri = source.RequestUri;
        Headers = source.Headers;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase, if the server sent one.</summary>
    public string? ReasonPhrase { get; }

    /// <summary>The response body text, at most <see cref="MaxResponseBodyLength"/> characters.</summary>
    public string? ResponseBody { get; }

    /// <summary>The request method.</summary>
    public string Method { get; }

    /// <summary>The request URI without query string, fragment or user-info.</summary>
    public Uri? RequestUri { get; }

    /// <summary>Response and content headers by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; }

    /// <summary>The rate-limit state the response headers report (e.g. of a 429), or null when they report none.</summary>
    public ConnectorRateLimit? RateLimit => ConnectorRateLimit.FromHeaders(Headers, DateTimeOffset.UtcNow);

    /// <summary>
    /// Creates a typed exception whose <see cref="ConnectorApiException{TError}.Error"/> is the response body deserialized
    /// with <see cref="ConnectorJson.Options"/>; for use in an error mapper passed to <see cref="ConnectorHttp"/>.
    /// </summary>
    /// <typeparam name="TError">The declared error type.</typeparam>
    /// <returns>The typed exception; <c>Error</c> is null when the body is empty or not valid JSON for <typeparamref name="TError"/>.</returns>
    [RequiresUnreferencedCode(
        "Deserializes TError with reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps."
    )]
    [RequiresDynamicCode(
        "Deserializes TError with reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps."
    )]
    public ConnectorApiException<TError> WithError<TError>() =>
        WithError((JsonTypeInfo<TError>)ConnectorJson.Options.GetTypeInfo(typeof(TError)));

    /// <summary>
    /// Creates a typed exception whose <see cref="ConnectorApiException{TError}.Error"/> is the response body deserialized with
    /// <paramref name="typeInfo"/>.
    /// </summary>
    /// <typeparam name="TError">The declared error type.</typeparam>
    /// <param name="typeInfo">The type's JSON contract, e.g. from a source-generated context.</param>
    /// <returns>The typed exception; <c>Error</c> is null when the body is empty or not valid JSON for <typeparamref name="TError"/>.</returns>
    public ConnectorApiException<TError> WithError<TError>(JsonTypeInfo<TError> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        TError? error = default;
        if (!string.IsNullOrWhiteSpace(ResponseBody))
        {
            try
            {
                error = JsonSerializer.Deserialize(ResponseBody, typeInfo);
            }
            catch (JsonException)
            {
                // An error body that does not match its declared schema is still an API error; the raw body stays available.
            }
        }

        return new ConnectorApiException<TError>(this, error);
    }

    private static ConnectorApiException ArgumentNullGuard(ConnectorApiException source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source;
    }

    private static string BuildMessage(int statusCode, string? reasonPhrase, string method, Uri? requestUri) =>
        string.IsNullOrEmpty(reasonPhrase)
            ? $"{method} {requestUri} failed with status {statusCode}."
            : $"{method} {requestUri} failed with status {statusCode} ({reasonPhrase}).";

    internal static Uri? StripQuery(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return uri;
        }

        return new Uri(uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));
    }
}

/// <summary>The API answered with a status code for which the connector declares a typed error body.</summary>
/// <typeparam name="TError">The declared error type.</typeparam>
public sealed class ConnectorApiException<TError> : ConnectorApiException
{
    /// <summary>Creates the exception from an untyped one and the deserialized error.</summary>
    /// <param name="source">The untyped exception with status, body and headers.</param>
    /// <param name="error">The deserialized error body, or null.</param>
    public ConnectorApiException(ConnectorApiException source, TError? error)
        : base(source)
    {
        Error = error;
    }

    /// <summary>The deserialized error body, or null when it was empty or did not match <typeparamref name="TError"/>.</summary>
    public TError? Error { get; }
}
