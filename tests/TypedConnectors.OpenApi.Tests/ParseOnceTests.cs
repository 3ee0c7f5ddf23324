using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Tracing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using OpenApiTests.Infrastructure;
using TypedConnectors.Generator;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>
/// A build runs the generator and then the analyzer in one compiler process; each document's text is parsed once between
/// them (the <c>TypedConnectors-Generator</c> event source's <c>DocumentParsed</c> events count the parses), and parsed
/// again when it changes.
/// </summary>
public sealed class ParseOnceTests
{
    private const string Linode = "apisguru__linode.com__openapi.yaml";
    private const string Box = "apisguru__box.com__openapi.yaml";

    [Fact]
    public void Generator_and_analyzer_parse_each_large_document_once_and_an_edited_one_again()
    {
        // Paths of this test only: other tests of the process parse the same corpus documents under other paths.
        var folder = "/parse-once/" + Guid.NewGuid().ToString("N") + "/";
        var files = new[]
        {
            new InputFile(folder + "linode.openapi.yaml", Corpus.Text(Linode)),
            new InputFile(folder + "box.openapi.yaml", Corpus.Text(Box)),
        };
        using var parses = new ParseCounter(folder);

        var driver = GeneratorHarness.CreateDriver(files, "TestApp", out var texts);
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        var first = GeneratorHarness.RunDriver(driver, compilation);
        var analyzed = Analyze(compilation, texts, new TestOptionsProvider("TestApp", files));

        Assert.Contains(first.Sources, s => s.HintName.Contains("Linode", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(first.Sources, s => s.HintName.Contains("Box", StringComparison.OrdinalIgnoreCase));
        // The analyzer did its work (warnings of its own reading of linode) on the generator's trees.
        Assert.Contains(analyzed, d => d.Location.GetLineSpan().Path == files[0].Path);
        Assert.Equal(1, parses.Of(files[0].Path));
        Assert.Equal(1, parses.Of(files[1].Path));

        // The next build, after an edit of one document: that one is parsed again (by the generator; the analyzer reuses
        // it), the other one not at all.
        var edited = new InputFile(files[0].Path, files[0].Text.Replace("\n  title: Linode\n", "\n  title: Linode Edited\n"));
        Assert.NotEqual(files[0].Text, edited.Text);
        var editedText = new GeneratorHarness.InMemoryAdditionalText(edited.Path, edited.Text);
        var second = GeneratorHarness.RunDriver(first.Driver.ReplaceAdditionalText(texts[0], editedText), compilation);
        Analyze(
            compilation,
            ImmutableArray.Create<AdditionalText>(editedText, texts[1]),
            new TestOptionsProvider("TestApp", new[] { edited, files[1] })
        );

        Assert.Contains("Linode Edited", string.Join("\n", second.Sources.Select(s => s.SourceText.ToString())), StringComparison.Ordinal);
        Assert.Equal(2, parses.Of(files[0].Path));
        Assert.Equal(1, parses.Of(files[1].Path));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("true", true)]
    [InlineData(" False ", false)]
    public void Microsoft_openapi_findings_come_from_the_analyzer_unless_the_property_turns_them_off(string? property, bool reported)
    {
        var file = new InputFile(
            "/p/" + Guid.NewGuid().ToString("N") + "/untitled.openapi.yaml",
            """
            openapi: 3.0.0
            info:
              description: no title, no version
            paths: {}
            components:
              schemas:
                'Page[Item]':
                  type: object
            """
        );
        var generation = GeneratorHarness.Run(new[] { file });
        var texts = ImmutableArray.Create<AdditionalText>(new GeneratorHarness.InMemoryAdditionalText(file.Path, file.Text));
        var globals = new Dictionary<string, string> { ["build_property.RootNamespace"] = "TestApp" };
        if (property is not null)
        {
            globals["build_property.TypedConnectorsOpenApiValidation"] = property;
        }

        var analyzed = Analyze(GeneratorHarness.CreateCompilation("", withHttpClientFactory: false), texts, new Globals(globals));

        static bool Theirs(Diagnostic d) => d.Id == "TC0031" && d.GetMessage().Contains("'Page[Item]'", StringComparison.Ordinal);
        Assert.NotEmpty(generation.Sources);
        Assert.DoesNotContain(generation.GeneratorDiagnostics, Theirs);
        Assert.Equal(reported, analyzed.Any(Theirs));
    }

    private static ImmutableArray<Diagnostic> Analyze(
        Compilation compilation,
        ImmutableArray<AdditionalText> texts,
        AnalyzerConfigOptionsProvider options
    ) =>
        compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ConnectorAnalyzer()), new AnalyzerOptions(texts, options))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None)
            .GetAwaiter()
            .GetResult();

    /// <summary>Counts the generator's <c>DocumentParsed</c> events for paths under one folder.</summary>
    private sealed class ParseCounter(string folder) : EventListener
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

        public int Of(string path) => _counts.TryGetValue(path, out var count) ? count : 0;

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "TypedConnectors-Generator")
            {
                EnableEvents(eventSource, EventLevel.Informational);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (
                eventData.EventName == "DocumentParsed"
                && eventData.Payload is [string path, ..]
                && path.StartsWith(folder, StringComparison.Ordinal)
            )
            {
                _counts.AddOrUpdate(path, 1, (_, count) => count + 1);
            }
        }
    }

    private sealed class Globals(Dictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(values);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Values(new Dictionary<string, string>());
    }

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
