using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedConnectors;

/// <summary>
/// The base of the converters generated clients carry for their models: it checks for a JSON object and writes the
/// braces; the generated converter reads and writes the properties through a <see cref="ConnectorJsonShape"/>. Nothing
/// here uses reflection, so generated clients work trimmed and in native AOT apps.
/// </summary>
/// <typeparam name="T">The model type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ConnectorObjectConverter<T> : JsonConverter<T>
{
    /// <inheritdoc/>
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw ConnectorJsonConverters.ExpectedObject(typeof(T), reader.TokenType);
        }

        return ReadObject(ref reader, options);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteProperties(writer, value, options);
        writer.WriteEndObject();
    }

    /// <summary>Reads the object's properties, the reader on its <see cref="JsonTokenType.StartObject"/>, up to its end.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="options">The options being used.</param>
    /// <returns>The model.</returns>
    public abstract T ReadObject(ref Utf8JsonReader reader, JsonSerializerOptions options);

    /// <summary>Writes the model's properties (not the braces around them).</summary>
    /// <param name="writer">The writer, inside the object.</param>
    /// <param name="value">The model.</param>
    /// <param name="options">The options being used.</param>
    public abstract void WriteProperties(Utf8JsonWriter writer, T value, JsonSerializerOptions options);
}

/// <summary>
/// The JSON properties of one model, in declaration order: their names (compared as UTF-8, written pre-encoded), which are
/// required, and a discriminator to pass over. A generated converter reads with <see cref="Next(ref Utf8JsonReader, Span{bool}, out int)"/>
/// and writes with <see cref="Write"/> and <see cref="WriteIfNotNull"/>, by property index.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ConnectorJsonShape
{
    private readonly Type _type;
    private readonly string[] _names;
    private readonly byte[]?[] _utf8;
    private readonly JsonEncodedText[] _encoded;
    private readonly int[] _required;
    private readonly string? _discriminator;

    /// <summary>Describes a model's properties.</summary>
    /// <param name="type">The model type, for error messages.</param>
    /// <param name="names">The JSON names, by property index.</param>
    /// <param name="required">The indexes of the properties that must be present.</param>
    /// <param name="discriminator">A property that is read elsewhere and is neither kept nor an extension value; null for none.</param>
    public ConnectorJsonShape(Type type, string[] names, int[] required, string? discriminator = null)
    {
        _type = type ?? throw new ArgumentNullException(nameof(type));
        _names = names ?? throw new ArgumentNullException(nameof(names));
        _required = required ?? throw new ArgumentNullException(nameof(required));
        _discriminator = discriminator;
        _utf8 = new byte[]?[names.Length];
        _encoded = new JsonEncodedText[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            // Names that are not valid UTF-16 are compared as strings, as the reader transcodes them.
            _utf8[i] = HasSurrogate(names[i]) ? null : Encoding.UTF8.GetBytes(names[i]);
            _encoded[i] = JsonEncodedText.Encode(names[i]);
        }
    }

    /// <summary>
    /// Moves to the next known property of the object and onto its value; unknown properties are skipped. Marks the
    /// property in <paramref name="seen"/>.
    /// </summary>
    /// <param name="reader">The reader, on the object's start or after the previous property's value.</param>
    /// <param name="seen">One flag per property.</param>
    /// <param name="index">The property's index.</param>
    /// <returns>False at the end of the object.</returns>
    public bool Next(ref Utf8JsonReader reader, scoped Span<bool> seen, out int index)
    {
        IDictionary<string, JsonElement>? none = null;
        return Next(ref reader, seen, ref none, collect: false, out index);
    }

    /// <summary>
    /// Moves to the next known property of the object and onto its value; unknown properties are kept in
    /// <paramref name="extra"/> (created when the first one is found). Marks the property in <paramref name="seen"/>.
    /// </summary>
    /// <param name="reader">The reader, on the object's start or after the previous property's value.</param>
    /// <param name="seen">One flag per property.</param>
    /// <param name="extra">The unknown properties.</param>
    /// <param name="index">The property's index.</param>
    /// <returns>False at the end of the object.</returns>
    public bool Next(ref Utf8JsonReader reader, scoped Span<bool> seen, ref IDictionary<string, JsonElement>? extra, out int index) =>
        Next(ref reader, seen, ref extra, collect: true, out index);

    private bool Next(
        ref Utf8JsonReader reader,
        scoped Span<bool> seen,
        ref IDictionary<string, JsonElement>? extra,
        bool collect,
        out int index
    )
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            index = Find(ref reader);
            if (index >= 0)
            {
                seen[index] = true;
                reader.Read();
                return true;
            }

            if (collect && !(_discriminator is not null && reader.ValueTextEquals(_discriminator)))
            {
                var name = reader.GetString()!;
                reader.Read();
                (extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[name] = JsonElement.ParseValue(ref reader);
                continue;
            }

            reader.Read();
            reader.Skip();
        }

        index = -1;
        return false;
    }

    private int Find(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (_utf8[i] is { } utf8 ? reader.ValueTextEquals(utf8) : reader.ValueTextEquals(_names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Throws when a required property was not seen.</summary>
    /// <param name="seen">The flags <see cref="Next(ref Utf8JsonReader, Span{bool}, out int)"/> set.</param>
    /// <exception cref="JsonException">A required property is missing.</exception>
    public void ThrowIfMissing(ReadOnlySpan<bool> seen)
    {
        foreach (var index in _required)
        {
            if (!seen[index])
            {
                throw ConnectorJsonConverters.MissingRequired(_type, _names[index]);
            }
        }
    }

    /// <summary>Writes a property always, a null value as JSON null unless the converter writes nulls itself.</summary>
    /// <typeparam name="TValue">The property's type.</typeparam>
    /// <param name="writer">The writer, inside the object.</param>
    /// <param name="index">The property's index.</param>
    /// <param name="value">The value.</param>
    /// <param name="converter">The value's converter.</param>
    /// <param name="options">The options being used.</param>
    public void Write<TValue>(
        Utf8JsonWriter writer,
        int index,
        TValue value,
        JsonConverter<TValue> converter,
        JsonSerializerOptions options
    )
    {
        writer.WritePropertyName(_encoded[index]);
        ConnectorJsonConverters.Write(writer, value, converter, options);
    }

    /// <summary>Writes a property unless its value is null (an optional property left out).</summary>
    /// <typeparam name="TValue">The property's type.</typeparam>
    /// <param name="writer">The writer, inside the object.</param>
    /// <param name="index">The property's index.</param>
    /// <param name="value">The value.</param>
    /// <param name="converter">The value's converter.</param>
    /// <param name="options">The options being used.</param>
    public void WriteIfNotNull<TValue>(
        Utf8JsonWriter writer,
        int index,
        TValue value,
        JsonConverter<TValue> converter,
        JsonSerializerOptions options
    )
    {
        if (value is not null)
        {
            writer.WritePropertyName(_encoded[index]);
            converter.Write(writer, value, options);
        }
    }

    /// <summary>Writes the values kept from unknown properties, if any.</summary>
    /// <param name="writer">The writer, inside the object.</param>
    /// <param name="extra">The values by JSON name.</param>
    public static void WriteExtra(Utf8JsonWriter writer, IDictionary<string, JsonElement>? extra)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (extra is null)
        {
            return;
        }

        foreach (var pair in extra)
        {
            writer.WritePropertyName(pair.Key);
            pair.Value.WriteTo(writer);
        }
    }

    internal static bool HasSurrogate(string name)
    {
        foreach (var c in name)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// The base of the converters generated clients carry for string enums: members 1…N are the wire texts in order, 0 is the
/// unknown value. Text the client does not know, and a value that is not a string, read as the unknown value; the unknown
/// value has no wire text and cannot be written.
/// </summary>
/// <typeparam name="TEnum">The enum, backed by <see cref="int"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ConnectorEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    // Enums up to this many members are matched by comparing the token's UTF-8 bytes (no string per value); larger ones
    // through a dictionary of the decoded text.
    private const int LinearLimit = 16;

    private readonly string[] _texts;
    private readonly JsonEncodedText[] _encoded;
    private readonly byte[]?[] _utf8;
    private readonly Dictionary<string, int> _values;

    /// <summary>Describes the enum's wire texts.</summary>
    /// <param name="texts">The wire texts of members 1…N, in order.</param>
    protected ConnectorEnumConverter(params string[] texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<TEnum>() != sizeof(int))
        {
            throw new ArgumentException("The enum must be backed by int.", nameof(texts));
        }

        _texts = texts;
        _encoded = new JsonEncodedText[texts.Length];
        _utf8 = new byte[]?[texts.Length];
        _values = new Dictionary<string, int>(texts.Length, StringComparer.Ordinal);
        for (var i = 0; i < texts.Length; i++)
        {
            _encoded[i] = JsonEncodedText.Encode(texts[i]);
            _utf8[i] = ConnectorJsonShape.HasSurrogate(texts[i]) ? null : Encoding.UTF8.GetBytes(texts[i]);
            _values.TryAdd(texts[i], i + 1);
        }
    }

    /// <inheritdoc/>
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return default;
        }

        var number = 0;
        if (_texts.Length <= LinearLimit)
        {
            // The first member with this text, as the dictionary keeps it; ValueTextEquals unescapes the token as it compares.
            for (var i = 0; i < _utf8.Length; i++)
            {
                if (_utf8[i] is { } utf8 ? reader.ValueTextEquals(utf8) : reader.ValueTextEquals(_texts[i]))
                {
                    number = _values[_texts[i]];
                    break;
                }
            }
        }
        else if (_values.TryGetValue(reader.GetString()!, out var known))
        {
            number = known;
        }

        return System.Runtime.CompilerServices.Unsafe.As<int, TEnum>(ref number);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var number = System.Runtime.CompilerServices.Unsafe.As<TEnum, int>(ref value);
        if (number < 1 || number > _texts.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "This value has no wire text.");
        }

        writer.WriteStringValue(_encoded[number - 1]);
    }
}
