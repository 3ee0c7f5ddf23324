using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedConnectors;

/// <summary>
/// Sends a <see cref="ConnectorRequest"/> and turns the response into a result or a <see cref="ConnectorApiException"/>.
/// </summary>
/// <remarks>
/// Every method has an overload with an <c>errorMapper</c>: a function that receives the untyped
/// <see cref="ConnectorApiException"/> of a non-success response and returns the exception to throw instead
/// (typically <see cref="ConnectorApiException.WithError{TError}()"/> for the status codes a connector declares), or
/// null to throw the untyped one. Generated clients use it like this:
/// <code>
/// ConnectorHttp.SendAsync&lt;Pet&gt;(http, baseAddress, request,
///     static e =&gt; e.StatusCode switch { 404 =&gt; e.WithError&lt;NotFound&gt;(), _ =&gt; null }, ct);
/// </code>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class ConnectorHttp
{
    private const string ReflectionMessage =
        "Deserializes T with reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps.";

    /// <summary>Sends the request and discards the response body.</summary>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>A task that completes when the response has arrived.</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    public static Task SendAsync(HttpClient http, Uri baseAddress, ConnectorRequest request, CancellationToken ct) =>
        SendAsync(http, baseAddress, request, errorMapper: null, ct);

    /// <summary>Sends the request and discards the response body, mapping error responses.</summary>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>A task that completes when the response has arrived.</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    public static async Task SendAsync(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    )
    {
        await CallAsync(http, baseAddress, request, errorMapper, 0, static (response, _, _) => Discard(response), ct).ConfigureAwait(false);
    }

    /// <summary>Sends the request and deserializes the JSON response body with <see cref="ConnectorJson.Options"/>.</summary>
    /// <typeparam name="T">The response type.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The deserialized body, or <c>default</c> when the body is empty (e.g. 204).</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    /// <exception cref="ConnectorResponseException">The body is not valid JSON for <typeparamref name="T"/>, or too large.</exception>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static Task<T> SendAsync<T>(HttpClient http, Uri baseAddress, ConnectorRequest request, CancellationToken ct) =>
        SendAsync(http, baseAddress, request, (JsonTypeInfo<T>)ConnectorJson.Options.GetTypeInfo(typeof(T)), errorMapper: null, ct);

    /// <summary>Sends the request and deserializes the JSON response body, mapping error responses.</summary>
    /// <typeparam name="T">The response type.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The deserialized body, or <c>default</c> when the body is empty (e.g. 204).</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    /// <exception cref="ConnectorResponseException">The body is not valid JSON for <typeparamref name="T"/>, or too large.</exception>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static Task<T> SendAsync<T>(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    ) => SendAsync(http, baseAddress, request, (JsonTypeInfo<T>)ConnectorJson.Options.GetTypeInfo(typeof(T)), errorMapper, ct);

    /// <summary>Sends the request and deserializes the JSON response body with the given contract, mapping error responses.</summary>
    /// <typeparam name="T">The response type.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="typeInfo">The response type's JSON contract, e.g. from a source-generated context.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The deserialized body, or <c>default</c> when the body is empty (e.g. 204).</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    /// <exception cref="ConnectorResponseException">The body is not valid JSON for <typeparamref name="T"/>, or too large.</exception>
    public static async Task<T> SendAsync<T>(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        JsonTypeInfo<T> typeInfo,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    )
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(typeInfo);

        // The most common call, sent and read in one async method (CallAsync's send-then-read is two). The connection's
        // pipeline hands the body's limit and deadline over instead of wrapping the content, since it is read here at once.
        using var message = request.Build(baseAddress);
        var own = message as ConnectorRequestMessage;
        own?.ReaderBoundsBody = true;
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorAsync(response, errorMapper, ct).ConfigureAwait(false);
            }

            if (response.Content.Headers.ContentLength == 0)
            {
                return default!;
            }

            var body = own is { BodyBound: true }
                ? await BoundedContent.OpenAsync(response, response.Content, own.BodyMaxBytes, own.BodyDeadline, ct).ConfigureAwait(false)
                : await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var stream = new BlankTrackingStream(body);
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    return (await JsonSerializer.DeserializeAsync(stream, typeInfo, ct).ConfigureAwait(false))!;
                }
                catch (JsonException) when (!stream.SawContent)
                {
                    return default!;
                }
                catch (JsonException ex)
                {
                    throw ConnectorResponseException.For(response, ex);
                }
            }
        }
        finally
        {
            own?.BodyDeadline?.Dispose();
        }
    }

    /// <summary>Reads and disposes a success response: its JSON body, or <c>default</c> when the body is empty.</summary>
    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken ct)
    {
        using var owned = response;
        if (response.Content.Headers.ContentLength == 0)
        {
            return default!;
        }

        // Read as it arrives, not copied into one array first; a body of only whitespace (e.g. a 200 with no content
        // and no length) still reads as default.
        var stream = new BlankTrackingStream(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return (await JsonSerializer.DeserializeAsync(stream, typeInfo, ct).ConfigureAwait(false))!;
            }
            catch (JsonException) when (!stream.SawContent)
            {
                return default!;
            }
            catch (JsonException ex)
            {
                throw ConnectorResponseException.For(response, ex);
            }
        }
    }

    /// <summary>Sends the request and returns the response body as text.</summary>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The body text, decoded with the response's charset (UTF-8 when none).</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    public static Task<string> SendForStringAsync(HttpClient http, Uri baseAddress, ConnectorRequest request, CancellationToken ct) =>
        SendForStringAsync(http, baseAddress, request, errorMapper: null, ct);

    /// <summary>Sends the request and returns the response body as text, mapping error responses.</summary>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The body text, decoded with the response's charset (UTF-8 when none).</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    public static async Task<string> SendForStringAsync(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    )
    {
        return await CallAsync(http, baseAddress, request, errorMapper, 0, static (response, _, t) => ReadStringAsync(response, t), ct)
            .ConfigureAwait(false);
    }

    private static async Task<string> ReadStringAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using var owned = response;
        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    private static Task<int> Discard(HttpResponseMessage response)
    {
        response.Dispose();
        return Task.FromResult(0);
    }

    /// <summary>Sends the request and returns the response body as a stream that is read as it arrives.</summary>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The body stream; the caller disposes it, which also releases the connection.</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    public static Task<Stream> SendForStreamAsync(HttpClient http, Uri baseAddress, ConnectorRequest request, CancellationToken ct) =>
        SendForStreamAsync(http, baseAddress, request, errorMapper: null, ct);

    /// <summary>Sends the request and returns the response body as a stream, mapping error responses.</summary>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">The request.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The body stream; the caller disposes it, which also releases the connection.</returns>
    /// <exception cref="ConnectorApiException">The status code is not 2xx.</exception>
    public static async Task<Stream> SendForStreamAsync(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    )
    {
        return await CallAsync(http, baseAddress, request, errorMapper, 0, static (response, _, t) => OpenStreamAsync(response, t), ct)
            .ConfigureAwait(false);
    }

    private static async Task<Stream> OpenStreamAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return new ResponseStream(stream, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends a request for a caller-supplied relative path through the client's pipeline and returns the response
    /// whatever its status; used by the generated clients' untyped <c>SendAsync</c> helper.
    /// </summary>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativePath">A path relative to the base address, validated by <see cref="ConnectorRequest.Relative"/>.</param>
    /// <param name="content">The body, if any.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The response with its body buffered; the caller disposes it.</returns>
    public static async Task<HttpResponseMessage> SendRawAsync(
        HttpClient http,
        Uri baseAddress,
        HttpMethod method,
        string relativePath,
        HttpContent? content,
        CancellationToken ct
    )
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(method);
        var request = ConnectorRequest.Relative(method.Method, relativePath);
        if (content is not null)
        {
            request.RawBody(content);
        }

        // Not disposed here: the response refers to it, and disposing it would dispose the caller's content.
        var message = request.Build(baseAddress);
        return await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds the untyped exception for a non-success response, reading at most
    /// <see cref="ConnectorApiException.MaxResponseBodyLength"/> characters of the body.
    /// </summary>
    /// <param name="response">The non-success response.</param>
    /// <param name="ct">Cancels reading the body.</param>
    /// <returns>The exception; the caller throws it.</returns>
    public static async Task<ConnectorApiException> CreateApiExceptionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(response);
        string? body = null;
        Exception? readError = null;
        try
        {
            body = await ReadTruncatedAsync(response.Content, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or DecoderFallbackException or ConnectorResponseException)
        {
            // The status code is the real news; a body that cannot be read is attached as the cause, not thrown instead.
            readError = ex;
        }

        var headers = ConnectorResponse.CopyHeaders(response);
        var requestMessage = response.RequestMessage;
        return new ConnectorApiException(
            (int)response.StatusCode,
            response.ReasonPhrase,
            body,
            requestMessage?.Method.Method ?? "?",
            requestMessage?.RequestUri,
            headers,
            readError
        );
    }

    /// <summary>
    /// The one send path of the typed methods: <paramref name="read"/> receives the success response and owns it.
    /// </summary>
    private static async Task<TResult> CallAsync<TState, TResult>(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        TState state,
        Func<HttpResponseMessage, TState, CancellationToken, Task<TResult>> read,
        CancellationToken ct
    )
    {
        // The call's deadline (ConnectorCallOptions.Timeout) is kept by the connection's resilience handler, which also
        // bounds reading the body.
        var response = await SendCoreAsync(http, baseAddress, request, errorMapper, ct).ConfigureAwait(false);
        return await read(response, state, ct).ConfigureAwait(false);
    }

    private static async Task<HttpResponseMessage> SendCoreAsync(
        HttpClient http,
        Uri baseAddress,
        ConnectorRequest request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    )
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(request);
        using var message = request.Build(baseAddress);

        // Headers first: an error body is read with a size cap instead of being buffered whole by HttpClient.
        var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorAsync(response, errorMapper, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The exception for a non-success response, as the error mapper turns it; the caller disposes the response.</summary>
    private static async Task<ConnectorApiException> ErrorAsync(
        HttpResponseMessage response,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    )
    {
        var error = await CreateApiExceptionAsync(response, ct).ConfigureAwait(false);
        return errorMapper?.Invoke(error) ?? error;
    }

    private static async Task<string> ReadTruncatedAsync(HttpContent content, CancellationToken ct)
    {
        var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var encoding = GetEncoding(content);
            using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[ConnectorApiException.MaxResponseBodyLength];
            var total = 0;
            while (total < buffer.Length)
            {
                var read = await reader.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return new string(buffer, 0, total);
        }
    }

    private static Encoding GetEncoding(HttpContent content)
    {
        var charset = content.Headers.ContentType?.CharSet?.Trim('"');
        if (!string.IsNullOrEmpty(charset))
        {
            try
            {
                return Encoding.GetEncoding(charset);
            }
            catch (ArgumentException)
            {
                // Unknown charsets are common in error pages; UTF-8 is the best guess.
            }
        }

        return Encoding.UTF8;
    }

    internal static bool IsBlank(byte[] body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Passes a response body through, noting whether anything but JSON whitespace went by.</summary>
    private sealed class BlankTrackingStream(Stream inner) : Stream
    {
        public bool SawContent { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => Note(buffer[..inner.Read(buffer)]);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var pending = inner.ReadAsync(buffer, cancellationToken);
            if (SawContent)
            {
                // Past the first token there is nothing left to note: straight through.
                return pending;
            }

            return pending.IsCompletedSuccessfully ? new ValueTask<int>(Note(buffer.Span[..pending.Result])) : NoteAsync(pending, buffer);
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> NoteAsync(ValueTask<int> pending, Memory<byte> buffer)
        {
            var read = await pending.ConfigureAwait(false);
            return Note(buffer.Span[..read]);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        private int Note(ReadOnlySpan<byte> read)
        {
            if (!SawContent && read.IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                SawContent = true;
            }

            return read.Length;
        }
    }

    /// <summary>Keeps the response alive while the body is read, and disposes it with the stream.</summary>
    private sealed class ResponseStream(Stream inner, HttpResponseMessage response) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            response.Dispose();
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
