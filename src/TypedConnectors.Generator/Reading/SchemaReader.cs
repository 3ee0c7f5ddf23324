using System.Collections.Immutable;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading;

/// <summary>
/// Reads the JSON Schema subset connector files use for parameters, bodies and responses into TypeRefs,
/// collecting generated types (objects, enums) under deterministic names.
/// </summary>
internal sealed class SchemaReader
{
    internal static readonly string[] SchemaKeys =
    {
        "type", "format", "enum", "properties", "required", "items", "nullable", "description", "default",
        "additionalProperties", "$ref", "maxLength", "minLength", "minimum", "maximum", "pattern", "title",
        "minItems", "maxItems", "examples", "example", "readOnly", "deprecated",
    };

    private static readonly (string, string)[] TypeNames =
    {
        ("string", "string"), ("integer", "integer"), ("number", "number"), ("boolean", "boolean"),
        ("object", "object"), ("array", "array"), ("null", "null"),
    };

    private readonly DocContext _context;
    private readonly Dictionary<string, TypeSpec> _types = new(StringComparer.Ordinal);
    private readonly DocObject? _namedTypes;

    public SchemaReader(DocContext context, DocObject? namedTypes)
    {
        _context = context;
        _namedTypes = namedTypes;
    }

    public ImmutableArray<TypeSpec> Types => _types.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToImmutableArray();

    /// <summary>Reads every entry of the top-level <c>types</c> object, so unused types are generated too.</summary>
    public void ReadNamedTypes()
    {
        if (_namedTypes is null)
        {
            return;
        }

        foreach (var property in _namedTypes.Properties)
        {
            ResolveNamed(property.Name, property.Value);
        }
    }

    public TypeRef Read(DocNode node, string suggestedName, bool checkKeys = true)
    {
        _context.CancellationToken.ThrowIfCancellationRequested();
        if (_context.AsObject(node, "schema") is not { } schema)
        {
            return TypeRef.Any;
        }

        if (checkKeys)
        {
            _context.CheckKeys(schema, SchemaKeys, "a schema");
        }

        if (_context.String(schema, "$ref") is { } reference)
        {
            const string prefix = "#/types/";
            var target = reference.StartsWith(prefix, StringComparison.Ordinal) ? reference.Substring(prefix.Length) : null;
            if (target is null || _namedTypes?.Find(target) is not { } definition)
            {
                _context.Report(DiagnosticDescriptors.UnresolvedReference, schema.Get("$ref")!, reference, "references must name an entry of the top-level 'types' object, as \"#/types/Name\"");
                return TypeRef.Any;
            }

            return ResolveNamed(target, definition.Value);
        }

        var (type, nullable) = ReadType(schema);
        var format = _context.String(schema, "format");
        var description = _context.String(schema, "description");

        if (schema.Get("enum") is { } enumNode && _context.AsArray(enumNode, "enum") is { } values)
        {
            var members = new List<EnumValueSpec>();
            foreach (var item in values.Items)
            {
                if (item is DocScalar { Kind: ScalarKind.String or ScalarKind.Number } scalar)
                {
                    members.Add(new EnumValueSpec(scalar.Text));
                }
                else if (item is DocScalar { Kind: ScalarKind.Null })
                {
                    nullable = true;
                }
                else
                {
                    _context.Report(DiagnosticDescriptors.WrongValueType, item, "enum value", "a string or number", DocContext.Describe(item));
                }
            }

            if (members.Count > 0)
            {
                AddType(new TypeSpec
                {
                    Name = suggestedName,
                    Kind = TypeSpecKind.Enum,
                    Description = description,
                    EnumValues = members.ToEquatableArray(),
                    EnumIsInteger = type == "integer",
                });
                return TypeRef.Named(suggestedName).AsNullable(nullable);
            }
        }

        switch (type)
        {
            case "string":
                return Primitive(format).AsNullable(nullable);
            case "integer":
                return new TypeRef(Numbers.IntegerKind(format, new[] { "minimum", "maximum", "default" }.Select(k => (schema.Get(k) as DocScalar) is { Kind: ScalarKind.Number } n ? n.Text : null)), Nullable: nullable);
            case "number":
                return new TypeRef(format == "decimal" ? TypeKind.Decimal : TypeKind.Double, Nullable: nullable);
            case "boolean":
                return new TypeRef(TypeKind.Boolean, Nullable: nullable);
            case "array":
                var item = schema.Get("items") is { } items ? Read(items, suggestedName + "Item") : TypeRef.Any;
                return TypeRef.ArrayOf(item).AsNullable(nullable);
            case "object":
            case null when schema.Get("properties") is not null:
                return ReadObject(schema, suggestedName, description).AsNullable(nullable);
            default:
                return TypeRef.Any.AsNullable(nullable);
        }
    }

    private TypeRef ResolveNamed(string name, DocNode definition)
    {
        if (_types.ContainsKey(name) || _resolving.Contains(name))
        {
            return TypeRef.Named(name);
        }

        _resolving.Add(name);
        try
        {
            var type = Read(definition, name);

            // A named schema that is a primitive or an array stays that type; objects and enums are already registered.
            return type;
        }
        finally
        {
            _resolving.Remove(name);
        }
    }

    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);

    private TypeRef ReadObject(DocObject schema, string name, string? description)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (_context.Array(schema, "required") is { } requiredArray)
        {
            foreach (var item in requiredArray.Items)
            {
                if (_context.AsString(item, "required") is { } key)
                {
                    required.Add(key);
                }
            }
        }

        var additional = schema.Get("additionalProperties");
        var properties = new List<PropertySpec>();
        if (_context.Object(schema, "properties") is { } props)
        {
            // Registered before the properties are read, so a self-reference resolves to this type.
            _resolving.Add(name);
            foreach (var property in props.Properties)
            {
                var propertyType = Read(property.Value, name + Naming.ToPascal(property.Name, "Property"));
                var propertySchema = property.Value as DocObject;
                properties.Add(new PropertySpec
                {
                    JsonName = property.Name,
                    Type = propertyType,
                    Required = required.Contains(property.Name),
                    Description = propertySchema is null ? null : _context.String(propertySchema, "description"),
                    Default = propertySchema?.Get("default") is DocScalar d && d.Kind != ScalarKind.Null ? JsonLiteral(d) : null,
                    Constraints = propertySchema is null ? null : ReadConstraints(propertySchema),
                });
            }

            _resolving.Remove(name);
        }
        else if (additional is DocObject valueSchema)
        {
            return new TypeRef(TypeKind.Map, Item: Read(valueSchema, name + "Value"));
        }
        else
        {
            return TypeRef.Any;
        }

        AddType(new TypeSpec
        {
            Name = name,
            Kind = TypeSpecKind.Object,
            Description = description,
            Properties = properties.ToEquatableArray(),
            AdditionalProperties = additional is DocObject extra ? Read(extra, name + "AdditionalProperty") : null,
        });
        return TypeRef.Named(name);
    }

    private void AddType(TypeSpec type)
    {
        if (!_types.ContainsKey(type.Name))
        {
            _types.Add(type.Name, type);
        }
    }

    public ConstraintsSpec? ReadConstraints(DocObject schema)
    {
        var constraints = new ConstraintsSpec
        {
            MinLength = (int?)_context.Integer(schema, "minLength"),
            MaxLength = (int?)_context.Integer(schema, "maxLength"),
            Minimum = (schema.Get("minimum") as DocScalar) is { Kind: ScalarKind.Number } min ? min.Text : null,
            Maximum = (schema.Get("maximum") as DocScalar) is { Kind: ScalarKind.Number } max ? max.Text : null,
            Pattern = _context.String(schema, "pattern"),
            MinItems = (int?)_context.Integer(schema, "minItems"),
            MaxItems = (int?)_context.Integer(schema, "maxItems"),
        };
        return constraints == new ConstraintsSpec() ? null : constraints;
    }

    private (string? Type, bool Nullable) ReadType(DocObject schema)
    {
        var nullable = _context.Bool(schema, "nullable") ?? false;
        var node = schema.Get("type");
        string? type = null;
        if (node is DocArray array)
        {
            foreach (var item in array.Items)
            {
                var name = CheckTypeName(item);
                if (name == "null")
                {
                    nullable = true;
                }
                else if (name is not null)
                {
                    type ??= name;
                }
            }
        }
        else if (node is not null)
        {
            type = CheckTypeName(node);
            if (type == "null")
            {
                type = null;
                nullable = true;
            }
        }

        return (type, nullable);
    }

    private string? CheckTypeName(DocNode node)
    {
        var text = _context.AsString(node, "type");
        if (text is null)
        {
            return null;
        }

        foreach (var (name, _) in TypeNames)
        {
            if (name == text)
            {
                return name;
            }
        }

        _context.Report(DiagnosticDescriptors.InvalidEnumValue, node, text, "schema type", string.Join(", ", TypeNames.Select(t => t.Item1)));
        return null;
    }

    internal static TypeRef Primitive(string? format) => format switch
    {
        "date-time" => new TypeRef(TypeKind.DateTime),
        "date" => new TypeRef(TypeKind.Date),
        "uuid" => new TypeRef(TypeKind.Guid),
        "uri" => new TypeRef(TypeKind.Uri),
        "byte" => new TypeRef(TypeKind.Bytes),
        "binary" => new TypeRef(TypeKind.Stream),
        _ => TypeRef.String,
    };

    /// <summary>A default value as the text it is kept in: the string itself, or a number/boolean as written.</summary>
    public static string JsonLiteral(DocScalar scalar) => scalar.Text;
}
