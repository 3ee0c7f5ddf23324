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

    /// <summary>
    /// New options with the settings of <see cref="Options"/> whose contracts come from <paramref name="resolver"/> (for
    /// example a generated connector's <c>TypeInfoResolver</c>, combined with your own through
    /// <see cref="JsonTypeInfoResolver.Combine(IJsonTypeInfoResolver[])"/>), falling back to reflection only where the app
    /// allows reflection-based serialization. The options are not read-only: change them before their first use.
    /// </summary>
    /// <param name="resolver">Where contracts come from.</param>
    /// <returns>The options.</returns>
    public static JsonSerializerOptions CreateOptions(IJsonTypeInfoResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return Build(Fallback(resolver));
    }

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
    private static IJsonTypeInfoResolver Fallback(IJsonTypeInfoResolver? first) =>
        JsonSerializer.IsReflectionEnabledByDefault
            ? (first is null ? new DefaultJsonTypeInfoResolver() : JsonTypeInfoResolver.Combine(first, new DefaultJsonTypeInfoResolver()))
            : first ?? JsonTypeInfoResolver.Combine();

    private static JsonSerializerOptions CreateOptions() => ReadOnly(Build(Fallback(null)));

    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly();
        return options;
    }

    private static JsonSerializerOptions Build(IJsonTypeInfoResolver resolver)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = null,
            PropertyNameCaseInsensitive = false,
            DictionaryKeyPolicy = null,
            Converters = { ConnectorJsonConverters.Stream },
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = resolver,
        };
        AllowOutOfOrderDiscriminators(options);
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
