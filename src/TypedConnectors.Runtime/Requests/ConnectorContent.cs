using System.ComponentModel;
using System.Net.Http.Headers;
using System.Text;

namespace TypedConnectors;

/// <summary>Builds request bodies for operations whose body is plain text or raw bytes.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConnectorContent
{
    /// <summary>Creates a UTF-8 text body.</summary>
    /// <param name="value">The text.</param>
    /// <param name="contentType">The media type, e.g. <c>text/plain</c>; sent with <c>charset=utf-8</c>.</param>
    /// <returns>The content.</returns>
    public static HttpContent Text(string value, string contentType)
    {
        ArgumentNullException.ThrowIfNull(value);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
        var mediaType = ParseMediaType(contentType);
        mediaType.CharSet = "utf-8";
        content.Headers.ContentType = mediaType;
        return content;
    }

    /// <summary>Creates a body streamed from <paramref name="value"/>.</summary>
    /// <param name="value">
    /// The data, read from its current position when the request is sent. It stays the caller's: it is not disposed
    /// with the request, and a seekable stream is rewound for a retry instead of being buffered in memory.
    /// </param>
    /// <param name="contentType">The media type, e.g. <c>application/octet-stream</c>.</param>
    /// <returns>The content.</returns>
    public static HttpContent Stream(Stream value, string contentType)
    {
        ArgumentNullException.ThrowIfNull(value);
        var content = new CallerStreamContent(value);
        content.Headers.ContentType = ParseMediaType(contentType);
        return content;
    }

    private static MediaTypeHeaderValue ParseMediaType(string contentType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            throw new ArgumentException($"'{contentType}' is not a valid media type.", nameof(contentType));
        }

        return mediaType;
    }
}
