using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// The one place text from an input file enters generated code. String literals go through the compiler's own
/// literal formatter; documentation text is XML-escaped and split so that nothing can end a comment early.
/// </summary>
internal static class Literals
{
    public static string String(string? value) => value is null ? "null" : SymbolDisplay.FormatLiteral(value, quote: true);

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>
    /// An integer literal. <c>long.MinValue</c> is spelled by name: its digits alone are a ulong literal, which only
    /// becomes a long when it directly follows a unary minus, and a literal should not depend on its surroundings.
    /// </summary>
    public static string Int(long value) => value == long.MinValue ? "long.MinValue" : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A <c>long</c> literal (with its suffix, so it is a long wherever it stands).</summary>
    public static string Long(long value) => value == long.MinValue ? "long.MinValue" : value.ToString(CultureInfo.InvariantCulture) + "L";

    /// <summary>
    /// A range check of a value of <paramref name="kind"/> against a bound from a document, as the operator that means
    /// "breaks the bound" and the literal to compare with; null when no value of that type can break the bound (the
    /// comparison would be constant, which the compiler warns about) or when the bound cannot be written in that type.
    /// Integer types get the nearest integer bound, so <c>minimum: 1.5</c> on an integer means at least 2.
    /// </summary>
    public static (string Operator, string Literal)? Bound(TypeKind kind, string text, bool isMinimum, bool exclusive)
    {
        switch (kind)
        {
            case TypeKind.Int32:
            case TypeKind.Int64:
            {
                // Beyond decimal's range is beyond every integer type's range: nothing is checked either way.
                if (!Numbers.TryParse(text, out var exact, out _) || exact is not { } value)
                {
                    return null;
                }

                var (min, max) =
                    kind == TypeKind.Int32
                        ? ((decimal)int.MinValue, (decimal)int.MaxValue)
                        : ((decimal)long.MinValue, (decimal)long.MaxValue);

                // The smallest (largest) allowed integer.
                var bound = isMinimum
                    ? (exclusive ? decimal.Floor(value) + 1 : decimal.Ceiling(value))
                    : (exclusive ? decimal.Ceiling(value) - 1 : decimal.Floor(value));

                // A bound every value of the type meets needs no check, and one no value meets has no literal of the type
                // (readers widen unformatted integers so that this only happens against an explicit format).
                if ((isMinimum ? bound <= min : bound >= max) || bound < min || bound > max)
                {
                    return null;
                }

                return (isMinimum ? "<" : ">", Int((long)bound));
            }

            case TypeKind.Decimal:
            {
                if (!Numbers.TryParse(text, out var exact, out _) || exact is not { } value)
                {
                    return null;
                }

                if ((isMinimum && value == decimal.MinValue && !exclusive) || (!isMinimum && value == decimal.MaxValue && !exclusive))
                {
                    return null;
                }

                return (
                    isMinimum ? (exclusive ? "<=" : "<") : (exclusive ? ">=" : ">"),
                    value.ToString(CultureInfo.InvariantCulture) + "m"
                );
            }

            case TypeKind.Double:
            {
                if (!Numbers.TryParse(text, out _, out var value) || double.IsInfinity(value))
                {
                    return null;
                }

                return (isMinimum ? (exclusive ? "<=" : "<") : (exclusive ? ">=" : ">"), Double(value));
            }

            default:
                return null;
        }
    }

    /// <summary>A <c>double</c> literal that reads back as the same value.</summary>
    public static string Double(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text + "d";
    }

    /// <summary>Documentation lines: XML-escaped, control characters dropped, one entry per source line.</summary>
    public static IEnumerable<string> DocLines(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        var normalized = text!
            .Replace("\r\n", "\n")
            .Replace('\r', '\n')
            .Replace('\u2028', '\n')
            .Replace('\u2029', '\n')
            .Replace('\u0085', '\n');
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
        // Most documentation needs no escaping: it is returned as it is.
        var start = 0;
        while (start < text.Length && !NeedsEscape(text[start]))
        {
            start++;
        }

        if (start == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, start);
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&':
                    builder.Append("&amp;");
                    break;
                case '<':
                    builder.Append("&lt;");
                    break;
                case '>':
                    builder.Append("&gt;");
                    break;
                case '"':
                    builder.Append("&quot;");
                    break;
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

    /// <summary>Whether <see cref="Xml"/> escapes or drops the char.</summary>
    private static bool NeedsEscape(char c) => c is '&' or '<' or '>' or '"' or '\u2028' or '\u2029' || (char.IsControl(c) && c != '\t');

    private static bool IsLineBreak(char c) => c is '\r' or '\n' or '\u2028' or '\u2029' or '\u0085';

    /// <summary>
    /// The one documentation line of <paramref name="text"/> (or of the fallback when it has none), as
    /// <see cref="DocLines"/> would give it; null when the text has several lines.
    /// </summary>
    private static string? SingleDocLine(string? text, string fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Xml(fallback);
        }

        foreach (var c in text!)
        {
            if (IsLineBreak(c))
            {
                return null;
            }
        }

        return Xml(text.TrimEnd());
    }

    /// <summary>Writes a <c>&lt;summary&gt;</c> (and optional extra elements) as <c>///</c> lines.</summary>
    public static void Summary(SourceWriter writer, string? text, string fallback)
    {
        writer.Line("/// <summary>");
        var any = false;
        foreach (var line in DocLines(text))
        {
            writer.Line($"/// {line}");
            any = true;
        }

        if (!any)
        {
            writer.Line($"/// {Xml(fallback)}");
        }

        writer.Line("/// </summary>");
    }

    /// <summary>A <c>&lt;param&gt;</c> element, as <see cref="Element"/> writes it with a <c>name</c> attribute.</summary>
    public static void Param(SourceWriter writer, string name, string? text, string fallback)
    {
        if (SingleDocLine(text, fallback) is { } single)
        {
            writer.Line($"/// <param name=\"{name}\">{single}</param>");
            return;
        }

        Element(writer, "param", " name=\"" + name + "\"", text, fallback);
    }

    public static void Element(SourceWriter writer, string element, string attributes, string? text, string fallback)
    {
        if (SingleDocLine(text, fallback) is { } single)
        {
            writer.Line($"/// <{element}{attributes}>{single}</{element}>");
            return;
        }

        var lines = DocLines(text).ToList();
        if (lines.Count == 0)
        {
            lines.Add(Xml(fallback));
        }

        if (lines.Count == 1)
        {
            writer.Line($"/// <{element}{attributes}>{lines[0]}</{element}>");
            return;
        }

        writer.Line($"/// <{element}{attributes}>");
        foreach (var line in lines)
        {
            writer.Line($"/// {line}");
        }

        writer.Line($"/// </{element}>");
    }
}
