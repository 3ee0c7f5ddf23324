using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>Spells TypeRefs as fully qualified C# types, so no schema name can shadow a framework type.</summary>
internal sealed class TypeNames
{
    private readonly string _namespace;
    private readonly Dictionary<string, TypeSpec> _types;
    private readonly Dictionary<TypeRef, string> _names = new();
    private readonly Dictionary<TypeRef, string> _nullableNames = new();
    private readonly Dictionary<string, string> _qualified = new(StringComparer.Ordinal);

    public TypeNames(ConnectorSpec spec)
    {
        _namespace = spec.Namespace;
        _types = new Dictionary<string, TypeSpec>(spec.Types.Count, StringComparer.Ordinal);
        foreach (var type in spec.Types)
        {
            _types.Add(type.Identifier, type);
        }
    }

    /// <summary>The expression for a type's JSON contract (the connector's generated metadata).</summary>
    public Func<TypeRef, string> TypeInfo { get; set; } = _ => throw new InvalidOperationException("No JSON metadata.");

    public TypeSpec? Find(TypeRef type) =>
        type is { Kind: TypeKind.Named, Name: { } name } && _types.TryGetValue(name, out var spec) ? spec : null;

    public bool IsEnum(TypeRef type) => Find(type) is { Kind: TypeSpecKind.Enum };

    public bool IsValueType(TypeRef type) =>
        type.Kind switch
        {
            TypeKind.Boolean
            or TypeKind.Int32
            or TypeKind.Int64
            or TypeKind.Double
            or TypeKind.Decimal
            or TypeKind.DateTime
            or TypeKind.Date
            or TypeKind.Guid
            or TypeKind.Any => true,
            TypeKind.Named => IsEnum(type),
            _ => false,
        };

    public string Qualified(string identifier)
    {
        if (!_qualified.TryGetValue(identifier, out var qualified))
        {
            qualified = "global::" + _namespace + "." + identifier;
            _qualified.Add(identifier, qualified);
        }

        return qualified;
    }

    /// <summary>The C# type; <paramref name="nullable"/> adds <c>?</c> (for optional values).</summary>
    public string Of(TypeRef type, bool nullable = false)
    {
        // A model is its qualified name, cached by identifier: a cache by reference would also keep every TypeRef asked with.
        if (type is { Kind: TypeKind.Named, Nullable: false } && !nullable)
        {
            return Qualified(type.Name ?? "Model");
        }

        // Every operation and property asks again for the same few types: spell each once.
        var cache = nullable || type.Nullable ? _nullableNames : _names;
        if (!cache.TryGetValue(type, out var name))
        {
            name = Spell(type, nullable);
            cache.Add(type, name);
        }

        return name;
    }

    private string Spell(TypeRef type, bool nullable)
    {
        var name = type.Kind switch
        {
            TypeKind.String => "string",
            TypeKind.Boolean => "bool",
            TypeKind.Int32 => "int",
            TypeKind.Int64 => "long",
            TypeKind.Double => "double",
            TypeKind.Decimal => "decimal",
            TypeKind.DateTime => "global::System.DateTimeOffset",
            TypeKind.Date => "global::System.DateOnly",
            TypeKind.Guid => "global::System.Guid",
            TypeKind.Uri => "global::System.Uri",
            TypeKind.Bytes => "byte[]",
            TypeKind.Stream => "global::System.IO.Stream",
            TypeKind.Any => "global::System.Text.Json.JsonElement",
            TypeKind.Array => "global::System.Collections.Generic.IReadOnlyList<"
                + Of(type.Item ?? TypeRef.Any, type.Item?.Nullable ?? false)
                + ">",
            TypeKind.Map => "global::System.Collections.Generic.IReadOnlyDictionary<string, "
                + Of(type.Item ?? TypeRef.Any, type.Item?.Nullable ?? false)
                + ">",
            _ => Qualified(type.Name ?? "Model"),
        };
        return nullable || type.Nullable ? name + "?" : name;
    }

    /// <summary>An expression turning <paramref name="value"/> (non-null) into its wire text.</summary>
    public string ToWire(TypeRef type, string value, string helperClass) =>
        type.Kind switch
        {
            TypeKind.String => value,
            TypeKind.Named when Find(type) is { Kind: TypeSpecKind.Enum, EnumIsInteger: true } =>
                "global::TypedConnectors.ConnectorFormat.ToString((long)" + value + ")",
            TypeKind.Named when IsEnum(type) => Qualified(helperClass) + ".ToWire(" + value + ")",
            TypeKind.Named or TypeKind.Array or TypeKind.Map or TypeKind.Any => "global::System.Text.Json.JsonSerializer.Serialize("
                + value
                + ", "
                + TypeInfo(type)
                + ")",
            TypeKind.Stream => "string.Empty",
            _ => "global::TypedConnectors.ConnectorFormat.ToString(" + value + ")",
        };
}
