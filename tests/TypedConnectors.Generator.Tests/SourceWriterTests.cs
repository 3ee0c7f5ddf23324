using System.Text;
using TypedConnectors.Generator.Emit;

namespace TypedConnectors.Generator.Tests;

/// <summary>
/// The writer keeps generated text in chunks (Latin-1 bytes, chars where a char is beyond U+00FF) and hands them to the
/// compiler as a SourceText: what comes out must be exactly what was written, across chunk boundaries and linked writers.
/// </summary>
public class SourceWriterTests
{
    [Fact]
    public void Text_is_what_was_written_across_chunks_of_both_kinds()
    {
        var writer = new SourceWriter();
        var expected = new StringBuilder();
        var random = new Random(7);
        string[] samples = { "public int X { get; init; }", "/// café – ünïcode ✓ 日本語", "\"quoted\" \\ tab\t", "", "é", "✓" };
        for (var i = 0; i < 20_000; i++)
        {
            var text = samples[random.Next(samples.Length)] + i;
            var nested = i % 3 > 0;
            if (nested)
            {
                writer.Open("{" + i);
                expected.Append('{').Append(i).Append("\n{\n");
            }

            var pad = nested ? "    " : "";
            if (i % 2 == 0)
            {
                writer.Line(text);
            }
            else
            {
                writer.Line($"{text}{i}{null}");
                text += i;
            }

            expected.Append(text.Length == 0 ? "" : pad).Append(text).Append('\n');
            if (nested)
            {
                writer.Close(";");
                expected.Append("};\n");
            }
        }

        var generated = writer.ToText();
        var want = expected.ToString();
        Assert.Equal(want.Length, generated.Length);
        Assert.Equal(want, generated.ToString());

        var source = generated.ToSourceText();
        Assert.Equal(want, source.ToString());
        Assert.Equal(Encoding.UTF8.WebName, source.Encoding!.WebName);
        for (var i = 0; i < want.Length; i += 997)
        {
            Assert.Equal(want[i], source[i]);
        }

        var span = new char[70_001];
        source.CopyTo(12_345, span, 1, 70_000);
        Assert.Equal(want.Substring(12_345, 70_000), new string(span, 1, 70_000));
        Assert.Equal(want.Substring(40_000, 5), source.ToString(new Microsoft.CodeAnalysis.Text.TextSpan(40_000, 5)));
    }

    [Fact]
    public void Empty_lines_are_not_indented_and_an_empty_interpolation_writes_no_indent()
    {
        var writer = new SourceWriter(indent: 2);
        writer.Line();
        writer.Line($"{""}{null}");
        writer.Line($"{"x"}");
        Assert.Equal("\n\n        x\n", writer.ToString());
    }

    [Fact]
    public void Appended_writers_are_linked_or_copied_with_the_same_result()
    {
        foreach (var size in new[] { 3, 50_000 })
        {
            var inner = new SourceWriter(indent: 1);
            var expected = new StringBuilder("// head\n");
            for (var i = 0; i < size; i++)
            {
                inner.Line("line " + i + (i % 1000 == 0 ? " ✓" : ""));
                expected.Append("    line ").Append(i).Append(i % 1000 == 0 ? " ✓" : "").Append('\n');
            }

            var outer = new SourceWriter();
            outer.Line("// head");
            outer.Append(inner);
            outer.Line("// tail");
            expected.Append("// tail\n");
            Assert.Equal(expected.ToString(), outer.ToText().ToString());
        }
    }

    [Fact]
    public void Texts_are_equal_by_content_whatever_their_chunks()
    {
        // The same text written in different pieces (and so with different chunk boundaries and kinds).
        var whole = new SourceWriter();
        var pieces = new SourceWriter();
        var other = new SourceWriter();
        var line = new string('a', 3000) + "✓" + new string('b', 5000);
        for (var i = 0; i < 40; i++)
        {
            whole.Line(line);
            pieces.Line($"{line.Substring(0, 1234)}{line.Substring(1234)}");
            other.Line(i == 39 ? line.Replace('b', 'c') : line);
        }

        var a = whole.ToText();
        var b = pieces.ToText();
        var c = other.ToText();
        Assert.True(a.Equals(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.Equals(c));
        Assert.Equal(new GeneratedFile("x.g.cs", a), new GeneratedFile("x.g.cs", b));
        Assert.NotEqual(new GeneratedFile("x.g.cs", a), new GeneratedFile("x.g.cs", c));
    }
}
