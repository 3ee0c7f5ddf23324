using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TypedConnectors.Generator;
using TypedConnectors.Testing;

namespace TypedConnectors.Diagnostics.Tests;

/// <summary>Who reported a diagnostic.</summary>
public enum Reporter
{
    Generator,
    Analyzer,
}

/// <summary>A reported diagnostic as a user sees it: id, effective severity and a 1-based line/column span.</summary>
public sealed record Reported(
    string Id,
    DiagnosticSeverity Severity,
    string Path,
    int Line,
    int Column,
    int EndLine,
    int EndColumn,
    string Message,
    Reporter Reporter
)
{
    public string Span => "(" + Line + "," + Column + ")-(" + EndLine + "," + EndColumn + ")";

    public static Reported From(Diagnostic diagnostic, Reporter reporter)
    {
        var span = diagnostic.Location.GetLineSpan();
        return new Reported(
            diagnostic.Id,
            diagnostic.Severity,
            span.Path,
            span.StartLinePosition.Line + 1,
            span.StartLinePosition.Character + 1,
            span.EndLinePosition.Line + 1,
            span.EndLinePosition.Character + 1,
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            reporter
        );
    }

    public override string ToString() =>
        Path + Span + ": " + Severity.ToString().ToLowerInvariant() + " " + Id + " [" + Reporter + "]: " + Message;
}

/// <summary>What the generator and the analyzer together report for a set of connector files, as in a real build.</summary>
public sealed record DiagnosticsRun(
    GeneratorRun Generation,
    ImmutableArray<Reported> Diagnostics,
    ImmutableArray<Exception> AnalyzerExceptions
)
{
    public ImmutableArray<Diagnostic> CompileDiagnostics => Generation.CompileDiagnostics;

    public ImmutableArray<GeneratedSourceResult> Sources => Generation.Sources;

    public override string ToString() => string.Join("\n", Diagnostics);

    /// <summary>
    /// Runs the generator (CSharpGeneratorDriver) and the analyzer (CompilationWithAnalyzers, files as AdditionalTexts)
    /// on the same files. <paramref name="globalConfig"/> is the text of a .globalconfig / editorconfig-style severity
    /// configuration (<c>dotnet_diagnostic.TC0005.severity = error</c>), applied the way csc applies it.
    /// </summary>
    public static DiagnosticsRun Of(IEnumerable<InputFile> files, string? globalConfig = null, string rootNamespace = "TestApp")
    {
        var list = files.ToList();
        var generation = GeneratorHarness.Run(list, rootNamespace);
        var severities = SeverityConfig.Parse(globalConfig);

        var generatorDiagnostics = generation
            .GeneratorDiagnostics.Select(d => severities.Apply(d))
            .OfType<Diagnostic>()
            .Select(d => Reported.From(d, Reporter.Generator));

        var (analyzerDiagnostics, exceptions) = RunAnalyzer(list, severities, rootNamespace);
        var all = generatorDiagnostics
            .Concat(analyzerDiagnostics.Select(d => Reported.From(d, Reporter.Analyzer)))
            .OrderBy(d => d.Path, StringComparer.Ordinal)
            .ThenBy(d => d.Line)
            .ThenBy(d => d.Column)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
        return new DiagnosticsRun(generation, all, exceptions);
    }

    public static DiagnosticsRun Of(params InputFile[] files) => Of((IEnumerable<InputFile>)files);

    /// <summary>The analyzer alone, through CompilationWithAnalyzers, with the files as AdditionalTexts.</summary>
    public static (ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<Exception> Exceptions) RunAnalyzer(
        IReadOnlyList<InputFile> files,
        SeverityConfig? severities = null,
        string rootNamespace = "TestApp",
        CancellationToken cancellationToken = default
    )
    {
        severities ??= SeverityConfig.Parse(null);
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        compilation = compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(severities));
        var texts = files.Select(f => (AdditionalText)new TestAdditionalText(f.Path, f.Text)).ToImmutableArray();
        var options = new AnalyzerOptions(texts, new TestOptionsProvider(rootNamespace, files));
        var exceptions = new List<Exception>();
        var withAnalyzers = compilation.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new ConnectorAnalyzer()),
            new CompilationWithAnalyzersOptions(
                options,
                (ex, _, _) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add(ex);
                    }
                },
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false
            )
        );
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).GetAwaiter().GetResult();
        return (diagnostics, exceptions.ToImmutableArray());
    }
}

public sealed class TestAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>
/// Diagnostic severities from a global analyzer config, applied as csc applies them: diagnostics located in
/// AdditionalFiles have no syntax tree, so the global (<c>is_global = true</c>) options are what configure them.
/// </summary>
public sealed class SeverityConfig : SyntaxTreeOptionsProvider
{
    private readonly ImmutableDictionary<string, ReportDiagnostic> _global;

    private SeverityConfig(ImmutableDictionary<string, ReportDiagnostic> global) => _global = global;

    public static SeverityConfig Parse(string? globalConfig)
    {
        if (string.IsNullOrEmpty(globalConfig))
        {
            return new SeverityConfig(ImmutableDictionary<string, ReportDiagnostic>.Empty);
        }

        var text = globalConfig.Contains("is_global", StringComparison.Ordinal) ? globalConfig : "is_global = true\n" + globalConfig;
        var config = AnalyzerConfig.Parse(text, "/project/.globalconfig");
        var set = AnalyzerConfigSet.Create(ImmutableArray.Create(config), out var configDiagnostics);
        Assert.Empty(configDiagnostics);
        return new SeverityConfig(set.GlobalConfigOptions.TreeOptions);
    }

    /// <summary>The diagnostic with its configured severity, or null when configured to none.</summary>
    public Diagnostic? Apply(Diagnostic diagnostic)
    {
        if (!_global.TryGetValue(diagnostic.Id, out var report))
        {
            return diagnostic;
        }

        var severity = report switch
        {
            ReportDiagnostic.Suppress => (DiagnosticSeverity?)null,
            ReportDiagnostic.Error => DiagnosticSeverity.Error,
            ReportDiagnostic.Warn => DiagnosticSeverity.Warning,
            ReportDiagnostic.Info => DiagnosticSeverity.Info,
            ReportDiagnostic.Hidden => DiagnosticSeverity.Hidden,
            _ => diagnostic.Severity,
        };
        return severity is not { } effective
            ? null
            : Diagnostic.Create(
                diagnostic.Id,
                diagnostic.Descriptor.Category,
                diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
                effective,
                diagnostic.DefaultSeverity,
                diagnostic.Descriptor.IsEnabledByDefault,
                effective == DiagnosticSeverity.Error ? 0 : 1,
                location: diagnostic.Location
            );
    }

    public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

    public override bool TryGetDiagnosticValue(
        SyntaxTree tree,
        string diagnosticId,
        CancellationToken cancellationToken,
        out ReportDiagnostic severity
    )
    {
        severity = ReportDiagnostic.Default;
        return false;
    }

    public override bool TryGetGlobalDiagnosticValue(
        string diagnosticId,
        CancellationToken cancellationToken,
        out ReportDiagnostic severity
    ) => _global.TryGetValue(diagnosticId, out severity);
}
