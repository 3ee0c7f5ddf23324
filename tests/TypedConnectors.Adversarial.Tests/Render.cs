using System.Globalization;
using System.Text;

namespace TypedConnectors.Adversarial.Tests;

/// <summary>An ordered JSON object (keys in insertion order, as a document author writes them).</summary>
public sealed class Obj : List<KeyValuePair<string, object?>>
{
    public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));

    /// <summary>Adds the key only when there is a value.</summary>
    public Obj Maybe(string key, object? value)
    {
        if (value is not null)
        {
            Add(key, value);
        }

        return this;
    }
}

/// <summary>Writes the tree (Obj, lists, strings, bools, Num, long) as JSON or as block-style YAML.</summary>
public static class TreeWriter
{
    public static string Json(object? value)
    {
        var builder = new StringBuilder();
        WriteJson(builder, value, 0);
        return builder.ToString();
    }

    private static void WriteJson(StringBuilder b, object? value, int indent)
    {
        switch (value)
        {
            case null:
                b.Append("null");
                break;
            case bool v:
                b.Append(v ? "true" : "false");
                break;
            case Num n:
                b.Append(n.Text);
                break;
            case int i:
                b.Append(i.ToString(CultureInfo.InvariantCulture));
                break;
            case long l:
                b.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case string s:
                JsonString(b, s);
                break;
            case Obj o:
                if (o.Count == 0)
                {
                    b.Append("{}");
                    break;
                }

                b.Append("{\n");
                for (var k = 0; k < o.Count; k++)
                {
                    b.Append(' ', indent + 2);
                    JsonString(b, o[k].Key);
                    b.Append(": ");
                    WriteJson(b, o[k].Value, indent + 2);
                    b.Append(k + 1 < o.Count ? ",\n" : "\n");
                }

                b.Append(' ', indent).Append('}');
                break;
            case System.Collections.IEnumerable list:
                var items = list.Cast<object?>().ToList();
                if (items.Count == 0)
                {
                    b.Append("[]");
                    break;
                }

                b.Append("[\n");
                for (var k = 0; k < items.Count; k++)
                {
                    b.Append(' ', indent + 2);
                    WriteJson(b, items[k], indent + 2);
                    b.Append(k + 1 < items.Count ? ",\n" : "\n");
                }

                b.Append(' ', indent).Append(']');
                break;
            default:
                throw new InvalidOperationException("not a tree value: " + value.GetType());
        }
    }

    private static void JsonString(StringBuilder b, string s)
    {
        b.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    b.Append("\\\"");
                    break;
                case '\\':
                    b.Append("\\\\");
                    break;
                case '\n':
                    b.Append("\\n");
                    break;
                case '\r':
                    b.Append("\\r");
                    break;
                case '\t':
                    b.Append("\\t");
                    break;
                default:
                    if (c < 0x20 || c is '\u2028' or '\u2029')
                    {
                        b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }

                    break;
            }
        }

        b.Append('"');
    }

    public static string Yaml(object? value)
    {
        var builder = new StringBuilder();
        if (value is Obj o && o.Count > 0)
        {
            WriteYamlMapping(builder, o, 0);
        }
        else
        {
            builder.Append(YamlScalar(value)).Append('\n');
        }

        return builder.ToString();
    }

    private static void WriteYamlMapping(StringBuilder b, Obj o, int indent)
    {
        foreach (var (key, value) in o)
        {
            b.Append(' ', indent).Append(YamlString(key)).Append(':');
            WriteYamlValue(b, value, indent);
        }
    }

    private static void WriteYamlValue(StringBuilder b, object? value, int indent)
    {
        switch (value)
        {
            case Obj { Count: > 0 } child:
                b.Append('\n');
                WriteYamlMapping(b, child, indent + 2);
                break;
            case System.Collections.IEnumerable list and not string:
                var items = list.Cast<object?>().ToList();
                if (items.Count == 0 || value is Obj)
                {
                    b.Append(value is Obj ? " {}\n" : " []\n");
                    break;
                }

                b.Append('\n');
                foreach (var item in items)
                {
                    b.Append(' ', indent + 2).Append('-');
                    if (item is Obj { Count: > 0 } itemObject)
                    {
                        // "- key: value" with the other keys aligned under the first.
                        var first = true;
                        foreach (var (key, inner) in itemObject)
                        {
                            if (!first)
                            {
                                b.Append(' ', indent + 4);
                            }
                            else
                            {
                                b.Append(' ');
                            }

                            first = false;
                            b.Append(YamlString(key)).Append(':');
                            WriteYamlValue(b, inner, indent + 4);
                        }
                    }
                    else
                    {
                        WriteYamlValue(b, item, indent + 2);
                    }
                }

                break;
            default:
                b.Append(' ').Append(YamlScalar(value)).Append('\n');
                break;
        }
    }

    private static string YamlScalar(object? value) =>
        value switch
        {
            null => "null",
            bool v => v ? "true" : "false",
            Num n => n.Text,
            int i => i.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture),
            string s => YamlString(s),
            Obj => "{}",
            _ => "[]",
        };

    /// <summary>A double-quoted YAML scalar: every character that could mean something is escaped.</summary>
    private static string YamlString(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    b.Append("\\\"");
                    break;
                case '\\':
                    b.Append("\\\\");
                    break;
                case '\n':
                    b.Append("\\n");
                    break;
                case '\r':
                    b.Append("\\r");
                    break;
                case '\t':
                    b.Append("\\t");
                    break;
                default:
                    if (c < 0x20 || c is '\u0085' or '\u2028' or '\u2029' or '\uFEFF' || (c >= 0x7F && c < 0xA0))
                    {
                        b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }

                    break;
            }
        }

        return b.Append('"').ToString();
    }
}
