using OpenApiTests.Infrastructure;
using Xunit.Abstractions;

namespace OpenApiTests;

/// <summary>
/// How much code the generator emits per operation over the dev corpus: the per-document ratio of generated lines
/// (all sources: client, models, connection) to operations, and its median across documents.
/// </summary>
public sealed class GeneratedSizeTests(ITestOutputHelper output)
{
    [Fact]
    public void Median_generated_lines_per_operation_over_the_dev_corpus()
    {
        var ratios = new List<(string Document, int Operations, int Lines, double Ratio)>();
        foreach (var name in Corpus.FileNames())
        {
            var operations = Corpus.Operations(name).Count;
            if (operations == 0)
            {
                continue;
            }

            var run = OpenApiRun.Generate("/project/specs/" + name, Corpus.Text(name));
            var lines = run.Sources.Sum(s => s.SourceText.Lines.Count);
            ratios.Add((name, operations, lines, (double)lines / operations));
        }

        foreach (var (document, operations, lines, ratio) in ratios.OrderBy(r => r.Ratio))
        {
            output.WriteLine($"{ratio, 8:0.0} lines/op  {operations, 5} ops  {lines, 7} lines  {document}");
        }

        var sorted = ratios.Select(r => r.Ratio).Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        output.WriteLine($"median generated lines per operation over {sorted.Count} documents: {median:0.0}");
        Console.WriteLine($"[generated size] median generated lines per operation over {sorted.Count} dev-corpus documents: {median:0.0}");
        Assert.NotEmpty(sorted);
        Assert.All(ratios, r => Assert.True(r.Lines > r.Operations, r.Document + " generated almost nothing"));
    }
}
