using Microsoft.CodeAnalysis;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Emit;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;
using TypedConnectors.Generator.Reading.OpenApi;

namespace TypedConnectors.Generator;

/// <summary>Generates typed clients from connector definition files added as AdditionalFiles.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class ConnectorGenerator : IIncrementalGenerator
{
    private const string HttpClientFactoryExtensions =
        "Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions";
    private const string ServiceCollectionDescriptorExtensions =
        "Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions";
    private const string McpHttpClientTransport = "ModelContextProtocol.Client.HttpClientTransport";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var rootNamespace = context.AnalyzerConfigOptionsProvider.Select(
            static (options, _) => options.GlobalOptions.TryGetValue(ConnectorInputs.RootNamespaceProperty, out var ns) ? ns.Trim() : ""
        );
        var settings = context
            .CompilationProvider.Select(
                static (compilation, _) =>
                    (
                        compilation.GetTypeByMetadataName(HttpClientFactoryExtensions) is not null,
                        compilation.GetTypeByMetadataName(ServiceCollectionDescriptorExtensions) is not null,
                        compilation.GetTypeByMetadataName(McpHttpClientTransport) is not null
                    )
            )
            .Combine(rootNamespace)
            .Select(
                static (pair, _) =>
                    new GeneratorSettings(pair.Right, pair.Left.Item1 && pair.Left.Item2, pair.Left.Item2) { HasMcpSdk = pair.Left.Item3 }
            )
            .WithTrackingName(TrackingNames.Settings);

        // Classes implementing a generated I…CustomAuth interface, as plain values: emission needs them to report TC0040
        // for custom auth nobody implements and to wire the implementation into the factories and DI registration.
        var customAuth = context
            .SyntaxProvider.CreateSyntaxProvider(
                static (node, ct) => CustomAuthDiscovery.IsCandidate(node, ct),
                static (syntax, ct) => CustomAuthDiscovery.Describe(syntax, ct)
            )
            .Collect()
            .Select(
                static (found, _) =>
                    found
                        .SelectMany(f => f)
                        .Distinct()
                        .OrderBy(i => i.InterfaceName, StringComparer.Ordinal)
                        .ThenBy(i => i.TypeName, StringComparer.Ordinal)
                        .ThenBy(i => i.Qualifier ?? "", StringComparer.Ordinal)
                        .ToEquatableArray()
            )
            .WithTrackingName(TrackingNames.CustomAuth);

        var inputs = context
            .AdditionalTextsProvider.Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, ct) => ConnectorInputs.Create(pair.Left, pair.Right.GetOptions(pair.Left), ct))
            .Where(static input => input is not null)
            .Select(static (input, _) => input!)
            .WithTrackingName(TrackingNames.Inputs);

        // Files that name other files (a connector file over an OpenAPI document, a document with an external $ref) are
        // read together with the project's JSON/YAML files; for all others that set stays empty, so editing a document
        // never re-reads them.
        var scanned = inputs
            .Select(
                static (input, _) =>
                    new ScannedInput(input, ReferenceScan.MayReferenceOtherFiles(input), ReferenceScan.ReferencedDocument(input) ?? "")
            )
            .WithTrackingName(TrackingNames.Scan);

        var documents = context
            .AdditionalTextsProvider.Where(static text => ConnectorInputs.IsDocumentFileName(text.Path))
            .Select(static (text, ct) => new DocumentText(text.Path, text.GetText(ct)?.ToString() ?? ""))
            .Collect()
            .Select(static (texts, _) => DocumentSet.Create(texts))
            .WithTrackingName(TrackingNames.Documents);

        // An OpenAPI document a connector file overlays is generated through that connector file, not on its own.
        var referenced = scanned
            .Select(static (input, _) => input.ReferencedDocument)
            .Collect()
            .Select(
                static (paths, _) => paths.Where(p => p.Length > 0).Distinct().OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray()
            )
            .WithTrackingName(TrackingNames.Referenced);

        var withDocuments = scanned
            .Combine(documents)
            .Select(static (pair, _) => new InputWithDocuments(pair.Left.Input, pair.Left.NeedsDocuments ? pair.Right : null))
            .WithTrackingName(TrackingNames.References);

        var parsed = withDocuments
            .Combine(referenced)
            .Combine(settings)
            .Select(
                static (pair, ct) =>
                    IsOverlaid(pair.Left.Left.Input, pair.Left.Right)
                        ? new ReadResult(pair.Left.Left.Input.Path, null, EquatableArray<DiagnosticInfo>.Empty)
                        : ConnectorPipeline.Run(pair.Left.Left.Input, pair.Right, ct, pair.Left.Left.Documents)
            )
            .WithTrackingName(TrackingNames.Parse);

        // Two files may not produce the same client in the same namespace; the names of all files are compared here,
        // and only change when a name changes, so editing one file's body does not re-emit the others.
        var names = parsed
            .Select(
                static (result, _) =>
                    new ClientNameEntry(result.Path, result.Spec is { } spec ? spec.Namespace + "." + spec.ClientName : "")
            )
            .Collect()
            .Select(static (entries, _) => entries.ToEquatableArray())
            .WithTrackingName(TrackingNames.Names);

        var emitted = parsed
            .Combine(names)
            .Combine(settings)
            .Combine(customAuth)
            .Select(static (pair, ct) => EmitOne(pair.Left.Left.Left, pair.Left.Left.Right, pair.Left.Right, ct, pair.Right))
            .WithTrackingName(TrackingNames.Emit);

        context.RegisterSourceOutput(
            emitted,
            static (spc, result) =>
            {
                foreach (var diagnostic in result.Diagnostics)
                {
                    spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                }

                foreach (var file in result.Files)
                {
                    spc.AddSource(file.HintName, file.Text.ToSourceText());
                }
            }
        );
    }

    internal static bool IsOverlaid(ConnectorInput input, EquatableArray<string> referenced)
    {
        var path = DocumentPaths.Normalize(input.Path);
        return referenced.Any(r => string.Equals(r, path, StringComparison.Ordinal));
    }

    internal static EmitResult EmitOne(
        ReadResult result,
        EquatableArray<ClientNameEntry> names,
        GeneratorSettings settings,
        CancellationToken cancellationToken,
        EquatableArray<CustomAuthImplementation> customAuth = default
    )
    {
        var diagnostics = result.Diagnostics.Where(d => d.StopsGeneration).ToList();
        if (result.Spec is not { } spec)
        {
            return new EmitResult(EquatableArray<GeneratedFile>.Empty, diagnostics.ToEquatableArray());
        }

        var fullName = spec.Namespace + "." + spec.ClientName;
        var owner = names.Where(n => n.FullName == fullName).Select(n => n.Path).OrderBy(p => p, StringComparer.Ordinal).First();
        if (owner != result.Path)
        {
            diagnostics.Add(
                DiagnosticInfo.Create(
                    DiagnosticDescriptors.IdentifierCollision,
                    LocationInfo.WholeFile(result.Path),
                    System.IO.Path.GetFileName(owner),
                    System.IO.Path.GetFileName(result.Path),
                    fullName,
                    "nothing (set a different slug, or the TypedConnectorsNamespace / TypedConnectorsClientName item metadata)"
                )
            );
            return new EmitResult(EquatableArray<GeneratedFile>.Empty, diagnostics.ToEquatableArray());
        }

        if (spec.IsMcp && !settings.HasMcpSdk)
        {
            diagnostics.Add(
                DiagnosticInfo.Create(
                    DiagnosticDescriptors.McpSdkNotReferenced,
                    LocationInfo.WholeFile(result.Path),
                    spec.DisplayName ?? spec.Name
                )
            );
        }

        // Still emitted without an implementation, so the interface to implement shows up in the IDE.
        var customAuthInterface = spec.Names.CustomAuthInterface;
        if (CustomAuthDiscovery.Find(customAuth, spec.Namespace, customAuthInterface) is null)
        {
            foreach (var method in spec.AuthMethods.Where(m => m.Kind == AuthKind.Custom))
            {
                diagnostics.Add(
                    DiagnosticInfo.Create(
                        DiagnosticDescriptors.CustomAuthNotImplemented,
                        method.TypeLocation ?? LocationInfo.WholeFile(result.Path),
                        spec.DisplayName ?? spec.Name,
                        method.Key,
                        spec.Namespace + "." + customAuthInterface
                    )
                );
            }
        }

        try
        {
            var files = ConnectorEmitter.Emit(spec, settings, fullName, cancellationToken, customAuth).ToEquatableArray();
            return new EmitResult(files, diagnostics.ToEquatableArray());
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            diagnostics.Add(
                DiagnosticInfo.Create(
                    DiagnosticDescriptors.InternalError,
                    LocationInfo.WholeFile(result.Path),
                    System.IO.Path.GetFileName(result.Path),
                    ex.GetType().FullName ?? "Exception",
                    ex.Message
                )
            );
            return new EmitResult(EquatableArray<GeneratedFile>.Empty, diagnostics.ToEquatableArray());
        }
    }
}

internal sealed record ClientNameEntry(string Path, string FullName);

/// <summary>An input with what a cheap look at its text found: whether it refers to other files, and which document it overlays.</summary>
internal sealed record ScannedInput(ConnectorInput Input, bool NeedsDocuments, string ReferencedDocument);

/// <summary>An input with the project's documents when it refers to other files (null otherwise).</summary>
internal sealed record InputWithDocuments(ConnectorInput Input, DocumentSet? Documents);

internal sealed record EmitResult(EquatableArray<GeneratedFile> Files, EquatableArray<DiagnosticInfo> Diagnostics);
