using System.Globalization;

namespace TypedConnectors.Generator.Model;

/// <summary>How numbers from documents are read, and which C# type a JSON Schema integer becomes.</summary>
internal static class Numbers
{
    /// <summary>
    /// The C# type of an integer schema. An explicit format decides; without one the schema's own numbers (bounds,
    /// default, enum values) decide: <c>int</c> when they all fit it, else <c>long</c>, else <c>decimal</c> (exact up to
    /// 28 digits), else <c>double</c>. So a <c>maximum: 10000000000</c> never becomes an <c>int</c> that cannot hold it.
    /// </summary>
    public static TypeKind IntegerKind(string? format, IEnumerable<string?> numbers)
    {
        switch (format)
        {
            case "int32":
                return TypeKind.Int32;
            case "int64" or "uint32" or "uint64":
                return TypeKind.Int64;
        }

        var kind = TypeKind.Int32;
        foreach (var text in numbers)
        {
            if (text is null || !TryParse(text, out var exact, out _))
            {
                continue;
            }

            if (exact is not { } value)
            {
                return TypeKind.Double;
            }

            if (value < int.MinValue || value > int.MaxValue)
            {
                kind =
                    value < long.MinValue || value > long.MaxValue ? TypeKind.Decimal
                    : kind == TypeKind.Decimal ? kind
                    : TypeKind.Int64;
            }
        }

        return kind;
    }

    /// <summary>
    /// A JSON number: <paramref name="exact"/> when decimal can hold it, <paramref name="approximate"/> always (infinite
    /// beyond double's range).
    /// </summary>
    public static bool TryParse(string text, out decimal? exact, out double approximate)
    {
        exact = null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out approximate) || double.IsNaN(approximate))
        {
            return false;
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            exact = d;
        }

        return true;
    }
}

internal enum TypeKind
{
    String,
    Boolean,
    Int32,
    Int64,
    Double,
    Decimal,
    DateTime,
    Date,
    Guid,
    Uri,

    /// <summary>base64 <c>byte[]</c> (format byte).</summary>
    Bytes,

    /// <summary>Binary content as <c>Stream</c> (format binary, file uploads/downloads).</summary>
    Stream,

    /// <summary>Anything JSON: <c>JsonElement</c>.</summary>
    Any,
    Array,

    /// <summary>A JSON object with arbitrary keys: <c>IReadOnlyDictionary&lt;string, Item&gt;</c>.</summary>
    Map,

    /// <summary>A generated type (record, enum or union) named by <see cref="TypeRef.Name"/>.</summary>
    Named,
}

/// <summary>A reference to a type: a primitive, a collection of another TypeRef, or a generated type.</summary>
internal sealed record TypeRef(TypeKind Kind, string? Name = null, TypeRef? Item = null, bool Nullable = false)
{
    public static readonly TypeRef String = new(TypeKind.String);
    public static readonly TypeRef Any = new(TypeKind.Any);

    public TypeRef AsNullable(bool nullable = true) => Nullable == nullable ? this : this with { Nullable = nullable };

    public static TypeRef ArrayOf(TypeRef item) => new(TypeKind.Array, Item: item);

    public static TypeRef Named(string name) => new(TypeKind.Named, name);
}

internal enum TypeSpecKind
{
    Object,
    Enum,

    /// <summary>oneOf/anyOf without a usable discriminator: a wrapper holding the raw JSON and typed accessors.</summary>
    Union,
}

/// <summary>A generated model type.</summary>
internal sealed record TypeSpec
{
    /// <summary>Unique key within the connector (schema name or a deterministic synthesised name).</summary>
    public required string Name { get; init; }
    public required TypeSpecKind Kind { get; init; }
    public string? Description { get; init; }
    public EquatableArray<PropertySpec> Properties { get; init; } = EquatableArray<PropertySpec>.Empty;

    /// <summary>Name of the base type (allOf with one referenced schema).</summary>
    public string? BaseType { get; init; }

    /// <summary>Value type of additionalProperties, kept as extension data.</summary>
    public TypeRef? AdditionalProperties { get; init; }
    public EquatableArray<EnumValueSpec> EnumValues { get; init; } = EquatableArray<EnumValueSpec>.Empty;

    /// <summary>True for integer enums.</summary>
    public bool EnumIsInteger { get; init; }

    /// <summary>Polymorphism: discriminator property and value → derived type name.</summary>
    public string? Discriminator { get; init; }
    public EquatableArray<DiscriminatorMapping> DerivedTypes { get; init; } = EquatableArray<DiscriminatorMapping>.Empty;
    public EquatableArray<TypeRef> Variants { get; init; } = EquatableArray<TypeRef>.Empty;
    public bool Deprecated { get; init; }
    public string Identifier { get; init; } = "";

    /// <summary>The type's JSON converter, nested in the connector's JSON helper (<c>PetConverter</c>); set by the binder.</summary>
    public string ConverterIdentifier { get; init; } = "";

    /// <summary>An enum's member for values the definition does not list ("Unknown" unless a listed value has that name).</summary>
    public string UnknownMember { get; init; } = "Unknown";
}

internal sealed record PropertySpec
{
    public required string JsonName { get; init; }
    public required TypeRef Type { get; init; }
    public bool Required { get; init; }
    public string? Description { get; init; }
    public string? Default { get; init; }
    public bool ReadOnly { get; init; }
    public ConstraintsSpec? Constraints { get; init; }
    public string Identifier { get; init; } = "";
}

internal sealed record EnumValueSpec(string Value, string? Description = null)
{
    public string Identifier { get; init; } = "";

    /// <summary>The number of an integer enum's member; null when a long cannot hold it.</summary>
    public long? Number =>
        long.TryParse(
            Value,
            System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture,
            out var number
        )
            ? number
            : null;
}

internal sealed record DiscriminatorMapping(string Value, string TypeName);
