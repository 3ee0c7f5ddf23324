using TypedConnectors.Generator.Emit;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Features;

/// <summary>
/// One operation-level feature (pagination, streaming): a descriptor that reads its keyword, checks it, names its
/// methods and prints them, each in its own method that the pipeline calls at its step — <c>Read…</c> from the readers,
/// <c>Validate</c> from the validator, <c>Bind</c> from the binder, <c>Emit…</c> from the emitter — so the flow stays
/// read → validate → bind → emit and no step of a descriptor uses a later one (NamingTests checks it by method name).
/// Its model is an equatable record on <see cref="OperationSpec"/>. Every descriptor is listed in
/// <see cref="OperationFeatures.All"/>.
/// </summary>
internal abstract class OperationFeature
{
    /// <summary>The diagnostics this feature reports (its own ids; <see cref="Diagnostics.DiagnosticDescriptors"/> lists them).</summary>
    public virtual IEnumerable<Microsoft.CodeAnalysis.DiagnosticDescriptor> Diagnostics => [];

    /// <summary>The keys this feature adds to a canonical endpoint object.</summary>
    public virtual IEnumerable<string> EndpointKeys => [];

    /// <summary>Key sets of the feature's own objects, by the name connector.schema.json gives them (a <c>$defs</c> entry).</summary>
    public virtual IEnumerable<KeyValuePair<string, string[]>> KeySets => [];

    /// <summary>The key under <c>operations</c> of a connector file's OpenAPI overlay holding one block per operationId.</summary>
    public virtual string? OverlayKey => null;

    /// <summary>Read: a canonical endpoint object, after the reader built the operation from its common keys.</summary>
    public virtual OperationSpec ReadEndpoint(DocContext context, DocObject endpoint, string pointer, OperationSpec operation) => operation;

    /// <summary>Read: an OpenAPI operation object (its <c>x-</c> extensions, its response media), after the reader built it.</summary>
    public virtual OperationSpec ReadOpenApiOperation(OpenApiFeatureSite site, OperationSpec operation) => operation;

    /// <summary>Read: the feature's block for one operation in a connector file's OpenAPI overlay.</summary>
    public virtual OperationSpec ReadOverlay(DocContext context, DocNode block, string pointer, OperationSpec operation) => operation;

    /// <summary>Validate: checks that need the whole operation, reported where the declaration is written.</summary>
    public virtual void Validate(ConnectorSpec spec, OperationSpec operation, DocContext context) { }

    /// <summary>Bind: the feature's C# names (claimed from the client's method scope) and its types mapped to their identifiers.</summary>
    public virtual OperationSpec Bind(OperationSpec operation, FeatureBinding binding) => operation;

    /// <summary>The method names <see cref="Bind"/> gave the operation, for member scopes.</summary>
    public virtual IEnumerable<string> MethodIdentifiers(OperationSpec operation) => [];

    /// <summary>Emit: interface members, with their docs.</summary>
    public virtual void EmitDeclarations(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation) { }

    /// <summary>Emit: lines of the operation's request builder, after the body is set (shared by every method of the operation).</summary>
    public virtual void EmitRequest(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation) { }

    /// <summary>Emit: class members.</summary>
    public virtual void EmitMethods(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation) { }
}

/// <summary>What the binder gives a feature: the client's method scope and the type-name mapping.</summary>
/// <param name="ClaimMethod">Claims a method derived from the operation's identifier with the given suffix (<c>AllAsync</c>).</param>
/// <param name="MapType">Maps a type reference to the bound type identifiers.</param>
internal sealed record FeatureBinding(Func<string, string> ClaimMethod, Func<TypeRef, TypeRef> MapType);

/// <summary>A streamed success response an OpenAPI operation declares: its framing, its event type, where it is written.</summary>
internal sealed record StreamedMedia(StreamFormat Format, string MediaType, TypeRef EventType, string Pointer);

/// <summary>What the OpenAPI reader hands a feature for one operation.</summary>
/// <param name="Context">The operation's document, for located diagnostics.</param>
/// <param name="Operation">The operation object.</param>
/// <param name="Pointer">Its JSON pointer.</param>
/// <param name="Streamed">The streamed success media it declares (<c>text/event-stream</c>, NDJSON, JSON Lines), first first.</param>
/// <param name="RequestPropertyType">The JSON schema <c>type</c> of a top-level property of the JSON request body ("" when not written), null when it has no property of that name.</param>
internal sealed record OpenApiFeatureSite(
    DocContext Context,
    DocObject Operation,
    string Pointer,
    IReadOnlyList<StreamedMedia> Streamed,
    Func<string, string?> RequestPropertyType
);

/// <summary>
/// The emitter's helpers a feature prints with: the operation's signature parameters, its request builder, its typed
/// error mapping, type names and JSON contracts, and its docs. Implemented by the emitter; a feature derives no name.
/// </summary>
internal interface IFeatureEmitter
{
    /// <summary>The C# spelling of a type.</summary>
    string TypeName(TypeRef type);

    /// <summary>The expression for a type's generated JSON contract.</summary>
    string TypeInfo(TypeRef type);

    /// <summary>A named type's model, when declared.</summary>
    TypeSpec? FindType(TypeRef type);

    /// <summary>
    /// Writes the parameters every method of the operation takes, joined with commas, as part of the current line;
    /// <paramref name="beforeOptions"/>, when given, goes before the last two (<c>options</c> and the token).
    /// </summary>
    void WriteSignatureParameters(SourceWriter writer, OperationSpec operation, string? beforeOptions = null);

    /// <summary>The call of the operation's private request builder with the method's arguments.</summary>
    string BuilderCall(OperationSpec operation);

    /// <summary>The error mapper argument followed by ", ", or "null, " when the operation declares no typed errors.</summary>
    string ErrorMapperArgument(OperationSpec operation);

    /// <summary>The docs of a method of the operation.</summary>
    void EmitDocs(SourceWriter writer, OperationSpec operation, string? returns, bool pagingDoc);
}
