using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// The public methods of one operation: the plain call returning the body, and its <c>…WithResponseAsync</c> twin
/// returning <c>ConnectorResponse</c> (status, headers, rate-limit state, body). Both call the same private request
/// builder, so arguments are validated and sent identically.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    /// <summary>Interface members of an operation, with their docs.</summary>
    private void EmitOperationDeclarations(SourceWriter writer, OperationSpec operation)
    {
        EmitOperationDocs(writer, operation);
        writer.StartLine();
        WriteSignature(writer, operation);
        writer.Part(";");
        writer.EndLine();
        EmitResponseDocs(writer, operation);
        writer.StartLine();
        WriteSignature(writer, operation, twin: true);
        writer.Part(";");
        writer.EndLine();
        Features.OperationFeatures.EmitDeclarations(this, writer, operation);
    }

    /// <summary>
    /// The twin's docs are the plain method's but for what it returns: its parameters, summary and exceptions are
    /// inherited, so they are written once.
    /// </summary>
    private static void EmitResponseDocs(SourceWriter writer, OperationSpec operation)
    {
        writer.Line($"/// <inheritdoc cref=\"{operation.Identifier}\" path=\"/*[not(self::returns)]\"/>");
        writer.Line(
            operation.Response.Kind == ResponseKind.None
                ? "/// <returns>The response's status code, headers and rate-limit state.</returns>"
                : "/// <returns>The response's status code, headers and rate-limit state, with its body in <c>Body</c>.</returns>"
        );
        if (operation.Deprecated)
        {
            writer.Line("[global::System.Obsolete(\"This operation is deprecated by the API.\")]");
        }
    }

    /// <summary>Class members of an operation (the interface holds the docs), one line each.</summary>
    private void EmitOperationMethods(SourceWriter writer, OperationSpec operation)
    {
        var request = BuilderCall(operation);
        writer.Line("/// <inheritdoc/>");
        writer.StartLine();
        writer.Part("public ");
        WriteSignature(writer, operation);
        writer.Part(" => ");
        SendCall(writer, operation, request);
        writer.Part(";");
        writer.EndLine();
        writer.Line("/// <inheritdoc/>");
        writer.StartLine();
        writer.Part("public ");
        WriteSignature(writer, operation, twin: true);
        writer.Part(" => ");
        ResponseSendCall(writer, operation, request);
        writer.Part(";");
        writer.EndLine();
        Features.OperationFeatures.EmitMethods(this, writer, operation);
    }

    /// <summary>Writes the call of ConnectorHttp that sends an operation's request and returns the whole response.</summary>
    private void ResponseSendCall(SourceWriter writer, OperationSpec operation, string request)
    {
        var send = operation.Response.Kind switch
        {
            ResponseKind.None => "SendWithResponseAsync",
            ResponseKind.Text => "SendForStringWithResponseAsync",
            ResponseKind.Stream => "SendForStreamWithResponseAsync",
            _ => "SendWithResponseAsync<",
        };
        var typed = operation.Response.Kind is not (ResponseKind.None or ResponseKind.Text or ResponseKind.Stream);
        var mapper = ErrorMapper(operation);
        writer.Part("global::TypedConnectors.ConnectorHttp.");
        writer.Part(send);
        if (typed)
        {
            writer.Part(_types.Of(operation.Response.Type ?? TypeRef.Any));
            writer.Part(">");
        }

        writer.Part("(HttpClient, Connection.BaseAddress, ");
        writer.Part(request);
        writer.Part(", ");
        if (typed)
        {
            writer.Part(TypeInfoOf(operation.Response.Type ?? TypeRef.Any));
            writer.Part(", ");
        }

        writer.Part(mapper.Length == 0 ? "null, " : mapper);
        writer.Part("cancellationToken)");
    }
}
