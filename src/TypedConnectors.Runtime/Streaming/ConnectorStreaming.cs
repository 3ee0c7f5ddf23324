using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedConnectors;

/// <summary>
/// Reads a streamed response as typed events: server-sent events (<c>text/event-stream</c>, each event's data one JSON
/// value) or JSON Lines / NDJSON (one JSON value a line). Events are read as they arrive; ending or cancelling the
/// enumeration disposes the response, which closes the connection.
/// </summary>
/// <remarks>
/// An SSE event whose data is <c>[DONE]</c> (OpenAI's end marker) ends the stream. When an SSE connection drops after the
/// server sent event ids, the request is sent again with <c>Last-Event-ID</c> (at most
/// <see cref="MaxReconnects"/> times in a row, after the server's <c>retry</c> interval, capped at 5 s).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConnectorStreaming
{
    /// <summary>The most reconnections after one another without a new event.</summary>
    public const int MaxReconnects = 3;

    private const string ReflectionMessage =
        "Deserializes with reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps.";

    /// <summary>Enumerates the events of a server-sent-events response.</summary>
    /// <typeparam name="TEvent">The type of one event's data.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">Builds the request; called again to reconnect.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the stream and closes the connection.</param>
    /// <returns>The events as they arrive.</returns>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static IAsyncEnumerable<TEvent> ServerSentEventsAsync<TEvent>(
        HttpClient http,
        Uri baseAddress,
        Func<ConnectorRequest> request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    ) =>
        ServerSentEventsAsync(
            http,
            baseAddress,
            request,
            (JsonTypeInfo<TEvent>)ConnectorJson.Options.GetTypeInfo(typeof(TEvent)),
            errorMapper,
            ct
        );

    /// <summary>Enumerates the events of a server-sent-events response, deserialized with the given contract.</summary>
    /// <typeparam name="TEvent">The type of one event's data.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">Builds the request; called again to reconnect.</param>
    /// <param name="eventType">The event type's JSON contract.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the stream and closes the connection.</param>
    /// <returns>The events as they arrive.</returns>
    public static async IAsyncEnumerable<TEvent> ServerSentEventsAsync<TEvent>(
        HttpClient http,
        Uri baseAddress,
        Func<ConnectorRequest> request,
        JsonTypeInfo<TEvent> eventType,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        [EnumeratorCancellation] CancellationToken ct
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(eventType);
        string? lastEventId = null;
        var reconnects = 0;
        while (true)
        {
            var message = request();
            if (!string.IsNullOrEmpty(lastEventId))
            {
                message.Header("Last-Event-ID", lastEventId);
            }

            var stream = await ConnectorHttp.SendForStreamAsync(http, baseAddress, message, errorMapper, ct).ConfigureAwait(false);
            var dropped = false;
            var retry = TimeSpan.Zero;
            await using (stream.ConfigureAwait(false))
            {
                var parser = SseParser.Create(stream, static (type, data) => data.ToArray());
                var events = parser.EnumerateAsync(ct).GetAsyncEnumerator(ct);
                try
                {
                    while (true)
                    {
                        try
                        {
                            if (!await events.MoveNextAsync().ConfigureAwait(false))
                            {
                                break;
                            }
                        }
                        catch (Exception ex) when (ex is IOException or HttpRequestException && !ct.IsCancellationRequested)
                        {
                            dropped = true;
                            break;
                        }
                        finally
                        {
                            lastEventId = parser.LastEventId;
                            retry = parser.ReconnectionInterval;
                        }

                        var data = events.Current.Data;
                        if (data.AsSpan().SequenceEqual("[DONE]"u8))
                        {
                            yield break;
                        }

                        reconnects = 0;
                        yield return JsonSerializer.Deserialize(data, eventType)!;
                    }
                }
                finally
                {
                    await events.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (!dropped || string.IsNullOrEmpty(lastEventId) || ++reconnects > MaxReconnects)
            {
                if (dropped)
                {
                    throw new IOException("The event stream was interrupted and could not be resumed.");
                }

                yield break;
            }

            var wait = retry > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : retry;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Enumerates the values of a JSON Lines (NDJSON) response, one a line; blank lines and record separators (JSON text sequences) are skipped.</summary>
    /// <typeparam name="TEvent">The type of one line's value.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">Builds the request.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the stream and closes the connection.</param>
    /// <returns>The values as they arrive.</returns>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static IAsyncEnumerable<TEvent> JsonLinesAsync<TEvent>(
        HttpClient http,
        Uri baseAddress,
        Func<ConnectorRequest> request,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    ) =>
        JsonLinesAsync(
            http,
            baseAddress,
            request,
            (JsonTypeInfo<TEvent>)ConnectorJson.Options.GetTypeInfo(typeof(TEvent)),
            errorMapper,
            ct
        );

    /// <summary>Enumerates the values of a JSON Lines (NDJSON) response, deserialized with the given contract.</summary>
    /// <typeparam name="TEvent">The type of one line's value.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the request.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="request">Builds the request.</param>
    /// <param name="eventType">The value type's JSON contract.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the stream and closes the connection.</param>
    /// <returns>The values as they arrive.</returns>
    public static async IAsyncEnumerable<TEvent> JsonLinesAsync<TEvent>(
        HttpClient http,
        Uri baseAddress,
        Func<ConnectorRequest> request,
        JsonTypeInfo<TEvent> eventType,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        [EnumeratorCancellation] CancellationToken ct
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(eventType);
        var stream = await ConnectorHttp.SendForStreamAsync(http, baseAddress, request(), errorMapper, ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } read)
            {
                // A JSON text sequence (RFC 7464, application/json-seq) starts each value with a record separator.
                var line = read.TrimStart('\u001e');
                if (!string.IsNullOrWhiteSpace(line))
                {
                    yield return JsonSerializer.Deserialize(line, eventType)!;
                }
            }
        }
    }
}
