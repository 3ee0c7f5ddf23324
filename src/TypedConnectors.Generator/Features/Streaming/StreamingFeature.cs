using TypedConnectors.Generator.Diagnostics;
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
        /// <summary>The streamed media type the definition declares (OpenAPI), sent as <c>Accept</c> by the streaming method.</summary>
        public string? MediaType { get; init; }

        /// <summary>The Boolean request-body member that switches the response to a stream (OpenAI's <c>stream</c>).</summary>
        public string? Flag { get; init; }

        /// <summary>Where the flag is declared (<c>x-stream-flag</c>), for located diagnostics; empty when it was recognised by name.</summary>
        public string FlagPointer { get; init; } = "";

        /// <summary>The plain method reads a non-streamed response, so it sends the flag as false.</summary>
        public bool PlainClearsFlag { get; init; }

        /// <summary>JSON pointer of the declaration (the keyword, or the streamed media), for located diagnostics.</summary>
        public string Pointer { get; init; } = "";

        /// <summary>The method enumerating the events (<c>…StreamAsync</c>); set by the binder.</summary>
        public string Identifier { get; init; } = "";
    }
}

namespace TypedConnectors.Generator.Features.Streaming
{
    /// <summary>
    /// Streaming (docs/streaming.md). Declared by a canonical endpoint's <c>stream_format</c> (<c>sse</c> or
    /// <c>json_lines</c>; the response schema is one event's type and the plain method returns the raw stream), or by an
    /// OpenAPI success response with a streamed media type (<c>text/event-stream</c>, NDJSON / JSON Lines / JSON text
    /// sequences; the event type from its <c>itemSchema</c> or <c>schema</c>). When the same operation also answers
    /// JSON, a Boolean request-body property <c>stream</c> (or the one <c>x-stream-flag</c> names) is the switch: the
    /// streaming method sends it true, the plain method false; <c>x-stream-flag: false</c> turns the switch off. A
    /// streamed operation gets <c>…StreamAsync</c>, its response read as typed events by the runtime's
    /// ConnectorStreaming as they arrive.
    /// </summary>
    internal sealed class StreamingFeature : OperationFeature
    {
        public static readonly StreamingFeature Instance = new();

        /// <summary>TC0061: a stream declaration (or its flag) that cannot work for the operation.</summary>
        public static readonly Microsoft.CodeAnalysis.DiagnosticDescriptor InvalidStreaming = DiagnosticDescriptors.DeclarationError(
            "TC0061",
            "Streaming does not match the operation",
            "Streaming: {0}"
        );

        /// <inheritdoc/>
        public override IEnumerable<Microsoft.CodeAnalysis.DiagnosticDescriptor> Diagnostics => [InvalidStreaming];

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

        public override OperationSpec ReadOpenApiOperation(OpenApiFeatureSite site, OperationSpec operation)
        {
            var declared = site.Operation.Get("x-stream-flag");
            var flagPointer = site.Pointer + "/x-stream-flag";
            if (site.Streamed.Count == 0)
            {
                if (declared is DocScalar { Kind: ScalarKind.String } named)
                {
                    site.Context.Report(
                        InvalidStreaming,
                        named,
                        "'x-stream-flag' names '"
                            + named.Text
                            + "', but no success response of operation '"
                            + operation.Name
                            + "' declares a streamed media type (text/event-stream, application/x-ndjson, application/jsonl) to read the events from"
                    );
                }

                return operation;
            }

            string? flag = null;
            var pointer = "";
            switch (declared)
            {
                case null:
                    flag = site.RequestPropertyType("stream") == "boolean" ? "stream" : null;
                    break;
                case DocScalar { Kind: ScalarKind.Boolean, Text: "false" }:
                    break;
                case DocScalar { Kind: ScalarKind.String, Text.Length: > 0 } named:
                    flag = named.Text;
                    pointer = flagPointer;
                    break;
                default:
                    site.Context.Report(
                        InvalidStreaming,
                        declared,
                        "'x-stream-flag' must name a Boolean property of the JSON request body, or be false"
                    );
                    return operation;
            }

            var media = site.Streamed[0];
            var plainReadsJson = operation.Response.Kind != ResponseKind.Stream;
            return operation with
            {
                Streaming = new StreamingSpec(media.Format, media.EventType)
                {
                    MediaType = media.MediaType,
                    Flag = flag,
                    FlagPointer = pointer,
                    PlainClearsFlag = flag is not null && plainReadsJson,
                    Pointer = media.Pointer,
                },
            };
        }

        /// <summary>A declared flag must be a Boolean member of the operation's JSON request body.</summary>
        public override void Validate(ConnectorSpec spec, OperationSpec operation, DocContext context)
        {
            if (operation.Streaming is not { Flag: { } flag, FlagPointer.Length: > 0 } streaming)
            {
                return;
            }

            void Fail(string message) =>
                context.Diagnostics.Add(DiagnosticInfo.Create(InvalidStreaming, context.Locate(streaming.FlagPointer), message));

            var body = operation.Body;
            if (body?.Kind == BodyKind.JsonFields)
            {
                var field = operation.Parameters.FirstOrDefault(p => p.Location == ParameterLocation.Body && p.Name == flag);
                ValidateFlag(
                    operation,
                    flag,
                    field?.Type,
                    operation.Parameters.Where(p => p.Location == ParameterLocation.Body).Select(p => p.Name),
                    Fail
                );
                return;
            }

            if (body is not { Kind: BodyKind.Json })
            {
                Fail("'x-stream-flag' names '" + flag + "', but operation '" + operation.Name + "' has no JSON request body to send it in");
                return;
            }

            if (
                body.Type is { Kind: TypeKind.Named, Name: { } name }
                && spec.Types.FirstOrDefault(t => t.Name == name) is { Kind: TypeSpecKind.Object } model
            )
            {
                var property = model.Properties.FirstOrDefault(p => p.JsonName == flag);
                ValidateFlag(operation, flag, property?.Type, model.Properties.Select(p => p.JsonName), Fail);
            }
        }

        private static void ValidateFlag(
            OperationSpec operation,
            string flag,
            TypeRef? type,
            IEnumerable<string> names,
            Action<string> fail
        )
        {
            if (type is null)
            {
                var list = string.Join(", ", names);
                fail(
                    "'x-stream-flag' names '"
                        + flag
                        + "', which is not a property of the request body of operation '"
                        + operation.Name
                        + "'"
                        + (list.Length > 0 ? " (it has: " + list + ")" : "")
                );
            }
            else if (type.Kind != TypeKind.Boolean)
            {
                fail(
                    "'x-stream-flag' names '"
                        + flag
                        + "', which is "
                        + type.Kind.ToString().ToLowerInvariant()
                        + " in the request body, not a Boolean"
                );
            }
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
            writer.StartLine();
            EmitSignature(emitter, writer, operation);
            writer.Part(";");
            writer.EndLine();
        }

        public override void EmitRequest(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation)
        {
            if (operation.Streaming is { Flag: { } flag, PlainClearsFlag: true })
            {
                // Every method of the operation but the streaming one reads a whole response: the flag goes as false.
                writer.Line("__request.JsonFlag(" + Literals.String(flag) + ", false);");
            }
        }

        public override void EmitMethods(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation)
        {
            if (operation.Streaming is not { } streaming)
            {
                return;
            }

            writer.Line();
            writer.Line("/// <inheritdoc/>");
            writer.StartLine();
            writer.Part("public ");
            EmitSignature(emitter, writer, operation);
            writer.Part(" =>");
            writer.EndLine();
            writer.Line(
                "    global::TypedConnectors.ConnectorStreaming."
                    + (streaming.Format == StreamFormat.ServerSentEvents ? "ServerSentEventsAsync<" : "JsonLinesAsync<")
                    + emitter.TypeName(streaming.EventType)
                    + ">(HttpClient, Connection.BaseAddress, () => "
                    + EmitRequestFor(emitter, operation, streaming)
                    + ", "
                    + emitter.TypeInfo(streaming.EventType)
                    + ", "
                    + emitter.ErrorMapperArgument(operation)
                    + "cancellationToken);"
            );
        }

        /// <summary>The operation's request, asking for the streamed media and with the flag set, when the definition has them.</summary>
        private static string EmitRequestFor(IFeatureEmitter emitter, OperationSpec operation, StreamingSpec streaming)
        {
            var request = emitter.BuilderCall(operation);
            if (streaming.Flag is { } flag)
            {
                request += ".JsonFlag(" + Literals.String(flag) + ", true)";
            }

            return streaming.MediaType is { } media ? request + ".WithAccept(" + Literals.String(media) + ")" : request;
        }

        /// <summary>Writes the streaming method's signature as part of the current line.</summary>
        private static void EmitSignature(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation)
        {
            writer.Part("global::System.Collections.Generic.IAsyncEnumerable<");
            writer.Part(emitter.TypeName(operation.Streaming!.EventType));
            writer.Part("> ");
            writer.Part(operation.Streaming.Identifier);
            writer.Part("(");
            emitter.WriteSignatureParameters(writer, operation);
            writer.Part(")");
        }
    }
}
