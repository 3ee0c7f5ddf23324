using Microsoft.CodeAnalysis;
using TypedConnectors.Testing;

namespace TypedConnectors.Diagnostics.Tests;

/// <summary>
/// Connector text with the expected squiggle marked as <c>[|...|]</c> (an empty <c>[||]</c> marks a zero-length span),
/// so a test reads like the editor would show it and the expected line/column are computed, not hand-counted.
/// </summary>
public sealed record Markup(string Text, int Line, int Column, int EndLine, int EndColumn)
{
    public string Span => "(" + Line + "," + Column + ")-(" + EndLine + "," + EndColumn + ")";

    public static Markup Parse(string marked)
    {
        var start = marked.IndexOf("[|", StringComparison.Ordinal);
        var end = marked.IndexOf("|]", start + 2, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "the test text must mark the expected span with [| |]");
        Assert.Equal(-1, marked.IndexOf("[|", end, StringComparison.Ordinal));
        var text = marked.Substring(0, start) + marked.Substring(start + 2, end - start - 2) + marked.Substring(end + 2);
        var (line, column) = Position(text, start);
        var (endLine, endColumn) = Position(text, end - 2);
        return new Markup(text, line, column, endLine, endColumn);
    }

    /// <summary>1-based line and column of a character offset (lines end at \n, \r\n or \r, as the generator counts them).</summary>
    public static (int Line, int Column) Position(string text, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }
}

/// <summary>Runs connector files through the generator and the analyzer and checks one diagnostic's id, severity, reporter and span.</summary>
public static class Expect
{
    public const string Folder = "/project/Connectors/";

    public static InputFile File(string name, string text, IReadOnlyDictionary<string, string>? metadata = null) =>
        new(Folder + name, text, metadata);

    /// <summary>
    /// Asserts that the file produces exactly one <paramref name="id"/> diagnostic, at the marked span, with the given
    /// severity, reported by the generator when it is an error and by the analyzer otherwise; returns it.
    /// </summary>
    public static Reported Diagnostic(
        string marked,
        string id,
        DiagnosticSeverity severity,
        string fileName = "crm.connector.json",
        IReadOnlyDictionary<string, string>? metadata = null
    )
    {
        var markup = Markup.Parse(marked);
        var run = DiagnosticsRun.Of(File(fileName, markup.Text, metadata));
        return At(run, markup, id, severity, Folder + fileName);
    }

    public static Reported At(DiagnosticsRun run, Markup markup, string id, DiagnosticSeverity severity, string path)
    {
        Assert.Empty(run.AnalyzerExceptions);
        var matching = run.Diagnostics.Where(d => d.Id == id).ToList();
        var found = Assert.Single(matching);
        Assert.True(found.Span == markup.Span, "expected " + id + " at " + markup.Span + ", got:\n" + run);
        Assert.Equal(path, found.Path);
        Assert.Equal(severity, found.Severity);
        Assert.Equal(severity == DiagnosticSeverity.Error ? Reporter.Generator : Reporter.Analyzer, found.Reporter);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "TC0024");

        // One mistake, one entry in the error list: nothing else (say, a library's report of the same problem) at that spot.
        Assert.True(
            run.Diagnostics.Count(d => d.Path == found.Path && d.Span == found.Span) == 1,
            "more than one diagnostic at " + found.Span + ":\n" + run
        );
        return found;
    }
}
