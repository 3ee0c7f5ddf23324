using System.Collections.Immutable;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Microsoft.OpenApi.Reader;
using TypedConnectors.Generator;
using YamlDotNet.RepresentationModel;

namespace TypedConnectors.Benchmarks;

/// <summary>
/// Full generation (CSharpGeneratorDriver running the generator over one OpenAPI document from scratch: YAML/JSON
/// reading into a positioned tree, mapping, validation, binding and emission; Microsoft.OpenApi's validation is the
/// analyzer's, not the generator's) against Microsoft.OpenApi's parse of the same document alone (for YAML: YamlDotNet's
/// representation model to JSON nodes, then OpenApiJsonReader).
/// </summary>
/// <remarks>
/// The generator keeps parsed trees in a process-wide cache (Reading/DocTrees.cs) so the analyzer and the next build reuse
/// them; every invocation here empties it first, so each one parses the document.
/// </remarks>
[MemoryDiagnoser]
public class GenerationBenchmarks
{
    private string _text = "";
    private string _path = "";
    private CSharpCompilation _compilation = null!;

    [Params(Documents.Linode, Documents.Synthetic)]
    public string Document { get; set; } = Documents.Linode;

    [GlobalSetup]
    public void Setup()
    {
        _text = Documents.Text(Document);
        // Named as a user names OpenAPI documents, so the generator recognises it without item metadata.
        _path = "/bench/" + (Document == Documents.Linode ? "linode.openapi.yaml" : Document);
        _compilation = CSharpCompilation.Create(
            "Bench",
            references: new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) },
            options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
        );
        var generated = Generate();
        if (generated.GeneratedTrees.Length == 0 || generated.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            throw new InvalidOperationException(
                "The generator produced no client for " + Document + ": " + string.Join("; ", generated.Diagnostics)
            );
        }

        Console.WriteLine(
            "// "
                + Document
                + ": "
                + (_text.Length / 1024)
                + " KB, "
                + generated.GeneratedTrees.Sum(t => t.Length) / 1024
                + " KB of C# generated"
        );
    }

    [Benchmark(Baseline = true, Description = "Microsoft.OpenApi parse")]
    public object? MicrosoftOpenApiParse()
    {
        JsonNode? node;
        if (_path.EndsWith(".json", StringComparison.Ordinal))
        {
            node = JsonNode.Parse(_text);
        }
        else
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(_text));
            node = ToJson(stream.Documents[0].RootNode);
        }

        return new OpenApiJsonReader().Read(node!, new Uri("https://bench.invalid/doc"), new OpenApiReaderSettings()).Document;
    }

    [Benchmark(Description = "Full generation")]
    public GeneratorDriverRunResult FullGeneration()
    {
        Generator.Reading.DocTrees.Clear();
        return Generate();
    }

    /// <summary>
    /// <c>-- dump DIR</c>: every generated source for every document of the dev corpus and the seed examples, and for the
    /// synthetic document, written under DIR/&lt;document&gt;/ so two builds of the generator can be compared with
    /// <c>diff -r</c> (a change meant to make generation faster must not change what it generates).
    /// </summary>
    internal static void Dump(string directory)
    {
        var corpus = Documents.CorpusDirectory();
        var seeds = Path.Combine(corpus, "..", "..", "..", "seed-examples");
        var inputs = Directory
            .EnumerateFiles(corpus)
            .Concat(Directory.Exists(seeds) ? Directory.EnumerateFiles(seeds) : [])
            .Where(f => !f.EndsWith(".tsv", StringComparison.Ordinal) && !f.EndsWith(".md", StringComparison.Ordinal))
            .Select(f => (Name: Path.GetFileName(f), Path: ProjectPath(f, corpus), Text: File.ReadAllText(f)))
            .Append((Name: Documents.Synthetic, Path: "/bench/" + Documents.Synthetic, Text: Documents.Text(Documents.Synthetic)));
        var files = 0;
        foreach (var (name, path, text) in inputs)
        {
            var benchmark = new GenerationBenchmarks
            {
                _text = text,
                _path = path,
                _compilation = CSharpCompilation.Create(
                    "Bench",
                    references: new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) },
                    options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                ),
            };
            Generator.Reading.DocTrees.Clear();
            var result = benchmark.Generate();
            var target = Path.Combine(directory, name);
            Directory.CreateDirectory(target);
            foreach (var source in result.Results.SelectMany(r => r.GeneratedSources))
            {
                File.WriteAllText(Path.Combine(target, source.HintName), source.SourceText.ToString());
                files++;
            }

            File.WriteAllLines(
                Path.Combine(target, "diagnostics.txt"),
                result.Diagnostics.Select(d => d.ToString()).OrderBy(d => d, StringComparer.Ordinal)
            );
        }

        Console.WriteLine(files + " generated files written under " + directory);
    }

    /// <summary>A name the generator recognises without item metadata: corpus files as OpenAPI documents, seeds as connector files.</summary>
    private static string ProjectPath(string file, string corpus)
    {
        var name = Path.GetFileName(file);
        if (ConnectorNames.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
        {
            return "/bench/" + name;
        }

        var extension = Path.GetExtension(name);
        var stem = Path.GetFileNameWithoutExtension(name);
        return "/bench/" + stem + (Path.GetDirectoryName(file) == corpus ? ".openapi" : ".connector") + extension;
    }

    private static readonly string[] ConnectorNames =
    [
        ".openapi.json",
        ".openapi.yaml",
        ".swagger.json",
        ".swagger.yaml",
        ".connector.json",
    ];

    private GeneratorDriverRunResult Generate()
    {
        var driver = CSharpGeneratorDriver.Create(
            new[] { new ConnectorGenerator().AsSourceGenerator() },
            ImmutableArray.Create<AdditionalText>(new Text(_path, _text)),
            new CSharpParseOptions(LanguageVersion.CSharp12),
            new Options()
        );
        return driver.RunGenerators(_compilation).GetRunResult();
    }

    private static JsonNode? ToJson(YamlNode node) =>
        node switch
        {
            YamlMappingNode map => new JsonObject(
                map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))
            ),
            YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
            YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar => scalar.Value switch
            {
                "true" or "false" => JsonValue.Create(scalar.Value == "true"),
                null or "" or "~" or "null" => null,
                _ when decimal.TryParse(
                        scalar.Value,
                        System.Globalization.NumberStyles.Float,
                        System.Globalization.CultureInfo.InvariantCulture,
                        out var number
                    ) => JsonValue.Create(number),
                _ => JsonValue.Create(scalar.Value),
            },
            YamlScalarNode scalar => JsonValue.Create(scalar.Value),
            _ => null,
        };

    private sealed class Text(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values();

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values();

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Values();
    }

    private sealed class Values : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            value = key == "build_property.RootNamespace" ? "Bench" : null;
            return value is not null;
        }
    }
}
