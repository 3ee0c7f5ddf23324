using System.Text;
using System.Text.Json;
using TypedConnectors;

namespace TypedConnectors.Runtime.Tests;

/// <summary>
/// The base of generated string-enum converters: wire texts matched on the token's UTF-8 bytes (escaped tokens and
/// texts outside ASCII included), unknown texts as the enum's 0 member, large enums through the dictionary.
/// </summary>
public sealed class EnumConverterTests
{
    public enum Status
    {
        Unknown,
        Active,
        OnHold,
        Café,
    }

    private sealed class StatusConverter() : ConnectorEnumConverter<Status>("active", "on-hold", "café");

    public enum Big
    {
        Unknown,
    }

    private sealed class BigConverter() : ConnectorEnumConverter<Big>(Enumerable.Range(1, 40).Select(i => "v" + i).ToArray());

    private static TEnum Read<TEnum>(System.Text.Json.Serialization.JsonConverter<TEnum> converter, string json)
        where TEnum : struct
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return converter.Read(ref reader, typeof(TEnum), JsonSerializerOptions.Default);
    }

    [Theory]
    [InlineData("\"active\"", Status.Active)]
    [InlineData("\"on-hold\"", Status.OnHold)]
    [InlineData("\"\\u0061ctive\"", Status.Active)]
    [InlineData("\"café\"", Status.Café)]
    [InlineData("\"caf\\u00e9\"", Status.Café)]
    [InlineData("\"Active\"", Status.Unknown)]
    [InlineData("\"activ\"", Status.Unknown)]
    [InlineData("\"activex\"", Status.Unknown)]
    [InlineData("42", Status.Unknown)]
    public void Wire_texts_are_matched_exactly_and_anything_else_is_the_unknown_member(string json, Status expected) =>
        Assert.Equal(expected, Read(new StatusConverter(), json));

    [Fact]
    public void Enums_beyond_the_byte_compared_size_are_read_through_the_dictionary()
    {
        var converter = new BigConverter();
        Assert.Equal(40, (int)Read(converter, "\"v40\""));
        Assert.Equal(1, (int)Read(converter, "\"v1\""));
        Assert.Equal(0, (int)Read(converter, "\"v41\""));
    }

    [Fact]
    public void Members_are_written_as_their_wire_text()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            new StatusConverter().Write(writer, Status.OnHold, JsonSerializerOptions.Default);
            new StatusConverter().Write(writer, Status.Café, JsonSerializerOptions.Default);
            writer.WriteEndArray();
        }

        Assert.Equal("[\"on-hold\",\"caf\\u00E9\"]", Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new StatusConverter().Write(
                new Utf8JsonWriter(new System.Buffers.ArrayBufferWriter<byte>()),
                Status.Unknown,
                JsonSerializerOptions.Default
            )
        );
    }
}
