using System.Collections.Immutable;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading;

/// <summary>
/// Parses the Jinja subset body templates use in practice: <c>{{ name }}</c>, <c>{{ name | tojson }}</c>,
/// <c>{{ name | default("x") }}</c>. Anything else is a located error, never a silent pass-through.
/// </summary>
internal static class BodyTemplateParser
{
    internal sealed record Result(
        ImmutableArray<TemplateSegment> Segments,
        ImmutableArray<string> Variables,
        string? Error,
        int ErrorIndex,
        int ErrorLength
    );

    public static Result Parse(string template)
    {
        var segments = ImmutableArray.CreateBuilder<TemplateSegment>();
        var variables = new List<string>();
        var literal = new System.Text.StringBuilder();
        var insideString = false;
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && (template[i + 1] == '%' || template[i + 1] == '#'))
            {
                var kind = template[i + 1] == '%' ? "statements ('{% ... %}')" : "comments ('{# ... #}')";
                return Fail("Jinja " + kind + " are not supported; only '{{ variable }}' holes with the tojson and default filters", i, 2);
            }

            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                var close = template.IndexOf("}}", i + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    return Fail("'{{' is never closed with '}}'", i, 2);
                }

                var nextOpen = template.IndexOf("{{", i + 2, StringComparison.Ordinal);
                if (nextOpen >= 0 && nextOpen < close)
                {
                    return Fail("'{{' is never closed with '}}' before the next '{{'", i, 2);
                }

                var hole = ParseHole(template, i + 2, close, insideString);
                if (hole.Error is not null)
                {
                    return hole;
                }

                if (literal.Length > 0)
                {
                    segments.Add(new TemplateSegment { Literal = literal.ToString() });
                    literal.Clear();
                }

                var segment = hole.Segments[0];
                segments.Add(segment);
                if (!variables.Contains(segment.Variable!))
                {
                    variables.Add(segment.Variable!);
                }

                i = close + 2;
                continue;
            }

            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}' && !insideString)
            {
                return Fail("'}}' without a matching '{{'", i, 2);
            }

            if (c == '"')
            {
                insideString = !insideString;
            }
            else if (c == '\\' && insideString && i + 1 < template.Length)
            {
                literal.Append(c);
                i++;
                c = template[i];
            }

            literal.Append(c);
            i++;
        }

        if (literal.Length > 0)
        {
            segments.Add(new TemplateSegment { Literal = literal.ToString() });
        }

        return new Result(segments.ToImmutable(), variables.ToImmutableArray(), null, 0, 0);
    }

    private static Result ParseHole(string template, int start, int end, bool insideString)
    {
        var parts = template.Substring(start, end - start).Split('|');
        var name = parts[0].Trim();
        if (name.Length == 0)
        {
            return Fail("'{{ }}' has no variable name", start - 2, end - start + 4);
        }

        if (!IsVariableName(name))
        {
            return Fail(
                "'" + name + "' is not a variable name (letters, digits and '_', not starting with a digit)",
                start - 2,
                end - start + 4
            );
        }

        var toJson = false;
        string? defaultValue = null;
        for (var p = 1; p < parts.Length; p++)
        {
            var filter = parts[p].Trim();
            if (filter == "tojson")
            {
                toJson = true;
            }
            else if (filter.StartsWith("default", StringComparison.Ordinal))
            {
                var args = filter.Substring("default".Length).Trim();
                if (args.Length < 2 || args[0] != '(' || args[args.Length - 1] != ')')
                {
                    return Fail("the default filter needs a value: default(\"text\") or default(0)", start - 2, end - start + 4);
                }

                var value = args.Substring(1, args.Length - 2).Trim();
                if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[value.Length - 1] == value[0])
                {
                    value = value.Substring(1, value.Length - 2);
                }

                defaultValue = value;
            }
            else
            {
                return Fail("unknown filter '" + filter + "'; supported filters are tojson and default(...)", start - 2, end - start + 4);
            }
        }

        var segment = new TemplateSegment
        {
            Variable = name,
            InsideString = insideString,
            ToJson = toJson,
            Default = defaultValue,
        };
        return new Result(ImmutableArray.Create(segment), ImmutableArray.Create(name), null, 0, 0);
    }

    public static bool IsVariableName(string name)
    {
        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static Result Fail(string message, int index, int length) =>
        new(ImmutableArray<TemplateSegment>.Empty, ImmutableArray<string>.Empty, message, index, length);
}
