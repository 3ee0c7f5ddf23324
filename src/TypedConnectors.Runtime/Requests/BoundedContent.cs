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

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        if (_inner.Headers.ContentLength is { } declared && declared > _maxBytes)
        {
            // Refused before a byte is read: the server says it will send more than allowed.
            throw TooLarge();
        }

        Stream inner;
        var token = TokenFor(cancellationToken, out var link);
        using (link)
        {
            try
            {
                inner = await _inner.ReadAsStreamAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (_deadline?.Expired(cancellationToken) == true)
            {
                throw _deadline.Exception(ex);
            }
        }

        return new BoundedStream(inner, this);
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

    private CancellationToken TokenFor(CancellationToken cancellationToken, out CancellationTokenSource? link)
    {
        link = null;
        return _deadline is null ? cancellationToken : _deadline.ForReader(cancellationToken, out link);
    }

    private ConnectorResponseException TooLarge() =>
        ConnectorResponseException.For(
            _response,
            new InvalidDataException($"The response body is larger than the allowed {_maxBytes} bytes.")
        );

    /// <summary>Counts what is read and stops at the limit; reads observe the deadline.</summary>
    private sealed class BoundedStream(Stream inner, BoundedContent owner) : Stream
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
            var token = owner.TokenFor(cancellationToken, out var link);
            ValueTask<int> pending;
            try
            {
                pending = inner.ReadAsync(Limit(buffer), token);
            }
            catch
            {
                link?.Dispose();
                throw;
            }

            // A read the transport completed at once (the body already buffered) needs no state machine.
            return link is null && pending.IsCompletedSuccessfully
                ? new ValueTask<int>(Count(pending.Result))
                : CompleteAsync(pending, link, cancellationToken);
        }

        private async ValueTask<int> CompleteAsync(
            ValueTask<int> pending,
            CancellationTokenSource? link,
            CancellationToken cancellationToken
        )
        {
            using var owned = link;
            try
            {
                return Count(await pending.ConfigureAwait(false));
            }
            catch (OperationCanceledException ex) when (owner._deadline?.Expired(cancellationToken) == true)
            {
                throw owner._deadline.Exception(ex);
            }
            catch (IOException ex) when (owner._deadline?.Expired(cancellationToken) == true)
            {
                // Some transports report a read canceled mid-frame as an IOException.
                throw owner._deadline.Exception(ex);
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

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        // One byte beyond the limit is asked for, so a body of exactly the limit is allowed and one byte more is not.
        private Span<byte> Limit(Span<byte> buffer) => buffer[..(int)Math.Min(buffer.Length, owner._maxBytes - _read + 1)];

        private Memory<byte> Limit(Memory<byte> buffer) => buffer[..(int)Math.Min(buffer.Length, owner._maxBytes - _read + 1)];

        private int Count(int read)
        {
            _read += read;
            if (_read > owner._maxBytes)
            {
                throw owner.TooLarge();
            }

            return read;
        }
    }
}
