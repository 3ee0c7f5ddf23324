using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OpenApiTests.Infrastructure;
using Xunit.Abstractions;

namespace OpenApiTests;

/// <summary>
/// How much code the generator emits per operation over the dev corpus: the per-document ratio of generated lines
/// (all sources: client, models, connection) to operations, and its median across documents; then the same lines split
/// by what they declare (interface, client, connection, models, JSON metadata, MCP, …) and how many are doc comments
/// or blank.
/// </summary>
/// <remarks>
/// Measured medians (lines per operation): 111 before raw-response twins and reflection-free JSON converters; 254.0 with
/// them (JSON metadata 137.9, models 37.0, client 26.5, interface 25.2, connection 8.3; doc comments 64.7 of them, blank
/// lines 25.9); 166.8 once model converters read and write through the runtime's ConnectorJsonShape; 119.7 with
/// one-line docs, the twin inheriting the plain method's docs, one-line members and the enum converter base (JSON
/// metadata 52.0, interface 15.0, client 21.3, records 18.1; doc comments 34.7, blank lines 11.8).
/// </remarks>
public sealed class GeneratedSizeTests(ITestOutputHelper output)
{
    private const string Overhead = "file overhead";

    private static readonly Regex Identity = new(@"is \{ \} (\w+) \? \1 :", RegexOptions.CultureInvariant);

    /// <summary>A literal true/false passed positionally (attribute arguments such as NotNullWhen(true) aside).</summary>
    private static readonly Regex UnlabelledBoolean = new(@"(?<!NotNullWhen)[(,] ?(true|false)\s*[,)]", RegexOptions.CultureInvariant);

    [Fact]
    public void Median_generated_lines_per_operation_over_the_dev_corpus()
    {
        var ratios = new List<(string Document, int Operations, int Lines, double Ratio, Dictionary<string, int> Split)>();
        foreach (var name in Corpus.FileNames())
        {
            var operations = Corpus.Operations(name).Count;
            if (operations == 0)
            {
                continue;
            }

            var run = OpenApiRun.Generate("/project/specs/" + name, Corpus.Text(name));
            var lines = run.Sources.Sum(s => s.SourceText.Lines.Count);

            // Every contract a call site asks for was named by the binder (a fallback contract is internal and unnamed).
            Assert.All(run.Sources, s => Assert.DoesNotContain("__TypeInfo", s.SourceText.ToString(), StringComparison.Ordinal));

            // Thin also means no identity expressions (x is { } v ? v : …) and no unlabelled boolean arguments.
            foreach (var source in run.Sources)
            {
                var text = source.SourceText.ToString();
                Assert.False(Identity.IsMatch(text), name + ": " + Identity.Match(text).Value);
                Assert.False(UnlabelledBoolean.IsMatch(text), name + ": " + UnlabelledBoolean.Match(text).Value);
            }
            ratios.Add((name, operations, lines, (double)lines / operations, Split(run.Sources)));
        }

        foreach (var (document, operations, lines, ratio, _) in ratios.OrderBy(r => r.Ratio))
        {
            output.WriteLine($"{ratio, 8:0.0} lines/op  {operations, 5} ops  {lines, 7} lines  {document}");
        }

        var sorted = ratios.Select(r => r.Ratio).Order().ToList();
        var median = Median(sorted);
        output.WriteLine("");
        output.WriteLine("split (median over documents of lines/op; corpus total lines / total ops):");
        var kinds = ratios.SelectMany(r => r.Split.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToList();
        var totalOperations = ratios.Sum(r => r.Operations);
        foreach (var kind in kinds)
        {
            var perOp = ratios.Select(r => (double)r.Split.GetValueOrDefault(kind) / r.Operations).Order().ToList();
            var total = ratios.Sum(r => r.Split.GetValueOrDefault(kind));
            output.WriteLine($"  {kind, -22} median {Median(perOp), 7:0.0}   total {(double)total / totalOperations, 7:0.0}");
        }

        output.WriteLine($"median generated lines per operation over {sorted.Count} documents: {median:0.0}");
        Console.WriteLine($"[generated size] median generated lines per operation over {sorted.Count} dev-corpus documents: {median:0.0}");
        Assert.NotEmpty(sorted);
        Assert.All(ratios, r => Assert.True(r.Lines > r.Operations, r.Document + " generated almost nothing"));
        Assert.All(
            ratios,
            r => Assert.Equal(r.Lines, r.Split.Where(p => !p.Key.StartsWith("(", StringComparison.Ordinal)).Sum(p => p.Value))
        );
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>
    /// Lines per kind of declaration: each top-level type of a generated file counts as what it declares, lines outside
    /// them as file overhead; "(doc comments)" and "(blank)" cut across the kinds and are not part of the sum.
    /// </summary>
    private static Dictionary<string, int> Split(IEnumerable<GeneratedSourceResult> sources)
    {
        var split = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string kind, int count) => split[kind] = split.GetValueOrDefault(kind) + count;
        foreach (var source in sources)
        {
            var text = source.SourceText;
            var kinds = new string?[text.Lines.Count];
            var root = source.SyntaxTree.GetRoot();
            foreach (var type in root.DescendantNodes(n => n is not TypeDeclarationSyntax).OfType<BaseTypeDeclarationSyntax>())
            {
                var span = text.Lines.GetLinePositionSpan(type.FullSpan);
                var kind = Kind(source.HintName, type);
                for (var line = span.Start.Line; line <= Math.Min(span.End.Line, kinds.Length - 1); line++)
                {
                    kinds[line] ??= kind;
                }
            }

            for (var line = 0; line < kinds.Length; line++)
            {
                Add(kinds[line] ?? Overhead, 1);
                var trimmed = text.Lines[line].ToString().Trim();
                if (trimmed.StartsWith("///", StringComparison.Ordinal))
                {
                    Add("(doc comments)", 1);
                }
                else if (trimmed.Length == 0)
                {
                    Add("(blank)", 1);
                }
            }
        }

        return split;
    }

    private static string Kind(string hintName, BaseTypeDeclarationSyntax type)
    {
        var name = type.Identifier.ValueText;
        var bases = type.BaseList?.Types.Select(t => t.ToString()).ToList() ?? [];
        return hintName switch
        {
            _ when hintName.EndsWith(".Json.g.cs", StringComparison.Ordinal) => "json metadata",
            _ when hintName.EndsWith(".Mcp.g.cs", StringComparison.Ordinal) => "mcp",
            _ when hintName.EndsWith(".Models.g.cs", StringComparison.Ordinal) => type is ClassDeclarationSyntax { } c
            && c.Modifiers.Any(m => m.ValueText == "static")
                ? "models: enum wire text"
            : type is EnumDeclarationSyntax ? "models: enums"
            : "models: records",
            _ when type is InterfaceDeclarationSyntax => "interface",
            _ when bases.Any(b => b.Contains("ConnectorConnection", StringComparison.Ordinal)) => "connection",
            _ when bases.Any(b =>
                    b.Contains("ConnectorClient", StringComparison.Ordinal) || b.Contains("ConnectorOperations", StringComparison.Ordinal)
                ) => "client",
            _ when name.EndsWith("Extensions", StringComparison.Ordinal) => "DI extensions",
            _ => "other: " + name,
        };
    }
}
