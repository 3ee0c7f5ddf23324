using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedConnectors;

/// <summary>The <c>…WithResponseAsync</c> twins: the same calls, returning status and headers with the body.</summary>
public static partial class ConnectorHttp
{
    /// <summary>Sends the request and returns the status and headers of the response; its body is discarded.</summary>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The response's status and headers.</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    public static Task<ConnectorResponse> SendWithResponseAsync(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    ) =>
        CallAsync(
            http,
            baseAddress,
            request,
            errorMapper,
            0,
            static (response, _, _) =>
            {
                using (response)
                {
                    return Task.FromResult(ConnectorResponse.From(response));
                }
            },
            ct
        );

    /// <summary>Sends the request and returns the response with its JSON body deserialized with <see cref="ConnectorJson.Options"/>.</summary>
    /// <typeparam name="T">The response type.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>Status, headers and the body (<c>default</c> when the body is empty).</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    /// <exception cref="JsonException">The body is not valid JSON for <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static Task<ConnectorResponse<T>> SendWithResponseAsync<T>(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    ) => SendWithResponseAsync(http, baseAddress, request, (JsonTypeInfo<T>)ConnectorJson.Options.GetTypeInfo(typeof(T)), errorMapper, ct);

    /// <summary>Sends the request and returns the response with its JSON body deserialized with the given contract.</summary>
    /// <typeparam name="T">The response type.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="typeInfo">The response type's JSON contract, e.g. from a source-generated context.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>Status, headers and the body (<c>default</c> when the body is empty).</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    /// <exception cref="JsonException">The body is not valid JSON for <typeparamref name="T"/>.</exception>
    public static Task<ConnectorResponse<T>> SendWithResponseAsync<T>(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        JsonTypeInfo<T> typeInfo,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    )
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return CallAsync(
            http,
            baseAddress,
            request,
            errorMapper,
            typeInfo,
            static async (response, info, t) =>
            {
                var head = ConnectorResponse.From(response);
                return new ConnectorResponse<T>(head, await ReadJsonAsync(response, info, t).ConfigureAwait(false));
            },
            ct
        );
    }

    /// <summary>Sends the request and returns the response with its body as text.</summary>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>Status, headers and the body text, decoded with the response's charset (UTF-8 when none).</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    public static Task<ConnectorResponse<string>> SendForStringWithResponseAsync(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    ) =>
        CallAsync(
            http,
            baseAddress,
            request,
            errorMapper,
            0,
            static async (response, _, t) =>
            {
                var head = ConnectorResponse.From(response);
                return new ConnectorResponse<string>(head, await ReadStringAsync(response, t).ConfigureAwait(false));
            },
            ct
        );

    /// <summary>Sends the request and returns the response with its body as a stream that is read as it arrives.</summary>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>Status, headers and the body stream; the caller disposes the stream, which also releases the connection.</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    public static Task<ConnectorResponse<Stream>> SendForStreamWithResponseAsync(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    ) =>
        CallAsync(
            http,
            baseAddress,
            request,
            errorMapper,
            0,
            static async (response, _, t) =>
            {
                var head = ConnectorResponse.From(response);
                return new ConnectorResponse<Stream>(head, await OpenStreamAsync(response, t).ConfigureAwait(false));
            },
            ct
        );

    /// <summary>Sends the request and returns status, headers and the whole body, for the paging enumerators.</summary>
    internal static Task<(ConnectorResponse Head, byte[] Body)> SendForBytesAsync(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    ) =>
        CallAsync(
            http,
            baseAddress,
            request,
            errorMapper,
            0,
            static async (response, _, t) =>
            {
                using (response)
                {
                    var head = ConnectorResponse.From(response);
                    return (head, await response.Content.ReadAsByteArrayAsync(t).ConfigureAwait(false));
                }
            },
            ct
        );
}
