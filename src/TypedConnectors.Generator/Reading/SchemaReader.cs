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
        "type",
        "format",
        "enum",
        "properties",
        "required",
        "items",
        "nullable",
        "description",
        "default",
        "additionalProperties",
        "$ref",
        "maxLength",
        "minLength",
        "minimum",
        "maximum",
        "pattern",
        "title",
        "minItems",
        "maxItems",
        "examples",
        "example",
        "readOnly",
        "deprecated",
    };

    private static readonly (string, string)[] TypeNames =
    {
        ("string", "string"),
        ("integer", "integer"),
        ("number", "number"),
        ("boolean", "boolean"),
        ("object", "object"),
        ("array", "array"),
        ("null", "null"),
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

        // A parameter's shorthand shares some keywords with a schema, but not all ("required" is a boolean there).
        if (checkKeys)
        {
            _context.CheckKeys(schema, SchemaKeys, "a schema");
            CheckKeywords(schema);
        }
        else if (schema.Get("items") is { } shorthandItems)
        {
            _context.AsObject(shorthandItems, "items");
        }
        if (_context.String(schema, "$ref") is { } reference)
        {
            const string prefix = "#/types/";
            var target = reference.StartsWith(prefix, StringComparison.Ordinal) ? reference.Substring(prefix.Length) : null;
            if (target is null || _namedTypes?.Find(target) is not { } definition)
            {
                _context.Report(
                    DiagnosticDescriptors.UnresolvedReference,
                    schema.Get("$ref")!,
                    reference,
                    "references must name an entry of the top-level 'types' object, as \"#/types/Name\""
                );
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
                if (item is DocScalar { Kind: ScalarKind.Null })
                {
                    nullable = true;
                }
                else if (item is not DocScalar { Kind: ScalarKind.String or ScalarKind.Number })
                {
                    _context.Report(
                        DiagnosticDescriptors.WrongValueType,
                        item,
                        "enum value",
                        "a string or number",
                        DocContext.Describe(item)
                    );
                }
                else if (CheckValue(item, schema, "enum value") is { } text)
                {
                    members.Add(new EnumValueSpec(text));
                }
            }

            if (members.Count > 0)
            {
                AddType(
                    new TypeSpec
                    {
                        Name = suggestedName,
                        Kind = TypeSpecKind.Enum,
                        Description = description,
                        EnumValues = members.ToEquatableArray(),
                        EnumIsInteger = type == "integer",
                    }
                );
                return TypeRef.Named(suggestedName).AsNullable(nullable);
            }
        }

        switch (type)
        {
            case "string":
                return Primitive(format).AsNullable(nullable);
            case "integer":
                return new TypeRef(
                    Numbers.IntegerKind(
                        format,
                        new[] { "minimum", "maximum", "default" }.Select(k =>
                            (schema.Get(k) as DocScalar) is { Kind: ScalarKind.Number } n ? n.Text : null
                        )
                    ),
                    Nullable: nullable
                );
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
                properties.Add(
                    new PropertySpec
                    {
                        JsonName = property.Name,
                        Type = propertyType,
                        Required = required.Contains(property.Name),
                        Description = propertySchema is null ? null : _context.String(propertySchema, "description"),
                        Default = propertySchema?.Get("default") is DocScalar d && d.Kind != ScalarKind.Null ? JsonLiteral(d) : null,
                        Constraints = propertySchema is null ? null : ReadConstraints(propertySchema),
                    }
                );
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

        AddType(
            new TypeSpec
            {
                Name = name,
                Kind = TypeSpecKind.Object,
                Description = description,
                Properties = properties.ToEquatableArray(),
                AdditionalProperties = additional is DocObject extra ? Read(extra, name + "AdditionalProperty") : null,
            }
        );
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
            Minimum = _context.Number(schema, "minimum"),
            Maximum = _context.Number(schema, "maximum"),
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

        _context.Report(
            DiagnosticDescriptors.InvalidEnumValue,
            node,
            text,
            "schema type",
            string.Join(", ", TypeNames.Select(t => t.Item1))
        );
        return null;
    }

    /// <summary>
    /// Type-checks the keywords of a schema object that reading may not look at on every path (a <c>$ref</c> with
    /// siblings, items of a non-array, keywords that only document), so connector.schema.json's types hold everywhere.
    /// Reading the same node again later reports nothing twice.
    /// </summary>
    private void CheckKeywords(DocObject schema)
    {
        if (!_context.Strict)
        {
            return;
        }

        _context.String(schema, "format");
        _context.String(schema, "description");
        _context.String(schema, "title");
        _context.Bool(schema, "nullable");
        _context.Bool(schema, "readOnly");
        _context.Bool(schema, "deprecated");
        _context.Object(schema, "properties");
        if (_context.Array(schema, "required") is { } required)
        {
            foreach (var item in required.Items)
            {
                _context.AsString(item, "required");
            }
        }

        if (schema.Get("items") is { } items)
        {
            _context.AsObject(items, "items");
        }

        if (schema.Get("additionalProperties") is { } additional and not DocObject and not DocScalar { Kind: ScalarKind.Boolean })
        {
            _context.Report(
                DiagnosticDescriptors.WrongValueType,
                additional,
                "additionalProperties",
                "true, false or a schema",
                DocContext.Describe(additional)
            );
        }

        CheckConstraints(schema, ReadConstraints(schema));

        if (schema.Get("default") is { } defaultValue)
        {
            CheckValue(defaultValue, schema, "default");
        }

        if (schema.Get("example") is { } example)
        {
            CheckValue(example, schema, "example");
        }

        if (_context.Array(schema, "examples") is { } examples)
        {
            foreach (var item in examples.Items)
            {
                CheckValue(item, schema, "examples item");
            }
        }
    }

    /// <summary>Length and item-count limits are counts: connector.schema.json gives them a minimum of 0.</summary>
    public void CheckConstraints(DocObject schema, ConstraintsSpec? constraints)
    {
        if (constraints is null)
        {
            return;
        }

        foreach (
            var (key, value) in new[]
            {
                ("minLength", constraints.MinLength),
                ("maxLength", constraints.MaxLength),
                ("minItems", constraints.MinItems),
                ("maxItems", constraints.MaxItems),
            }
        )
        {
            if (value < 0)
            {
                _context.Report(DiagnosticDescriptors.ValueOutOfRange, schema.Get(key)!, key, "must be at least 0");
            }
        }

        // The pattern is compiled into the generated validation; one that does not compile would fail every call.
        if (constraints.Pattern is { } pattern && !TemplateSyntax.IsValidRegex(pattern))
        {
            _context.Report(DiagnosticDescriptors.ValueOutOfRange, schema.Get("pattern")!, "pattern", "is not a valid regular expression");
        }
    }

    /// <summary>
    /// Checks that <paramref name="value"/> (a default, enum member or example) is a value of the type
    /// <paramref name="schema"/> declares, as written: the string "30" is not the integer 30. Returns the value as text
    /// when it is a scalar of that type; null (reported) when it is not, or when it is null.
    /// </summary>
    public string? CheckValue(DocNode value, DocObject schema, string key, string? implicitType = null)
    {
        var (types, nullable) = DeclaredType(schema, 0);
        if (types.Count == 0 && implicitType is not null)
        {
            types.Add(implicitType);
        }

        var declared = string.Join(" or ", types);
        var expected = string.Join(" or ", types.Select(Expected));
        if (value is DocScalar { Kind: ScalarKind.Null })
        {
            // "No value" for a default; a value of its own elsewhere, allowed when the type says so.
            if (key != "default" && types.Count > 0 && !nullable)
            {
                _context.Report(
                    DiagnosticDescriptors.WrongValueType,
                    value,
                    key,
                    expected + " (the declared type is " + declared + ", not nullable)",
                    "null"
                );
            }

            return null;
        }

        if (types.Count > 0 && !types.Any(type => Fits(value, type)))
        {
            _context.Report(
                DiagnosticDescriptors.WrongValueType,
                value,
                key,
                expected + " (the declared type is " + declared + ")",
                DocContext.Describe(value)
            );
            return null;
        }

        // A default or example of an enum is one of its members: anything else has no C# value to stand for.
        if (
            key != "enum value"
            && value is DocScalar member
            && EnumOf(schema, 0) is { } members
            && !members.Any(m => m.Kind == member.Kind && m.Text == member.Text)
        )
        {
            _context.Report(
                DiagnosticDescriptors.InvalidEnumValue,
                value,
                member.Text,
                key,
                string.Join(", ", members.Select(m => m.Text))
            );
            return null;
        }

        return value is DocScalar scalar ? scalar.Text : null;
    }

    /// <summary>The members of the enum a schema declares (through <c>#/types/</c> references); null when it declares none.</summary>
    private List<DocScalar>? EnumOf(DocObject schema, int depth)
    {
        if (
            depth < 16
            && schema.Get("$ref") is DocScalar { Kind: ScalarKind.String } reference
            && reference.Text.StartsWith("#/types/", StringComparison.Ordinal)
            && _namedTypes?.Find(reference.Text.Substring("#/types/".Length))?.Value is DocObject target
        )
        {
            return EnumOf(target, depth + 1);
        }

        return schema.Get("enum") is DocArray values
            ? values.Items.OfType<DocScalar>().Where(v => v.Kind is ScalarKind.String or ScalarKind.Number).ToList()
            : null;
    }

    private static bool Fits(DocNode value, string type) =>
        type switch
        {
            "string" => value is DocScalar { Kind: ScalarKind.String },
            "integer" => value is DocScalar { Kind: ScalarKind.Number } n && IsWholeNumber(n.Text),
            "number" => value is DocScalar { Kind: ScalarKind.Number },
            "boolean" => value is DocScalar { Kind: ScalarKind.Boolean },
            "array" => value is DocArray,
            "object" => value is DocObject,
            _ => true,
        };

    private static string Expected(string type) =>
        type switch
        {
            "integer" => "a whole number",
            "number" => "a number",
            "boolean" => "true or false",
            "array" => "an array",
            "object" => "an object",
            _ => "a " + type,
        };

    private static bool IsWholeNumber(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)
        || (
            double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            && !double.IsInfinity(d)
            && d == Math.Floor(d)
        );

    /// <summary>The JSON type a schema declares (through <c>#/types/</c> references), without reporting anything.</summary>
    private (List<string> Types, bool Nullable) DeclaredType(DocObject schema, int depth)
    {
        if (
            depth < 16
            && schema.Get("$ref") is DocScalar { Kind: ScalarKind.String } reference
            && reference.Text.StartsWith("#/types/", StringComparison.Ordinal)
            && _namedTypes?.Find(reference.Text.Substring("#/types/".Length))?.Value is DocObject target
        )
        {
            return DeclaredType(target, depth + 1);
        }

        var nullable = schema.Get("nullable") is DocScalar { Kind: ScalarKind.Boolean, Text: "true" };
        var names = schema.Get("type") switch
        {
            DocScalar { Kind: ScalarKind.String } single => new[] { single.Text },
            DocArray list => list.Items.OfType<DocScalar>().Where(i => i.Kind == ScalarKind.String).Select(i => i.Text).ToArray(),
            _ => System.Array.Empty<string>(),
        };
        nullable |= names.Contains("null");

        // An unknown type name is reported where the type is read; a value is then not held to it.
        var types = names.Where(n => n != "null").Distinct(StringComparer.Ordinal).ToList();
        return (types.All(t => TypeNames.Any(known => known.Item1 == t)) ? types : new List<string>(), nullable);
    }

    internal static TypeRef Primitive(string? format) =>
        format switch
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
