using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;
using TypedConnectors.Generator.Reading.OpenApi;

namespace TypedConnectors.Generator;

/// <summary>
/// Live feedback on connector files: runs the generator's reading and validation on every connector AdditionalFile
/// (on the tree the generator parsed, see Reading/DocTrees.cs) and reports what the generator leaves out, with
/// Microsoft.OpenApi's findings on OpenAPI documents (unless <c>TypedConnectorsOpenApiValidation</c> is false). The generator reports what stops generation (errors) and what only
/// emission can know (names clashing across files, the compilation's references); this analyzer every other warning
/// of the file — also when the file has errors, since reading goes on to the end — so one build shows every problem
/// once.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConnectorAnalyzer : DiagnosticAnalyzer
{
    // The internal error is the one error the analyzer may report: a failure in its own code, outside the shared reading.
    private static readonly ImmutableArray<DiagnosticDescriptor> Supported = DiagnosticDescriptors
        .Every.Where(d => d.DefaultSeverity != DiagnosticSeverity.Error || d.Id == DiagnosticDescriptors.InternalError.Id)
        .ToImmutableArray();

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Supported;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // What the generator learns from all files together (which documents connector files overlay, the documents
            // references may name) is worked out once per compilation, when the first file needs it.
            var project = new ProjectFiles(start.Options);
            start.RegisterAdditionalFileAction(file => AnalyzeFile(file, project));
        });
    }

    private static void AnalyzeFile(AdditionalFileAnalysisContext context, ProjectFiles project)
    {
        var file = context.AdditionalFile;
        try
        {
            foreach (var diagnostic in Analyze(file, context.Options.AnalyzerConfigOptionsProvider, project, context.CancellationToken))
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.ReportDiagnostic(
                DiagnosticInfo
                    .Create(
                        DiagnosticDescriptors.InternalError,
                        LocationInfo.WholeFile(file.Path),
                        System.IO.Path.GetFileName(file.Path),
                        ex.GetType().FullName ?? "Exception",
                        ex.Message
                    )
                    .ToDiagnostic()
            );
        }
    }

    /// <summary>The diagnostics of one file that belong to the analyzer: everything that does not stop generation.</summary>
    private static IEnumerable<DiagnosticInfo> Analyze(
        AdditionalText file,
        AnalyzerConfigOptionsProvider options,
        ProjectFiles project,
        CancellationToken cancellationToken
    )
    {
        if (
            ConnectorInputs.Create(file, options.GetOptions(file), cancellationToken) is not { } input
            || ConnectorGenerator.IsOverlaid(input, project.Referenced(cancellationToken))
        )
        {
            return Enumerable.Empty<DiagnosticInfo>();
        }

        // Only the namespace influences diagnostics (through the names the binder assigns); the HTTP/DI flags only steer emission.
        var rootNamespace = options.GlobalOptions.TryGetValue(ConnectorInputs.RootNamespaceProperty, out var ns) ? ns.Trim() : "";
        var documents = ReferenceScan.MayReferenceOtherFiles(input) ? project.Documents(cancellationToken) : null;
        // The text was parsed by the generator already in this compiler process (Reading/DocTrees.cs): this reuses its tree.
        var result = ConnectorPipeline.Run(
            input,
            new GeneratorSettings(rootNamespace, false, false),
            cancellationToken,
            documents,
            ConnectorInputs.OpenApiValidation(options.GlobalOptions)
        );
        return result.Diagnostics.Where(d => !d.StopsGeneration);
    }

    /// <summary>The generator's cross-file inputs, computed on first use; a cancelled computation is redone by the next caller.</summary>
    private sealed class ProjectFiles(AnalyzerOptions options)
    {
        private readonly object _gate = new();
        private EquatableArray<string>? _referenced;
        private DocumentSet? _documents;

        public EquatableArray<string> Referenced(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                return _referenced ??= options
                    .AdditionalFiles.Select(f =>
                        ConnectorInputs.Create(f, options.AnalyzerConfigOptionsProvider.GetOptions(f), cancellationToken)
                    )
                    .Select(i => i is null ? null : ReferenceScan.ReferencedDocument(i))
                    .OfType<string>()
                    .Where(p => p.Length > 0)
                    .Distinct()
                    .OrderBy(p => p, StringComparer.Ordinal)
                    .ToEquatableArray();
            }
        }

        public DocumentSet Documents(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                return _documents ??= DocumentSet.Create(
                    options
                        .AdditionalFiles.Where(t => ConnectorInputs.IsDocumentFileName(t.Path))
                        .Select(t => new DocumentText(t.Path, t.GetText(cancellationToken)?.ToString() ?? ""))
                );
            }
        }
    }
}
