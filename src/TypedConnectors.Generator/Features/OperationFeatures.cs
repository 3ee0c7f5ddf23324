using TypedConnectors.Generator.Emit;
using TypedConnectors.Generator.Features.Pagination;
using TypedConnectors.Generator.Features.Streaming;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Features;

/// <summary>
/// The registered operation-level features, in the order their methods are named and printed. A new feature is one
/// folder with its descriptor and one line here; each step of the pipeline loops over this list.
/// </summary>
internal static class OperationFeatures
{
    public static readonly OperationFeature[] All = { PaginationFeature.Instance, StreamingFeature.Instance };

    /// <summary>Every canonical endpoint key the features add.</summary>
    public static IEnumerable<string> EndpointKeys => All.SelectMany(f => f.EndpointKeys);

    /// <summary>Every overlay key under <c>operations</c> the features add.</summary>
    public static IEnumerable<string> OverlayKeys => All.Select(f => f.OverlayKey).OfType<string>();

    public static OperationSpec ReadEndpoint(DocContext context, DocObject endpoint, string pointer, OperationSpec operation) =>
        All.Aggregate(operation, (op, feature) => feature.ReadEndpoint(context, endpoint, pointer, op));

    public static OperationSpec ReadOpenApiOperation(OpenApiFeatureSite site, OperationSpec operation) =>
        All.Aggregate(operation, (op, feature) => feature.ReadOpenApiOperation(site, op));

    public static void Validate(ConnectorSpec spec, OperationSpec operation, DocContext context)
    {
        foreach (var feature in All)
        {
            feature.Validate(spec, operation, context);
        }
    }

    public static OperationSpec Bind(OperationSpec operation, FeatureBinding binding) =>
        All.Aggregate(operation, (op, feature) => feature.Bind(op, binding));

    public static IEnumerable<string> MethodIdentifiers(OperationSpec operation) => All.SelectMany(f => f.MethodIdentifiers(operation));

    public static void EmitDeclarations(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation)
    {
        foreach (var feature in All)
        {
            feature.EmitDeclarations(emitter, writer, operation);
        }
    }

    public static void EmitRequest(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation)
    {
        foreach (var feature in All)
        {
            feature.EmitRequest(emitter, writer, operation);
        }
    }

    public static void EmitMethods(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation)
    {
        foreach (var feature in All)
        {
            feature.EmitMethods(emitter, writer, operation);
        }
    }
}
