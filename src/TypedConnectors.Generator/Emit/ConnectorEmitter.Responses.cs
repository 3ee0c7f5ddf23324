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
        writer.Line();
        EmitOperationDocs(
            writer,
            operation,
            operation.Response.Kind == ResponseKind.None
                ? "The response's status code, headers and rate-limit state."
                : "The response's status code, headers and rate-limit state, with its body in <c>Body</c>."
        );
        writer.Line(ResponseSignature(operation) + ";");
        Features.OperationFeatures.EmitDeclarations(this, writer, operation);
    }

    /// <summary>Class members of an operation (the interface holds the docs).</summary>
    private void EmitOperationMethods(SourceWriter writer, OperationSpec operation)
    {
        var request = BuilderName(operation) + "(" + string.Join(", ", BuilderArguments(operation)) + ")";
        writer.Line("/// <inheritdoc/>");
        writer.Line("public " + Signature(operation) + " =>");
        writer.Line("    " + SendCall(operation, request) + ";");
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line("public " + ResponseSignature(operation) + " =>");
        writer.Line("    " + ResponseSendCall(operation, request) + ";");
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
