using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator;

/// <summary>
/// Live feedback on connector files: runs the generator's reading and validation on every connector AdditionalFile
/// and reports what the generator leaves out. The generator reports only what stops generation (errors), this
/// analyzer everything else, so no diagnostic appears twice in the error list.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConnectorAnalyzer : DiagnosticAnalyzer
{
    // The internal error is the one error the analyzer may report: a failure in its own code, outside the shared reading.
    private static readonly ImmutableArray<DiagnosticDescriptor> Supported = DiagnosticDescriptors.Every
        .Where(d => d.DefaultSeverity != DiagnosticSeverity.Error || d.Id == DiagnosticDescriptors.InternalError.Id)
        .ToImmutableArray();

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Supported;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterAdditionalFileAction(AnalyzeFile);
    }

    private static void AnalyzeFile(AdditionalFileAnalysisContext context)
    {
        var file = context.AdditionalFile;
        try
        {
            foreach (var diagnostic in Analyze(file, context.Options.AnalyzerConfigOptionsProvider, context.CancellationToken, context.Options.AdditionalFiles))
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, LocationInfo.WholeFile(file.Path), System.IO.Path.GetFileName(file.Path), ex.GetType().FullName ?? "Exception", ex.Message).ToDiagnostic());
        }
    }

    /// <summary>The diagnostics of one file that belong to the analyzer: everything that does not stop generation.</summary>
    internal static IEnumerable<DiagnosticInfo> Analyze(AdditionalText file, AnalyzerConfigOptionsProvider options, CancellationToken cancellationToken, IEnumerable<AdditionalText>? additionalFiles = null)
    {
        if (ConnectorInputs.Create(file, options.GetOptions(file), cancellationToken) is not { } input)
        {
            return Enumerable.Empty<DiagnosticInfo>();
        }

        // Only the namespace influences diagnostics (through the names the binder assigns); the HTTP/DI flags only steer emission.
        var rootNamespace = options.GlobalOptions.TryGetValue(ConnectorInputs.RootNamespaceProperty, out var ns) ? ns.Trim() : "";
        // A file that names other files (an OpenAPI document it overlays, an external $ref) is read with them; what is
        // found inside those files is reported when they are analysed themselves.
        var documents = additionalFiles is not null && Reading.OpenApi.ReferenceScan.MayReferenceOtherFiles(input)
            ? Reading.OpenApi.DocumentSet.Create(additionalFiles.Where(f => ConnectorInputs.IsDocumentFileName(f.Path)).Select(f => new Reading.OpenApi.DocumentText(f.Path, f.GetText(cancellationToken)?.ToString() ?? "")))
            : null;
        var result = ConnectorFileReader.Read(input, new GeneratorSettings(rootNamespace, false, false), cancellationToken, documents);
        return result.Diagnostics.Where(d => !d.StopsGeneration && d.Location.FilePath == file.Path);
    }
}
