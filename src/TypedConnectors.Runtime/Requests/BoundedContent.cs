namespace TypedConnectors;

/// <summary>
/// A response body that may be read only up to a number of bytes (counted after decompression, so a small gzip body
/// that inflates without bound stops at the same limit) and only until the call's deadline. Over the limit, reading
/// throws <see cref="ConnectorResponseException"/> with an <see cref="InvalidDataException"/>; past the deadline, a
/// <see cref="TimeoutException"/>. Owns the deadline and the inner content.
/// </summary>
internal sealed class BoundedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly HttpResponseMessage _response;
    private readonly long _maxBytes;
    private readonly CallDeadline? _deadline;

    public BoundedContent(HttpResponseMessage response, long maxBytes, CallDeadline? deadline)
    {
        _response = response;
        _inner = response.Content;
        _maxBytes = maxBytes;
        _deadline = deadline;
        // Copied as they were received, without parsing them (the typed view parses on first use, as it would have).
        foreach (var (name, values) in _inner.Headers.NonValidated)
        {
            if (values.Count == 1)
            {
                Headers.TryAddWithoutValidation(name, values.ToString());
            }
            else
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }
    }

    /// <summary>Replaces the response's content with a bounded one; the deadline is disposed with the response.</summary>
    public static void Install(HttpResponseMessage response, long maxBytes, CallDeadline? deadline) =>
        response.Content = new BoundedContent(response, maxBytes, deadline);

    /// <summary>Reads a whole body as text within <paramref name="maxBytes"/>, for readers outside the pipeline (OAuth token responses).</summary>
    public static async Task<string> ReadStringAsync(HttpResponseMessage response, long maxBytes, CancellationToken cancellationToken)
    {
        using var bounded = new BoundedContent(response, maxBytes, deadline: null);
        var text = await bounded.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return text;
    }

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(
        Stream stream,
        System.Net.TransportContext? context,
        CancellationToken cancellationToken
    )
    {
        var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        OpenAsync(_response, _inner, _maxBytes, _deadline, cancellationToken).AsTask();

    /// <summary>
    /// Opens a response body bounded by <paramref name="maxBytes"/> and <paramref name="deadline"/>, for a reader that
    /// reads it at once (the typed JSON calls) without replacing the response's content; the deadline stays the caller's.
    /// </summary>
    internal static ValueTask<Stream> OpenAsync(
        HttpResponseMessage response,
        HttpContent content,
        long maxBytes,
        CallDeadline? deadline,
        CancellationToken cancellationToken
    )
    {
        if (content.Headers.ContentLength is { } declared && declared > maxBytes)
        {
            // Refused before a byte is read: the server says it will send more than allowed.
            throw TooLarge(response, maxBytes);
        }

        var pending = content.ReadAsStreamAsync(deadline is null ? cancellationToken : deadline.ForReader(cancellationToken));
        return pending.IsCompletedSuccessfully
            ? new ValueTask<Stream>(new BoundedStream(pending.Result, response, maxBytes, deadline))
            : OpenSlowAsync(pending, response, maxBytes, deadline, cancellationToken);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<Stream> OpenSlowAsync(
        Task<Stream> pending,
        HttpResponseMessage response,
        long maxBytes,
        CallDeadline? deadline,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return new BoundedStream(await pending.ConfigureAwait(false), response, maxBytes, deadline);
        }
        catch (OperationCanceledException ex) when (deadline?.Expired(cancellationToken) == true)
        {
            throw deadline.Exception(ex);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _deadline?.Dispose();
        }

        base.Dispose(disposing);
    }

    private static ConnectorResponseException TooLarge(HttpResponseMessage response, long maxBytes) =>
        ConnectorResponseException.For(
            response,
            new InvalidDataException($"The response body is larger than the allowed {maxBytes} bytes.")
        );

    /// <summary>Counts what is read and stops at the limit; reads observe the deadline.</summary>
    private sealed class BoundedStream(Stream inner, HttpResponseMessage response, long maxBytes, CallDeadline? deadline) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(Limit(buffer)));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var pending = inner.ReadAsync(Limit(buffer), deadline is null ? cancellationToken : deadline.ForReader(cancellationToken));

            // A read the transport completed at once (the body already buffered) needs no state machine.
            return pending.IsCompletedSuccessfully ? new ValueTask<int>(Count(pending.Result)) : CompleteAsync(pending, cancellationToken);
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> CompleteAsync(ValueTask<int> pending, CancellationToken cancellationToken)
        {
            try
            {
                return Count(await pending.ConfigureAwait(false));
            }
            catch (OperationCanceledException ex) when (deadline?.Expired(cancellationToken) == true)
            {
                throw deadline.Exception(ex);
            }
            catch (IOException ex) when (deadline?.Expired(cancellationToken) == true)
            {
                // Some transports report a read canceled mid-frame as an IOException.
                throw deadline.Exception(ex);
            }
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

        // Nothing of its own to release: the inner stream's disposal is the whole of it.
        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        // One byte beyond the limit is asked for, so a body of exactly the limit is allowed and one byte more is not.
        private Span<byte> Limit(Span<byte> buffer) => buffer[..(int)Math.Min(buffer.Length, maxBytes - _read + 1)];

        private Memory<byte> Limit(Memory<byte> buffer) => buffer[..(int)Math.Min(buffer.Length, maxBytes - _read + 1)];

        private int Count(int read)
        {
            _read += read;
            if (_read > maxBytes)
            {
                throw TooLarge(response, maxBytes);
            }

            return read;
        }
    }
}
