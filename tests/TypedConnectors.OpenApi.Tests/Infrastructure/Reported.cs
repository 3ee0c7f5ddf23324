using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedConnectors.Generator;
using TypedConnectors.Testing;

namespace OpenApiTests.Infrastructure;

/// <summary>A diagnostic as a user sees it: id, severity, file name and 1-based line and column.</summary>
public sealed record Reported(string Id, DiagnosticSeverity Severity, string File, int Line, int Column, string Message)
{
    public override string ToString() =>
        File + "(" + Line + "," + Column + "): " + Severity.ToString().ToLowerInvariant() + " " + Id + ": " + Message;

    public static Reported From(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        return new Reported(
            diagnostic.Id,
            diagnostic.Severity,
            Path.GetFileName(span.Path),
            span.StartLinePosition.Line + 1,
            span.StartLinePosition.Character + 1,
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)
        );
    }

    /// <summary>
    /// What a build reports for these files: the generator's errors (through CSharpGeneratorDriver) and the analyzer's
    /// warnings (through CompilationWithAnalyzers, the files as AdditionalTexts), in file and position order.
    /// </summary>
    public static ImmutableArray<Reported> Of(params InputFile[] files)
    {
        var generation = GeneratorHarness.Run(files);
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        var texts = files.Select(f => (AdditionalText)new GeneratorHarness.InMemoryAdditionalText(f.Path, f.Text)).ToImmutableArray();
        var analyzers = compilation.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new ConnectorAnalyzer()),
            new AnalyzerOptions(texts, new Options())
        );
        var analyzed = analyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        return generation
            .GeneratorDiagnostics.Concat(analyzed)
            .Select(From)
            .OrderBy(r => r.File, StringComparer.Ordinal)
            .ThenBy(r => r.Line)
            .ThenBy(r => r.Column)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToImmutableArray();
    }

    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } =
            new Values(new Dictionary<string, string> { ["build_property.RootNamespace"] = "TestApp" });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Values(new Dictionary<string, string>());
    }

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
