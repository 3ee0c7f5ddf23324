using System.Collections.Immutable;
using System.Globalization;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>
/// Maps OpenAPI / JSON Schema (2.0 definitions, 3.0 and 3.1 schemas) to TypeRefs and generated TypeSpecs.
/// </summary>
/// <remarks>
/// Every schema location maps once (cached by node, then by <c>path#pointer</c>), so a schema reached through many
/// references is one type, recursion ends at the named type, and the cost is linear in the document. Component schemas keep their names;
/// inline schemas are named after where they first appear (Pet + status → PetStatus; an operation's body →
/// CreatePetRequest), made unique deterministically in document order.
/// </remarks>
internal sealed partial class OpenApiSchemas
{
    private static readonly string[] VariantKeys = { "oneOf", "anyOf" };
    private static readonly ConstraintsSpec NoConstraints = new();

    private static readonly string[] Structural =
    {
        "components",
        "schemas",
        "definitions",
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "additionalProperties",
        "content",
        "schema",
        "paths",
        "$defs",
    };

    private readonly OpenApiContext _context;
    private readonly Dictionary<string, TypeSpec> _types = new(StringComparer.Ordinal);

    // Locations are told apart by node: every site's node is the one its pointer names, and in a tree a node is one
    // location, so no property schema's pointer is spelled out. Where a YAML alias puts one node at several places
    // (SourceFile.SharesNodes), each place is its own schema, keyed by its text.
    private readonly Dictionary<DocNode, TypeRef> _byNode = new();
    private readonly Dictionary<string, TypeRef> _byKey = new(StringComparer.Ordinal);
    private readonly List<Site> _inProgress = new();
    private readonly Dictionary<DocNode, (string Pointer, string Name)> _componentNames = new();
    private readonly HashSet<string> _componentNameSet = new(StringComparer.Ordinal);

    // Records whose TypeSpec is still being built (their properties are being read): already usable as base types.
    private readonly HashSet<string> _pendingObjects = new(StringComparer.Ordinal);
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);
    private readonly List<PolymorphicIntent> _intents = new();
    private readonly Dictionary<string, string> _bySignature = new(StringComparer.Ordinal);

    public OpenApiSchemas(OpenApiContext context) => _context = context;

    private ApiDocument Main => _context.Main;

    /// <summary>The object holding the named schemas of a document: components/schemas (3.x) or definitions (2.0).</summary>
    public static (DocObject? Schemas, string Pointer) NamedSchemas(ApiDocument document)
    {
        if (document.Get(document.Root, "components") is DocObject components && document.Get(components, "schemas") is DocObject schemas)
        {
            return (schemas, "/components/schemas");
        }

        return document.Get(document.Root, "definitions") is DocObject definitions ? (definitions, "/definitions") : (null, "");
    }

    /// <summary>Claims the names of all component schemas up front, so inline schemas never take them whatever the order.</summary>
    public void ReserveComponentNames()
    {
        var (schemas, pointer) = NamedSchemas(Main);
        if (schemas is null)
        {
            return;
        }

        foreach (var property in schemas.Properties)
        {
            if (IsFirst(schemas, property))
            {
                _componentNames.Add(property.Value, (pointer + "/" + Pointer.Escape(property.Name), property.Name));
                _componentNameSet.Add(property.Name);
                _claimed.Add(Canonical(property.Name));
            }
        }
    }

    /// <summary>Maps every component schema, so unused ones are generated too.</summary>
    public void MapComponents()
    {
        var (schemas, pointer) = NamedSchemas(Main);
        if (schemas is null)
        {
            return;
        }

        foreach (var property in schemas.Properties)
        {
            _context.CancellationToken.ThrowIfCancellationRequested();
            // A repeated key (reported as TC0028) names the first one's location, which is mapped already.
            if (IsFirst(schemas, property))
            {
                MapTarget(new Site(Main, property.Value, pointer + "/" + Pointer.Escape(property.Name)));
            }
        }
    }

    /// <summary>Maps a schema (inline or <c>$ref</c>); <paramref name="suggestedName"/> names it if it becomes a new type.</summary>
    public TypeRef Map(Site site, SuggestedName suggestedName)
    {
        _context.CancellationToken.ThrowIfCancellationRequested();
        if (site.Node is DocScalar { Kind: ScalarKind.Boolean })
        {
            return TypeRef.Any;
        }

        if (site.Node is not DocObject obj)
        {
            _context.Warn(
                site.Document,
                site.Node,
                "a schema must be an object, not " + DocContext.Describe(site.Node) + "; typed as JsonElement"
            );
            return TypeRef.Any;
        }

        if (OpenApiContext.IsReference(site))
        {
            if (!_context.TryResolve(site, out var target))
            {
                return TypeRef.Any;
            }

            var result = MapTarget(target);
            return Bool(site, obj, "nullable") == true || Bool(site, obj, "x-nullable") == true ? result.AsNullable() : result;
        }

        return TryCached(site, out var cached) ? cached : MapLocation(site, suggestedName, named: false);
    }

    /// <summary>A reference target: named after its component key (or its location) and cached.</summary>
    public TypeRef MapTarget(Site target)
    {
        if (TryCached(target, out var cached))
        {
            return cached;
        }

        if (target.Node is not DocObject)
        {
            return Map(target, "Model");
        }

        var component = ComponentName(target);
        return MapLocation(target, component ?? NameFromPointer(target.Pointer), component is not null);
    }

    private TypeRef MapLocation(Site site, SuggestedName name, bool named)
    {
        foreach (var open in _inProgress)
        {
            if (open.SameLocation(site))
            {
                // A schema that contains itself without passing through a named type (an array of itself): no finite C# type.
                return TypeRef.Any;
            }
        }

        if (_inProgress.Count >= ReadLimits.MaxSchemaNesting)
        {
            _context.Warn(
                site.Document,
                site.Node,
                "schemas nest more than "
                    + ReadLimits.MaxSchemaNesting
                    + " deep here (each one's property refers to the next); this one is typed as JsonElement"
            );
            return TypeRef.Any;
        }

        _inProgress.Add(site);
        try
        {
            var result = MapSchema(site, (DocObject)site.Node, name, named);
            Cache(site, result);
            return result;
        }
        finally
        {
            _inProgress.RemoveAt(_inProgress.Count - 1);
        }
    }

    private bool TryCached(Site site, out TypeRef type) =>
        site.Document.File.SharesNodes ? _byKey.TryGetValue(site.Key, out type!) : _byNode.TryGetValue(site.Node, out type!);

    private void Cache(Site site, TypeRef type)
    {
        if (site.Document.File.SharesNodes)
        {
            _byKey[site.Key] = type;
        }
        else
        {
            _byNode[site.Node] = type;
        }
    }

    /// <summary>The component name of the schema at this location, when it is one of the main document's component schemas.</summary>
    private string? ComponentName(Site site) =>
        _componentNames.TryGetValue(site.Node, out var component) && (!site.Document.File.SharesNodes || site.Pointer == component.Pointer)
            ? component.Name
            : null;

    /// <summary>Whether this is the first property of its name in the object (a repeated key is reported and ignored).</summary>
    private static bool IsFirst(DocObject obj, DocProperty property) => ReferenceEquals(obj.Find(property.Name)?.Value, property.Value);

    public ImmutableArray<TypeSpec> Finish()
    {
        ApplyPolymorphism();
        RemoveInheritedMembers();
        return _types.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToImmutableArray();
    }

    public TypeSpec? Find(TypeRef type) =>
        type is { Kind: TypeKind.Named, Name: { } name } && _types.TryGetValue(name, out var spec) ? spec : null;

    public ConstraintsSpec? Constraints(Site site) => Constraints(site, 0);

    private ConstraintsSpec? Constraints(Site site, int depth)
    {
        if (!_context.TryResolve(site, out var target) || target.Node is not DocObject schema)
        {
            return null;
        }

        var document = target.Document;
        int? Int(string key) =>
            document.Get(schema, key) is DocScalar { Kind: ScalarKind.Number } n
            && long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            && v >= 0
            && v <= int.MaxValue
                ? (int)v
                : null;
        string? Number(string key) => document.Get(schema, key) is DocScalar { Kind: ScalarKind.Number } n ? n.Text : null;
        // OpenAPI 3.1 states an exclusive bound as a number of its own; 3.0 and 2.0 as a flag on minimum/maximum.
        // With both a minimum and a numeric exclusiveMinimum, the stricter one applies.
        (string? Bound, bool Exclusive) Bound(string inclusiveKey, string exclusiveKey, bool isMinimum)
        {
            var inclusive = Number(inclusiveKey);
            var exclusiveNode = document.Get(schema, exclusiveKey) as DocScalar;
            if (exclusiveNode is { Kind: ScalarKind.Number } exclusive)
            {
                var stricter =
                    inclusive is null
                    || !Numbers.TryParse(inclusive, out _, out var a)
                    || !Numbers.TryParse(exclusive.Text, out _, out var b)
                    || (isMinimum ? b >= a : b <= a);
                return stricter ? (exclusive.Text, true) : (inclusive, false);
            }

            return (inclusive, inclusive is not null && exclusiveNode is { Kind: ScalarKind.Boolean, Text: "true" });
        }

        var (minimum, exclusiveMinimum) = Bound("minimum", "exclusiveMinimum", isMinimum: true);
        var (maximum, exclusiveMaximum) = Bound("maximum", "exclusiveMaximum", isMinimum: false);
        var constraints = new ConstraintsSpec
        {
            MinLength = Int("minLength"),
            MaxLength = Int("maxLength"),
            Minimum = minimum,
            Maximum = maximum,
            ExclusiveMinimum = exclusiveMinimum,
            ExclusiveMaximum = exclusiveMaximum,
            Pattern = document.Get(schema, "pattern") is DocScalar { Kind: ScalarKind.String } p ? p.Text : null,
            MinItems = Int("minItems"),
            MaxItems = Int("maxItems"),
        };
        if (constraints != NoConstraints)
        {
            return constraints;
        }

        // A nullable value written as anyOf/oneOf [{ type: string, maxLength: 2048 }, { type: 'null' }] (OpenAPI 3.1,
        // e.g. Databar's body_template) is mapped to its one non-null branch, and so are that branch's limits.
        return depth < 8 && SingleNonNullVariant(target) is { } variant ? Constraints(variant, depth + 1) : null;
    }

    private Site? SingleNonNullVariant(Site site)
    {
        foreach (var key in VariantKeys)
        {
            if (site.Child(key) is not { Node: DocArray array } list)
            {
                continue;
            }

            Site? found = null;
            for (var i = 0; i < array.Items.Count; i++)
            {
                var item = list.Item(array, i);
                if (IsNullSchema(item))
                {
                    continue;
                }

                if (found is not null)
                {
                    return null;
                }

                found = item;
            }

            return found;
        }

        return null;
    }

    /// <summary>The schema's default as plain text, when it is a scalar.</summary>
    public string? Default(Site site) =>
        _context.TryResolve(site, out var target)
        && target.Node is DocObject schema
        && target.Document.Get(schema, "default") is DocScalar { Kind: not ScalarKind.Null } d
            ? d.Text
            : null;

    public string? Description(Site site)
    {
        if (site.Node is not DocObject obj)
        {
            return null;
        }

        if (Text(site.Document, obj, "description") is { } own)
        {
            return own;
        }

        return _context.TryResolve(site, out var target) && target.Node is DocObject resolved
            ? Text(target.Document, resolved, "description") ?? Text(target.Document, resolved, "title")
            : null;
    }

    private TypeRef MapSchema(Site site, DocObject obj, SuggestedName suggested, bool named)
    {
        // Scalars make no type: the name is spelled only for the schemas that do.
        string? name = null;
        string Name() => name ??= suggested.ToString();
        var document = site.Document;
        var (type, severalTypes, nullable) = ReadTypes(site, obj);

        var variants = Array(site, "oneOf") ?? Array(site, "anyOf");
        if (variants is { } list)
        {
            if (Array(site, "oneOf") is not null && Array(site, "anyOf") is not null)
            {
                _context.Unsupported(document, obj, "a schema with both oneOf and anyOf (only oneOf is used)");
            }

            var nonNull = new List<Site>();
            foreach (var variant in list)
            {
                if (IsNullSchema(variant))
                {
                    nullable = true;
                }
                else
                {
                    nonNull.Add(variant);
                }
            }

            if (nonNull.Count == 1 && HasNoProperties(site, obj))
            {
                var single = Map(nonNull[0], Name());
                return single.AsNullable(nullable || single.Nullable);
            }

            if (nonNull.Count > 1)
            {
                return MapVariants(site, obj, nonNull, Name(), named).AsNullable(nullable);
            }
        }

        if (Array(site, "allOf") is { } parts && parts.Count > 0)
        {
            return MapAllOf(site, obj, parts, Name(), named, nullable);
        }

        if (document.Get(obj, "enum") is DocArray enumValues && MapEnum(site, obj, enumValues, type, Name(), ref nullable) is { } enumType)
        {
            return enumType.AsNullable(nullable);
        }

        if (severalTypes)
        {
            // ["string", "integer"]: no single C# type; the JSON stays as it is.
            return TypeRef.Any.AsNullable(nullable);
        }

        var format = Text(document, obj, "format");
        switch (type)
        {
            case "string":
                return StringType(format).AsNullable(nullable);
            case "integer":
                return new TypeRef(Numbers.IntegerKind(format, SchemaNumbers(document, obj)), Nullable: nullable);
            case "number":
                return (
                    format switch
                    {
                        "decimal" => new TypeRef(TypeKind.Decimal),
                        "int32" => new TypeRef(TypeKind.Int32),
                        "int64" => new TypeRef(TypeKind.Int64),
                        _ => new TypeRef(TypeKind.Double),
                    }
                ).AsNullable(nullable);
            case "boolean":
                return new TypeRef(TypeKind.Boolean, Nullable: nullable);
            case "file":
                return new TypeRef(TypeKind.Stream, Nullable: nullable);
            case "array":
                if (site.Child("prefixItems") is { } prefix && site.Child("items") is null)
                {
                    _context.Unsupported(document, prefix.Node, "prefixItems (tuples)");
                }

                var item = site.Child("items") is { } items ? Map(items, Name() + "Item") : TypeRef.Any;
                return TypeRef.ArrayOf(item).AsNullable(nullable);
            case "object":
            case null
                when document.Get(obj, "properties") is not null
                    || document.Get(obj, "additionalProperties") is not null
                    || document.Get(obj, "discriminator") is not null:
                return MapObject(site, obj, Name(), named).AsNullable(nullable);
            case null when document.Get(obj, "items") is not null:
                return TypeRef.ArrayOf(Map(site.Child("items")!.Value, Name() + "Item")).AsNullable(nullable);
            default:
                return TypeRef.Any.AsNullable(nullable);
        }
    }

    /// <summary>The numbers a schema states about its values, which decide how wide an unformatted integer must be.</summary>
    private static IEnumerable<string?> SchemaNumbers(ApiDocument document, DocObject obj)
    {
        foreach (var key in new[] { "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "default" })
        {
            yield return document.Get(obj, key) is DocScalar { Kind: ScalarKind.Number } n ? n.Text : null;
        }

        // An exclusive bound excludes itself: the integer next to it must fit too (exclusiveMaximum: -2147483648 allows
        // only values below Int32's range). 3.1 writes the bound as a number of its own, 2.0 and 3.0 as a flag.
        foreach (var (bound, flag, step) in new[] { ("minimum", "exclusiveMinimum", 1), ("maximum", "exclusiveMaximum", -1) })
        {
            var text =
                document.Get(obj, flag) is DocScalar { Kind: ScalarKind.Number } own ? own.Text
                : document.Get(obj, flag) is DocScalar { Kind: ScalarKind.Boolean, Text: "true" }
                && document.Get(obj, bound) is DocScalar { Kind: ScalarKind.Number } flagged
                    ? flagged.Text
                : null;
            if (text is not null && Numbers.TryParse(text, out var exact, out _) && exact is { } value)
            {
                var next = step > 0 ? decimal.Floor(value) + 1 : decimal.Ceiling(value) - 1;
                yield return next.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (document.Get(obj, "enum") is DocArray values)
        {
            foreach (var value in values.Items)
            {
                yield return value is DocScalar { Kind: ScalarKind.Number } n ? n.Text : null;
            }
        }
    }

    private static TypeRef StringType(string? format) =>
        format switch
        {
            "date-time" => new TypeRef(TypeKind.DateTime),
            "date" => new TypeRef(TypeKind.Date),
            "uuid" or "guid" => new TypeRef(TypeKind.Guid),
            "uri" or "url" => new TypeRef(TypeKind.Uri),
            "byte" => new TypeRef(TypeKind.Bytes),
            "binary" => new TypeRef(TypeKind.Stream),
            _ => TypeRef.String,
        };

    /// <summary>
    /// The non-null type from <c>type</c> (a string or a 3.1 array) when it names exactly one, whether it names several,
    /// and the nullability from <c>type</c>, 3.0 <c>nullable</c> and 2.0 <c>x-nullable</c>.
    /// </summary>
    private (string? Type, bool Several, bool Nullable) ReadTypes(Site site, DocObject obj)
    {
        var nullable = Bool(site, obj, "nullable") == true || Bool(site, obj, "x-nullable") == true;
        switch (site.Document.Get(obj, "type"))
        {
            case DocScalar { Kind: ScalarKind.String } s:
                return s.Text == "null" ? (null, false, true) : (s.Text, false, nullable);
            case DocArray array:
                var types = new List<string>(array.Items.Count);
                foreach (var item in array.Items)
                {
                    if (item is DocScalar { Kind: ScalarKind.String } t)
                    {
                        if (t.Text == "null")
                        {
                            nullable = true;
                        }
                        else if (!types.Contains(t.Text))
                        {
                            types.Add(t.Text);
                        }
                    }
                }

                // 3.0 schemas often say integer | number: one JSON number type is enough.
                if (types.Count == 2 && types.Contains("integer") && types.Contains("number"))
                {
                    types.Remove("integer");
                }

                return (types.Count == 1 ? types[0] : null, types.Count > 1, nullable);
            case null:
                return (null, false, nullable);
            case { } other:
                _context.Warn(site.Document, other, "'type' must be a string or an array of strings, not " + DocContext.Describe(other));
                return (null, false, nullable);
        }
    }

    private bool? Bool(Site site, DocObject obj, string key) => _context.Bool(site.Document, obj, key);

    private static string? Text(ApiDocument document, DocObject obj, string key) =>
        document.Get(obj, key) is DocScalar { Kind: ScalarKind.String or ScalarKind.Number or ScalarKind.Boolean } s && s.Text.Length > 0
            ? s.Text
            : null;

    private List<Site>? Array(Site site, string key)
    {
        if (site.Child(key) is not { } child)
        {
            return null;
        }

        if (child.Node is not DocArray array)
        {
            _context.Warn(site.Document, child.Node, "'" + key + "' must be an array of schemas, not " + DocContext.Describe(child.Node));
            return null;
        }

        var result = new List<Site>(array.Items.Count);
        for (var i = 0; i < array.Items.Count; i++)
        {
            result.Add(child.Item(array, i));
        }

        return result;
    }

    /// <summary>True for <c>{type: null}</c> (3.1) or <c>{nullable: true}</c> with nothing else: the "or null" of a oneOf.</summary>
    private bool IsNullSchema(Site site)
    {
        if (site.Node is not DocObject obj || OpenApiContext.IsReference(site))
        {
            return false;
        }

        var type = site.Document.Get(obj, "type");
        if (type is DocScalar { Text: "null" })
        {
            return true;
        }

        return type is null
            && obj.Properties.All(p => p.Name is "nullable" or "description" or "title")
            && Bool(site, obj, "nullable") == true;
    }

    private bool HasNoProperties(Site site, DocObject obj) =>
        site.Document.Get(obj, "properties") is not DocObject { Properties.Count: > 0 };
}
