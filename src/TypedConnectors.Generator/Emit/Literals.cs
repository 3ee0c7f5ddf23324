using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// The one place text from an input file enters generated code. String literals go through the compiler's own
/// literal formatter; documentation text is XML-escaped and split so that nothing can end a comment early.
/// </summary>
internal static class Literals
{
    public static string String(string? value) => value is null ? "null" : SymbolDisplay.FormatLiteral(value, quote: true);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Documentation lines: XML-escaped, control characters dropped, one entry per source line.</summary>
    public static IEnumerable<string> DocLines(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        var normalized = text!.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n').Replace('\u0085', '\n');
        var lines = normalized.Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var start = 0;
        while (start < lines.Count && lines[start].Length == 0)
        {
            start++;
        }

        for (var i = start; i < lines.Count; i++)
        {
            yield return Xml(lines[i]);
        }
    }

    public static string Xml(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                default:
                    // U+2028/U+2029 end a line for the C# lexer too, so they would end the /// comment.
                    if ((!char.IsControl(c) || c == '\t') && c != '\u2028' && c != '\u2029')
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Writes a <c>&lt;summary&gt;</c> (and optional extra elements) as <c>///</c> lines.</summary>
    public static void Summary(SourceWriter writer, string? text, string fallback)
    {
        writer.Line("/// <summary>");
        var any = false;
        foreach (var line in DocLines(text))
        {
            writer.Line("/// " + line);
            any = true;
        }

        if (!any)
        {
            writer.Line("/// " + Xml(fallback));
        }

        writer.Line("/// </summary>");
    }

    public static void Element(SourceWriter writer, string element, string attributes, string? text, string fallback)
    {
        var lines = DocLines(text).ToList();
        if (lines.Count == 0)
        {
            lines.Add(Xml(fallback));
        }

        if (lines.Count == 1)
        {
            writer.Line("/// <" + element + attributes + ">" + lines[0] + "</" + element + ">");
            return;
        }

        writer.Line("/// <" + element + attributes + ">");
        foreach (var line in lines)
        {
            writer.Line("/// " + line);
        }

        writer.Line("/// </" + element + ">");
    }
}
