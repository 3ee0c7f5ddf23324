using System.Globalization;
using System.Text.Json;

namespace TypedConnectors;

/// <summary>RFC 6901 JSON pointers evaluated on a parsed document.</summary>
internal static class JsonPointer
{
    public static bool TryEvaluate(JsonElement root, string pointer, out JsonElement value)
    {
        value = root;
        if (pointer.Length == 0)
        {
            return true;
        }

        if (pointer[0] != '/')
        {
            return false;
        }

        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            switch (value.ValueKind)
            {
                case JsonValueKind.Object when value.TryGetProperty(token, out var child):
                    value = child;
                    break;
                case JsonValueKind.Array
                    when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                        && index < value.GetArrayLength():
                    value = value[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>The text of a string or number at the pointer; null when absent, null, empty or of another kind.</summary>
    public static string? Text(JsonElement root, string? pointer)
    {
        if (pointer is null || !TryEvaluate(root, pointer, out var value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
