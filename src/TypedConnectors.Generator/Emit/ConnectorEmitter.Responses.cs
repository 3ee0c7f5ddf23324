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
        writer.Line(Signature(operation) + ";");
        EmitResponseDocs(writer, operation);
        writer.Line(ResponseSignature(operation) + ";");
        Features.OperationFeatures.EmitDeclarations(this, writer, operation);
    }

    /// <summary>
    /// The twin's docs are the plain method's but for what it returns: its parameters, summary and exceptions are
    /// inherited, so they are written once.
    /// </summary>
    private static void EmitResponseDocs(SourceWriter writer, OperationSpec operation)
    {
        writer.Line("/// <inheritdoc cref=\"" + operation.Identifier + "\" path=\"/*[not(self::returns)]\"/>");
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
        var request = BuilderName(operation) + "(" + string.Join(", ", BuilderArguments(operation)) + ")";
        writer.Line("/// <inheritdoc/>");
        writer.Line("public " + Signature(operation) + " => " + SendCall(operation, request) + ";");
        writer.Line("/// <inheritdoc/>");
        writer.Line("public " + ResponseSignature(operation) + " => " + ResponseSendCall(operation, request) + ";");
        Features.OperationFeatures.EmitMethods(this, writer, operation);
    }

    private string ResponseSignature(OperationSpec operation) =>
        "global::System.Threading.Tasks.Task<"
        + ResponseType(operation)
        + "> "
        + operation.ResponseIdentifier
        + "("
        + string.Join(", ", SignatureParameters(operation))
        + ")";

    private string ResponseType(OperationSpec operation) =>
        operation.Response.Kind switch
        {
            ResponseKind.None => "global::TypedConnectors.ConnectorResponse",
            ResponseKind.Text => "global::TypedConnectors.ConnectorResponse<string>",
            ResponseKind.Stream => "global::TypedConnectors.ConnectorResponse<global::System.IO.Stream>",
            _ => "global::TypedConnectors.ConnectorResponse<" + _types.Of(operation.Response.Type ?? TypeRef.Any) + ">",
        };

    private string ResponseSendCall(OperationSpec operation, string request)
    {
        var send = operation.Response.Kind switch
        {
            ResponseKind.None => "SendWithResponseAsync",
            ResponseKind.Text => "SendForStringWithResponseAsync",
            ResponseKind.Stream => "SendForStreamWithResponseAsync",
            _ => "SendWithResponseAsync<" + _types.Of(operation.Response.Type ?? TypeRef.Any) + ">",
        };
        var mapper = ErrorMapper(operation);
        var typeInfo = operation.Response.Kind is ResponseKind.None or ResponseKind.Text or ResponseKind.Stream
            ? ""
            : TypeInfoOf(operation.Response.Type ?? TypeRef.Any) + ", ";
        return "global::TypedConnectors.ConnectorHttp."
            + send
            + "(HttpClient, Connection.BaseAddress, "
            + request
            + ", "
            + typeInfo
            + (mapper.Length == 0 ? "null, " : mapper)
            + "cancellationToken)";
    }
}
