using System.Buffers;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TypedConnectors;

/// <summary>
/// One piece of a parsed <c>body_template</c>: either literal text or a variable.
/// </summary>
/// <param name="Literal">Literal template text, copied as is; null for a variable part.</param>
/// <param name="Variable">The variable's name; null for a literal part.</param>
/// <param name="InsideString">Whether the variable sits inside a JSON string literal of the template.</param>
/// <param name="ToJson">Whether the template applied the <c>tojson</c> filter.</param>
/// <param name="DefaultValue">The template's default for the variable, used when the value is null or missing.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct BodyTemplatePart(string? Literal, string? Variable, bool InsideString, bool ToJson, string? DefaultValue)
{
    /// <summary>Creates a literal part.</summary>
    /// <param name="text">The literal text.</param>
    /// <returns>The part.</returns>
    public static BodyTemplatePart Text(string text) => new(text, null, false, false, null);

    /// <summary>Creates a variable part.</summary>
    /// <param name="name">The variable's name.</param>
    /// <param name="insideString">Whether the variable sits inside a JSON string literal.</param>
    /// <param name="toJson">Whether the <c>tojson</c> filter was applied.</param>
    /// <param name="defaultValue">The default used when the value is null or missing.</param>
    /// <returns>The part.</returns>
    public static BodyTemplatePart Var(string name, bool insideString = false, bool toJson = false, string? defaultValue = null) =>
        new(null, name, insideString, toJson, defaultValue);
}

/// <summary>
/// A JSON <c>body_template</c> (Jinja-style <c>{{ var }}</c>) parsed at build time and rendered at run time with
/// correct JSON escaping.
/// </summary>
/// <remarks>
/// Values are never pasted raw: a string such as <c>", "admin": true, "x": "</c> must stay one string value instead
/// of adding members to the body. Inside a JSON string a value is escaped without quotes; outside, strings become
/// quoted JSON strings, numbers and Booleans JSON literals, other objects their JSON serialization.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BodyTemplate
{
    private readonly BodyTemplatePart[] _parts;

    /// <summary>Creates the template from its parts.</summary>
    /// <param name="parts">Literal and variable parts in order.</param>
    /// <exception cref="ArgumentException">A part is neither a literal nor a variable.</exception>
    public BodyTemplate(params BodyTemplatePart[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        foreach (var part in parts)
        {
            if ((part.Literal is null) == (part.Variable is null))
            {
                throw new ArgumentException("Each body template part must have either a literal or a variable.", nameof(parts));
            }
        }

        _parts = (BodyTemplatePart[])parts.Clone();
    }

    /// <summary>The template's parts.</summary>
    public IReadOnlyList<BodyTemplatePart> Parts => _parts;

    /// <summary>The names of the template's variables, each once, in order of first use.</summary>
    public IEnumerable<string> Variables =>
        _parts.Where(p => p.Variable is not null).Select(p => p.Variable!).Distinct(StringComparer.Ordinal);

    /// <summary>Renders the template with <see cref="ConnectorJson.Options"/>.</summary>
    /// <param name="values">Values by variable name; a missing or null value uses the part's default.</param>
    /// <returns>The rendered body text.</returns>
    [RequiresUnreferencedCode(
        "Values other than strings, numbers, Booleans and JSON nodes are serialized with reflection-based System.Text.Json."
    )]
    [RequiresDynamicCode(
        "Values other than strings, numbers, Booleans and JSON nodes are serialized with reflection-based System.Text.Json."
    )]
    public string Render(IReadOnlyDictionary<string, object?> values) => Render(values, ConnectorJson.Options);

    /// <summary>Renders the template, serializing complex values with the type information in <paramref name="options"/>.</summary>
    /// <param name="values">Values by variable name; a missing or null value uses the part's default.</param>
    /// <param name="options">Options whose <see cref="System.Text.Json.JsonSerializerOptions.TypeInfoResolver"/> knows the value types, e.g. a source-generated context's options.</param>
    /// <returns>The rendered body text.</returns>
    /// <exception cref="NotSupportedException">A value's type is unknown to <paramref name="options"/>.</exception>
    public string Render(IReadOnlyDictionary<string, object?> values, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(options);
        var builder = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part.Literal is not null)
            {
                builder.Append(part.Literal);
                continue;
            }

            values.TryGetValue(part.Variable!, out var value);
            if (part.InsideString)
            {
                AppendInsideString(builder, value, part.DefaultValue, options);
            }
            else
            {
                AppendJsonValue(builder, value, part.DefaultValue, options);
            }
        }

        return builder.ToString();
    }

    private static void AppendInsideString(StringBuilder builder, object? value, string? defaultValue, JsonSerializerOptions options)
    {
        value ??= defaultValue;
        switch (value)
        {
            case null:
                return;
            case string s:
                builder.Append(JsonEncodedText.Encode(s).ToString());
                return;
            case char c:
                builder.Append(JsonEncodedText.Encode(c.ToString()).ToString());
                return;
        }

        var json = SerializeValue(value, options);
        if (json.Length >= 2 && json[0] == '"')
        {
            // Already a JSON string (GUIDs, dates, enums with string converters): its content is escaped text.
            builder.Append(json, 1, json.Length - 2);
        }
        else
        {
            builder.Append(JsonEncodedText.Encode(json).ToString());
        }
    }

    private static void AppendJsonValue(StringBuilder builder, object? value, string? defaultValue, JsonSerializerOptions options)
    {
        if (value is null)
        {
            builder.Append(defaultValue is null ? "null" : DefaultAsJson(defaultValue));
            return;
        }

        builder.Append(SerializeValue(value, options));
    }

    /// <summary>
    /// A default written in the template such as <c>10</c>, <c>true</c> or <c>"x"</c> is a JSON value already;
    /// anything that is not valid JSON on its own is treated as text.
    /// </summary>
    private static string DefaultAsJson(string defaultValue)
    {
        try
        {
            using var document = JsonDocument.Parse(defaultValue);
            return document.RootElement.GetRawText();
        }
        catch (JsonException)
        {
            return Quote(defaultValue);
        }
    }

    private static string Quote(string text) => "\"" + JsonEncodedText.Encode(text).ToString() + "\"";

    private static string SerializeValue(object value, JsonSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = false }))
        {
            switch (value)
            {
                case string s:
                    writer.WriteStringValue(s);
                    break;
                case char c:
                    writer.WriteStringValue(c.ToString());
                    break;
                case bool b:
                    writer.WriteBooleanValue(b);
                    break;
                case int i:
                    writer.WriteNumberValue(i);
                    break;
                case long l:
                    writer.WriteNumberValue(l);
                    break;
                case short sh:
                    writer.WriteNumberValue(sh);
                    break;
                case byte by:
                    writer.WriteNumberValue(by);
                    break;
                case uint ui:
                    writer.WriteNumberValue(ui);
                    break;
                case ulong ul:
                    writer.WriteNumberValue(ul);
                    break;
                case float f:
                    EnsureFinite(f);
                    writer.WriteNumberValue(f);
                    break;
                case double d:
                    EnsureFinite(d);
                    writer.WriteNumberValue(d);
                    break;
                case decimal m:
                    writer.WriteNumberValue(m);
                    break;
                case JsonElement element:
                    element.WriteTo(writer);
                    break;
                case JsonNode node:
                    node.WriteTo(writer, options);
                    break;
                default:
                    JsonSerializer.Serialize(writer, value, options.GetTypeInfo(value.GetType()));
                    break;
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void EnsureFinite(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("NaN and infinity cannot be written as JSON numbers.", nameof(value));
        }
    }
}
