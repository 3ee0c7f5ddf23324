using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace TypedConnectors;

/// <summary>The JSON settings every connector request and response uses.</summary>
public static class ConnectorJson
{
    /// <summary>
    /// Web defaults (case-insensitive reads) with these changes: no naming policy, because generated types carry
    /// <see cref="JsonPropertyNameAttribute"/> with the exact wire names; nulls are not written, because many APIs
    /// read an explicit null as "clear this field"; numbers must be JSON numbers, because quietly accepting
    /// <c>"42"</c> hides contract drift. Enums use the converters the generated types declare. The instance is read-only.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>
    /// APIs rarely put a polymorphic type's discriminator first in the object, which System.Text.Json requires unless
    /// out-of-order metadata is allowed. That option exists from System.Text.Json 9 on; this library targets net8.0,
    /// so it is switched on where the running framework has it.
    /// </summary>
    private static void AllowOutOfOrderDiscriminators(JsonSerializerOptions options)
        => typeof(JsonSerializerOptions).GetProperty("AllowOutOfOrderMetadataProperties")?.SetValue(options, true);

    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2026",
        Justification = "The reflection resolver is installed only when the app allows reflection-based serialization; the runtime's reflection-based entry points carry RequiresUnreferencedCode themselves.")]
    [UnconditionalSuppressMessage(
        "AOT",
        "IL3050",
        Justification = "As above: guarded by JsonSerializer.IsReflectionEnabledByDefault; AOT callers use the JsonTypeInfo overloads.")]
    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = null,
            DictionaryKeyPolicy = null,
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
