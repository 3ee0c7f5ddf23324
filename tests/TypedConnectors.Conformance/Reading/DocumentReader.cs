using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TypedConnectors.Conformance.Reading;

/// <summary>
/// JSON or YAML text as a <see cref="JsonNode"/> tree, read tolerantly: a repeated key keeps its first value (as the
/// generator documents), aliases are copied, merge keys are applied. Independent of the generator's own reader.
/// </summary>
internal static class DocumentReader
{
    public static JsonNode? Read(string path, string text)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(
                    text,
                    documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }
                );
            }
            catch (JsonException) when (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                // YAML flow mappings look like JSON; fall through to the YAML reader.
            }
        }

        return ReadYaml(text);
    }

    private static JsonNode? ReadYaml(string text)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _))
        {
            return null;
        }

        parser.Consume<DocumentStart>();
        var root = ReadNode(parser, anchors);
        return root;
    }

    private static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var target) ? target?.DeepClone() : null;
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var value = ScalarValue(scalar);
            if (!scalar.Anchor.IsEmpty)
            {
                anchors[scalar.Anchor.Value] = value;
            }

            return value?.DeepClone();
        }

        if (parser.TryConsume<SequenceStart>(out var sequence))
        {
            var array = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                array.Add(ReadNode(parser, anchors));
            }

            if (!sequence.Anchor.IsEmpty)
            {
                anchors[sequence.Anchor.Value] = array.DeepClone();
            }

            return array;
        }

        var mapping = parser.Consume<MappingStart>();
        var obj = new JsonObject();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = ReadNode(parser, anchors);
            var key = keyNode switch
            {
                null => "null",
                JsonValue v => v.TryGetValue<string>(out var s) ? s : v.ToJsonString(),
                _ => keyNode.ToJsonString(),
            };
            var value = ReadNode(parser, anchors);
            if (key == "<<" && (value is JsonObject || value is JsonArray))
            {
                foreach (var source in value is JsonArray list ? list.OfType<JsonObject>() : new[] { (JsonObject)value })
                {
                    foreach (var (k, v) in source)
                    {
                        if (!obj.ContainsKey(k))
                        {
                            obj[k] = v?.DeepClone();
                        }
                    }
                }

                continue;
            }

            if (!obj.ContainsKey(key))
            {
                obj[key] = value;
            }
        }

        if (!mapping.Anchor.IsEmpty)
        {
            anchors[mapping.Anchor.Value] = obj.DeepClone();
        }

        return obj;
    }

    private static JsonNode? ScalarValue(Scalar scalar)
    {
        var text = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (
            long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            && !text.StartsWith('+')
            && !(text.Length > 1 && text[0] == '0')
        )
        {
            return JsonValue.Create(integer);
        }

        if (
            text.Length > 0
            && (char.IsDigit(text[0]) || text[0] == '-' || text[0] == '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && !double.IsInfinity(number)
            && !(text.Length > 1 && text[0] == '0' && text[1] != '.')
        )
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }
}
