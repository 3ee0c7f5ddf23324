using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace TypedConnectors;

/// <summary>The JSON settings every connector request and response uses.</summary>
public static class ConnectorJson
{
    /// <summary>
    /// Web defaults with these changes: no naming policy, and reads match names exactly, because generated types carry
    /// <see cref="JsonPropertyNameAttribute"/> with the exact wire names (two of which may differ only by case, as
    /// <c>name</c> and <c>Name</c> in real schemas do); nulls are not written, because many APIs
    /// read an explicit null as "clear this field"; numbers must be JSON numbers, because quietly accepting
    /// <c>"42"</c> hides contract drift. Enums use the converters the generated types declare; binary data (a
    /// <c>format: binary</c> property inside JSON) is a base64 string. The instance is read-only.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>
    /// APIs rarely put a polymorphic type's discriminator first in the object, which System.Text.Json requires unless
    /// out-of-order metadata is allowed. That option exists from System.Text.Json 9 on; this library targets net8.0,
    /// so it is switched on where the running framework has it.
    /// </summary>
    private static void AllowOutOfOrderDiscriminators(JsonSerializerOptions options) =>
        typeof(JsonSerializerOptions).GetProperty("AllowOutOfOrderMetadataProperties")?.SetValue(options, true);

    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2026",
        Justification = "The reflection resolver is installed only when the app allows reflection-based serialization; the runtime's reflection-based entry points carry RequiresUnreferencedCode themselves."
    )]
    [UnconditionalSuppressMessage(
        "AOT",
        "IL3050",
        Justification = "As above: guarded by JsonSerializer.IsReflectionEnabledByDefault; AOT callers use the JsonTypeInfo overloads."
    )]
    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = null,
            PropertyNameCaseInsensitive = false,
            DictionaryKeyPolicy = null,
            Converters = { new Base64StreamConverter() },
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = JsonSerializer.IsReflectionEnabledByDefault
                ? new DefaultJsonTypeInfoResolver()
                : JsonTypeInfoResolver.Combine(),
        };
        AllowOutOfOrderDiscriminators(options);
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>A <see cref="Stream"/> inside a JSON document travels as a base64 string, as JSON has no raw bytes.</summary>
internal sealed class Base64StreamConverter : JsonConverter<Stream>
{
    public override bool CanConvert(Type typeToConvert) => typeof(Stream).IsAssignableFrom(typeToConvert);

    public override Stream? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("Binary data must be a base64 JSON string.");
        }

        // Servers that put text under a binary property are read as its UTF-8 bytes rather than failing the call.
        return new MemoryStream(
            reader.TryGetBytesFromBase64(out var bytes) ? bytes : System.Text.Encoding.UTF8.GetBytes(reader.GetString()!),
            writable: false
        );
    }

    public override void Write(Utf8JsonWriter writer, Stream value, JsonSerializerOptions options)
    {
        using var copy = new MemoryStream();
        value.CopyTo(copy);
        writer.WriteBase64StringValue(copy.GetBuffer().AsSpan(0, (int)copy.Length));
    }
}
