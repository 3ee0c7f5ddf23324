using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;
using Xunit.Abstractions;

namespace OpenApiTests;

/// <summary>Every document of the dev corpus generates a client that compiles, with one method per operation.</summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (var name in Corpus.FileNames())
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void The_corpus_holds_the_forty_documents() => Assert.Equal(40, Corpus.FileNames().Count());

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_generates_a_compiling_client_with_one_method_per_operation(string fileName)
    {
        var text = Corpus.Text(fileName);
        var run = OpenApiRun.Generate("/project/specs/" + fileName, text);

        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        var compileErrors = run.CompileDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(compileErrors.Count == 0, string.Join("\n", compileErrors.Take(20)));

        var operations = Corpus.Operations(fileName);
        var methods = OpenApiRun.ClientMethods(run);
        Assert.Equal(operations.Count, methods.Count);

        var warnings = OpenApiRun.Read("/project/specs/" + fileName, text).Where(d => !d.StopsGeneration).ToList();
        output.WriteLine(
            fileName
                + ": "
                + operations.Count
                + " operations, "
                + run.CompileDiagnostics.Length
                + " compiler warnings, "
                + warnings.Count
                + " document warnings ("
                + string.Join(
                    ", ",
                    warnings.GroupBy(w => w.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key + "×" + g.Count())
                )
                + ")"
        );
        foreach (var warning in warnings.Take(10))
        {
            output.WriteLine(
                "  "
                    + warning.Id
                    + " "
                    + (warning.Location.StartLine + 1)
                    + ":"
                    + (warning.Location.StartColumn + 1)
                    + " "
                    + string.Join(" | ", warning.Arguments)
            );
        }

        Assert.True(run.CompileDiagnostics.Length == 0, string.Join("\n", run.CompileDiagnostics.Take(20)));
    }
}
