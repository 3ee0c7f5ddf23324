using System.Net;

namespace TypedConnectors;

/// <summary>
/// Request content read from a stream the caller owns: the stream is not disposed with the request, and a seekable
/// stream is rewound to where it started so that a retried request sends the same bytes without being buffered.
/// </summary>
internal sealed class CallerStreamContent : HttpContent
{
    private readonly Stream _stream;
    private readonly long _start;
    private bool _consumed;

    public CallerStreamContent(Stream stream)
    {
        _stream = stream;
        _start = stream.CanSeek ? stream.Position : -1;
    }

    /// <summary>Whether the content can be sent more than once without buffering.</summary>
    public bool IsRewindable => _stream.CanSeek;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (_stream.CanSeek)
        {
            _stream.Position = _start;
        }
        else if (_consumed)
        {
            throw new InvalidOperationException("The request body stream cannot be read a second time.");
        }

        _consumed = true;
        await _stream.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        if (_stream.CanSeek)
        {
            length = _stream.Length - _start;
            return true;
        }

        length = 0;
        return false;
    }
}
