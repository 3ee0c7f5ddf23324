using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// A streamed operation's <c>…StreamAsync</c>: the operation's parameters, its response read as typed events
/// (server-sent events or JSON Lines) through the runtime's ConnectorStreaming as they arrive.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    private void EmitStreamingDeclaration(SourceWriter writer, OperationSpec operation)
    {
        if (operation.Streaming is null)
        {
            return;
        }

        writer.Line();
        EmitOperationDocs(
            writer,
            operation,
            "The response's events as they arrive; ending or cancelling the enumeration closes the connection."
        );
        writer.Line(StreamingSignature(operation) + ";");
    }

    private void EmitStreamingMethod(SourceWriter writer, OperationSpec operation)
    {
        if (operation.Streaming is not { } streaming)
        {
            return;
        }

        var mapper = ErrorMapper(operation);
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line("public " + StreamingSignature(operation) + " =>");
        writer.Line(
            "    global::TypedConnectors.ConnectorStreaming."
                + (streaming.Format == StreamFormat.ServerSentEvents ? "ServerSentEventsAsync<" : "JsonLinesAsync<")
                + _types.Of(streaming.EventType)
                + ">(HttpClient, Connection.BaseAddress, () => "
                + BuilderName(operation)
                + "("
                + string.Join(", ", BuilderArguments(operation))
                + "), "
                + TypeInfoOf(streaming.EventType)
                + ", "
                + (mapper.Length == 0 ? "null, " : mapper)
                + "cancellationToken);"
        );
    }

    private string StreamingSignature(OperationSpec operation) =>
        "global::System.Collections.Generic.IAsyncEnumerable<"
        + _types.Of(operation.Streaming!.EventType)
        + "> "
        + operation.StreamIdentifier
        + "("
        + string.Join(", ", SignatureParameters(operation))
        + ")";
}
