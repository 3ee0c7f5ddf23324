using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace TypedConnectors;

/// <summary>
/// The building blocks of the JSON converters generated clients carry for their models: collections, nullable values,
/// discriminators and the errors the generated readers throw. Nothing here uses reflection, so generated clients work
/// trimmed and in native AOT apps.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConnectorJsonConverters
{
    /// <summary>Reads and writes a <see cref="Stream"/> as a base64 string (a <c>format: binary</c> property inside JSON).</summary>
    public static JsonConverter<Stream> Stream { get; } = new Base64StreamConverter();

    /// <summary>A converter for a JSON array read as a list, each item through <paramref name="item"/>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="item">The items' converter.</param>
    /// <returns>The converter.</returns>
    public static JsonConverter<IReadOnlyList<T>> List<T>(JsonConverter<T> item) => new ListConverter<T>(item);

    /// <summary>A converter for a JSON object with arbitrary keys, each value through <paramref name="value"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The values' converter.</param>
    /// <returns>The converter.</returns>
    public static JsonConverter<IReadOnlyDictionary<string, T>> Map<T>(JsonConverter<T> value) => new MapConverter<T>(value);

    /// <summary>A converter for an optional value type: JSON null is <c>null</c>, anything else goes to <paramref name="value"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The underlying converter.</param>
    /// <returns>The converter.</returns>
    public static JsonConverter<T?> Nullable<T>(JsonConverter<T> value)
        where T : struct => new NullableConverter<T>(value);

    /// <summary>The contract of <typeparamref name="T"/> for these options, built on <paramref name="converter"/>.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="options">The options the contract belongs to.</param>
    /// <param name="converter">Reads and writes the type.</param>
    /// <returns>The contract.</returns>
    public static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options, JsonConverter<T> converter)
    {
        var info = JsonMetadataServices.CreateValueInfo<T>(options, converter);

        // The converter writes and reads the discriminator itself; [JsonPolymorphic] on the model is for reflection users.
        info.PolymorphismOptions = null;
        return info;
    }

    /// <summary>Reads one value: JSON null is <c>default</c> unless the converter reads nulls itself.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="reader">The reader, on the value's first token.</param>
    /// <param name="converter">The value's converter.</param>
    /// <param name="options">The options being used.</param>
    /// <returns>The value.</returns>
    public static T? Read<T>(ref Utf8JsonReader reader, JsonConverter<T> converter, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null && !converter.HandleNull ? default : converter.Read(ref reader, typeof(T), options);

    /// <summary>Writes one value: <c>null</c> as JSON null unless the converter writes nulls itself.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    /// <param name="converter">The value's converter.</param>
    /// <param name="options">The options being used.</param>
    public static void Write<T>(Utf8JsonWriter writer, T value, JsonConverter<T> converter, JsonSerializerOptions options)
    {
        if (value is null && !converter.HandleNull)
        {
            writer.WriteNullValue();
        }
        else
        {
            converter.Write(writer, value, options);
        }
    }

    /// <summary>
    /// The string value of the property <paramref name="utf8Name"/> of the object the reader is on, wherever in the object
    /// it is written (APIs rarely put a discriminator first); null when absent or not a string. The reader is a copy, so
    /// the caller's position does not move.
    /// </summary>
    /// <param name="reader">A copy of the reader, on the object's <see cref="JsonTokenType.StartObject"/>.</param>
    /// <param name="utf8Name">The property name as UTF-8.</param>
    /// <returns>The discriminator value, or null.</returns>
    public static string? FindDiscriminator(Utf8JsonReader reader, ReadOnlySpan<byte> utf8Name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(utf8Name);
            if (!reader.Read())
            {
                return null;
            }

            if (match && reader.TokenType == JsonTokenType.String)
            {
                return reader.GetString();
            }

            if (!reader.TrySkip())
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The error for a value that is not a JSON object where <paramref name="type"/> expects one.</summary>
    /// <param name="type">The model type.</param>
    /// <param name="token">The token found instead.</param>
    /// <returns>The exception to throw.</returns>
    public static JsonException ExpectedObject(Type type, JsonTokenType token) =>
        new("The JSON value could not be converted to " + type.FullName + ": expected an object, found " + token + ".");

    /// <summary>The error for required properties missing from a JSON object.</summary>
    /// <param name="type">The model type.</param>
    /// <param name="missing">The missing properties' JSON names.</param>
    /// <returns>The exception to throw.</returns>
    public static JsonException MissingRequired(Type type, params string[] missing) =>
        new(
            "JSON deserialization for type '"
                + type.FullName
                + "' was missing required properties, including the following: "
                + string.Join(", ", missing)
        );

    private sealed class ListConverter<T>(JsonConverter<T> item) : JsonConverter<IReadOnlyList<T>>
    {
        public override IReadOnlyList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException(
                    "The JSON value could not be converted to a list: expected an array, found " + reader.TokenType + "."
                );
            }

            var list = new List<T>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                list.Add(ConnectorJsonConverters.Read(ref reader, item, options)!);
            }

            return list;
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            for (var i = 0; i < value.Count; i++)
            {
                ConnectorJsonConverters.Write(writer, value[i], item, options);
            }

            writer.WriteEndArray();
        }
    }

    private sealed class MapConverter<T>(JsonConverter<T> value) : JsonConverter<IReadOnlyDictionary<string, T>>
    {
        public override IReadOnlyDictionary<string, T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException(
                    "The JSON value could not be converted to a map: expected an object, found " + reader.TokenType + "."
                );
            }

            var map = new Dictionary<string, T>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                map[key] = ConnectorJsonConverters.Read(ref reader, value, options)!;
            }

            return map;
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, T> map, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var pair in map)
            {
                writer.WritePropertyName(pair.Key);
                ConnectorJsonConverters.Write(writer, pair.Value, value, options);
            }

            writer.WriteEndObject();
        }
    }

    private sealed class NullableConverter<T>(JsonConverter<T> value) : JsonConverter<T?>
        where T : struct
    {
        public override bool HandleNull => true;

        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null : value.Read(ref reader, typeof(T), options);

        public override void Write(Utf8JsonWriter writer, T? nullable, JsonSerializerOptions options)
        {
            if (nullable is { } v)
            {
                value.Write(writer, v, options);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
