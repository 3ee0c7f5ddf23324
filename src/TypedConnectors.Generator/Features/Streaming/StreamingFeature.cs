using TypedConnectors.Generator.Emit;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Model
{
    /// <summary>How a streamed response is framed.</summary>
    internal enum StreamFormat
    {
        /// <summary>Server-sent events (<c>text/event-stream</c>); each event's data is one JSON value.</summary>
        ServerSentEvents,

        /// <summary>JSON Lines / NDJSON: one JSON value a line.</summary>
        JsonLines,
    }

    /// <summary>A streamed response read as typed events (the streaming feature's model, Features/Streaming).</summary>
    internal sealed record StreamingSpec(StreamFormat Format, TypeRef EventType)
    {
        /// <summary>The method enumerating the events (<c>…StreamAsync</c>); set by the binder.</summary>
        public string Identifier { get; init; } = "";
    }
}

namespace TypedConnectors.Generator.Features.Streaming
{
    /// <summary>
    /// Streaming (docs/streaming.md): a canonical endpoint's <c>stream_format</c> (<c>sse</c> or <c>json_lines</c>; the
    /// response schema is one event's type and the plain method returns the raw stream). A streamed operation gets
    /// <c>…StreamAsync</c>, its response read as typed events by the runtime's ConnectorStreaming as they arrive.
    /// </summary>
    internal sealed class StreamingFeature : OperationFeature
    {
        public static readonly StreamingFeature Instance = new();

        internal static readonly (string, StreamFormat)[] Formats =
        {
            ("sse", StreamFormat.ServerSentEvents),
            ("json_lines", StreamFormat.JsonLines),
        };

        public override IEnumerable<string> EndpointKeys => ["stream_format"];

        public override OperationSpec ReadEndpoint(DocContext context, DocObject endpoint, string pointer, OperationSpec operation)
        {
            if (context.Enum(endpoint, "stream_format", Formats, "stream format") is not { } format)
            {
                return operation;
            }

            // The plain method returns the stream; the event type is the response schema.
            return operation with
            {
                Streaming = new StreamingSpec(
                    format,
                    operation.Response.Kind == ResponseKind.Json ? operation.Response.Type ?? TypeRef.Any : TypeRef.Any
                ),
                Response = operation.Response with { Kind = ResponseKind.Stream, Type = new TypeRef(TypeKind.Stream) },
            };
        }

        public override OperationSpec Bind(OperationSpec operation, FeatureBinding binding) =>
            operation.Streaming is { } streaming
                ? operation with
                {
                    Streaming = streaming with
                    {
                        EventType = binding.MapType(streaming.EventType),
                        Identifier = binding.ClaimMethod("StreamAsync"),
                    },
                }
                : operation;

        public override IEnumerable<string> MethodIdentifiers(OperationSpec operation) =>
            operation.Streaming is { } streaming ? [streaming.Identifier] : [];

        public override void EmitDeclarations(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation)
        {
            if (operation.Streaming is null)
            {
                return;
            }

            writer.Line();
            emitter.EmitDocs(
                writer,
                operation,
                "The response's events as they arrive; ending or cancelling the enumeration closes the connection.",
                false
            );
            writer.Line(EmitSignature(emitter, operation) + ";");
        }

        public override void EmitMethods(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation)
        {
            if (operation.Streaming is not { } streaming)
            {
                return;
            }

            writer.Line();
            writer.Line("/// <inheritdoc/>");
            writer.Line("public " + EmitSignature(emitter, operation) + " =>");
            writer.Line(
                "    global::TypedConnectors.ConnectorStreaming."
                    + (streaming.Format == StreamFormat.ServerSentEvents ? "ServerSentEventsAsync<" : "JsonLinesAsync<")
                    + emitter.TypeName(streaming.EventType)
                    + ">(HttpClient, Connection.BaseAddress, () => "
                    + emitter.BuilderCall(operation)
                    + ", "
                    + emitter.TypeInfo(streaming.EventType)
                    + ", "
                    + emitter.ErrorMapperArgument(operation)
                    + "cancellationToken);"
            );
        }

        private static string EmitSignature(IFeatureEmitter emitter, OperationSpec operation) =>
            "global::System.Collections.Generic.IAsyncEnumerable<"
            + emitter.TypeName(operation.Streaming!.EventType)
            + "> "
            + operation.Streaming.Identifier
            + "("
            + string.Join(", ", emitter.SignatureParameters(operation))
            + ")";
    }
}
