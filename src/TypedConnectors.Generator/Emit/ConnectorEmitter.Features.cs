using TypedConnectors.Generator.Features;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>The helpers the operation-level features (Features/) print their members with.</summary>
internal sealed partial class ConnectorEmitter : IFeatureEmitter
{
    string IFeatureEmitter.TypeName(TypeRef type) => _types.Of(type);

    string IFeatureEmitter.TypeInfo(TypeRef type) => TypeInfoOf(type);

    TypeSpec? IFeatureEmitter.FindType(TypeRef type) => _types.Find(type);

    void IFeatureEmitter.WriteSignatureParameters(SourceWriter writer, OperationSpec operation, string? beforeOptions) =>
        WriteSignatureParameters(writer, operation, beforeOptions);

    string IFeatureEmitter.BuilderCall(OperationSpec operation) => BuilderCall(operation);

    string IFeatureEmitter.ErrorMapperArgument(OperationSpec operation) =>
        ErrorMapper(operation) is { Length: > 0 } mapper ? mapper : "null, ";

    void IFeatureEmitter.EmitDocs(SourceWriter writer, OperationSpec operation, string? returns, bool pagingDoc) =>
        EmitOperationDocs(writer, operation, returns, pagingDoc);
}
