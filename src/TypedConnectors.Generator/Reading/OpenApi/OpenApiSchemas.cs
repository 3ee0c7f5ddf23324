using System.Collections.Immutable;
using System.Globalization;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>
/// Maps OpenAPI / JSON Schema (2.0 definitions, 3.0 and 3.1 schemas) to TypeRefs and generated TypeSpecs.
/// </summary>
/// <remarks>
/// Every schema location maps once (cache by <c>path#pointer</c>), so a schema reached through many references is one
/// type, recursion ends at the named type, and the cost is linear in the document. Component schemas keep their names;
/// inline schemas are named after where they first appear (Pet + status → PetStatus; an operation's body →
/// CreatePetRequest), made unique deterministically in document order.
/// </remarks>
internal sealed class OpenApiSchemas
{
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
    private readonly Dictionary<string, TypeRef> _byLocation = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _componentNames = new(StringComparer.Ordinal);
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
            var key = Main.Path + "#" + pointer + "/" + Pointer.Escape(property.Name);
            if (!_componentNames.ContainsKey(key))
            {
                _componentNames.Add(key, property.Name);
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
            MapTarget(new Site(Main, property.Value, pointer + "/" + Pointer.Escape(property.Name)));
        }
    }

    /// <summary>Maps a schema (inline or <c>$ref</c>); <paramref name="suggestedName"/> names it if it becomes a new type.</summary>
    public TypeRef Map(Site site, string suggestedName)
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

        if (_byLocation.TryGetValue(site.Key, out var cached))
        {
            return cached;
        }

        return MapLocation(site, suggestedName, named: false);
    }

    /// <summary>A reference target: named after its component key (or its location) and cached.</summary>
    public TypeRef MapTarget(Site target)
    {
        if (_byLocation.TryGetValue(target.Key, out var cached))
        {
            return cached;
        }

        if (target.Node is not DocObject)
        {
            return Map(target, "Model");
        }

        var name = _componentNames.TryGetValue(target.Key, out var component) ? component : NameFromPointer(target.Pointer);
        return MapLocation(target, name, named: _componentNames.ContainsKey(target.Key));
    }

    private TypeRef MapLocation(Site site, string name, bool named)
    {
        var key = site.Key;
        if (!_inProgress.Add(key))
        {
            // A schema that contains itself without passing through a named type (an array of itself): no finite C# type.
            return TypeRef.Any;
        }

        try
        {
            var result = MapSchema(site, (DocObject)site.Node, name, named);
            _byLocation[key] = result;
            return result;
        }
        finally
        {
            _inProgress.Remove(key);
        }
    }

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
        if (constraints != new ConstraintsSpec())
        {
            return constraints;
        }

        // A nullable value written as anyOf/oneOf [{ type: string, maxLength: 2048 }, { type: 'null' }] (OpenAPI 3.1,
        // e.g. Databar's body_template) is mapped to its one non-null branch, and so are that branch's limits.
        return depth < 8 && SingleNonNullVariant(target) is { } variant ? Constraints(variant, depth + 1) : null;
    }

    private Site? SingleNonNullVariant(Site site)
    {
        foreach (var key in new[] { "oneOf", "anyOf" })
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

    private TypeRef MapSchema(Site site, DocObject obj, string name, bool named)
    {
        var document = site.Document;
        var (types, nullable) = ReadTypes(site, obj);

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
                var single = Map(nonNull[0], name);
                return single.AsNullable(nullable || single.Nullable);
            }

            if (nonNull.Count > 1)
            {
                return MapVariants(site, obj, nonNull, name, named).AsNullable(nullable);
            }
        }

        if (Array(site, "allOf") is { } parts && parts.Count > 0)
        {
            return MapAllOf(site, obj, parts, name, named, nullable);
        }

        if (document.Get(obj, "enum") is DocArray enumValues && MapEnum(site, obj, enumValues, types, name, ref nullable) is { } enumType)
        {
            return enumType.AsNullable(nullable);
        }

        if (types.Count > 1)
        {
            // ["string", "integer"]: no single C# type; the JSON stays as it is.
            return TypeRef.Any.AsNullable(nullable);
        }

        var type = types.Count == 1 ? types[0] : null;
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

                var item = site.Child("items") is { } items ? Map(items, name + "Item") : TypeRef.Any;
                return TypeRef.ArrayOf(item).AsNullable(nullable);
            case "object":
            case null
                when document.Get(obj, "properties") is not null
                    || document.Get(obj, "additionalProperties") is not null
                    || document.Get(obj, "discriminator") is not null:
                return MapObject(site, obj, name, named).AsNullable(nullable);
            case null when document.Get(obj, "items") is not null:
                return TypeRef.ArrayOf(Map(site.Child("items")!.Value, name + "Item")).AsNullable(nullable);
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

    /// <summary>Non-null type names and nullability from <c>type</c> (string or 3.1 array), 3.0 <c>nullable</c> and 2.0 <c>x-nullable</c>.</summary>
    private (List<string> Types, bool Nullable) ReadTypes(Site site, DocObject obj)
    {
        var nullable = Bool(site, obj, "nullable") == true || Bool(site, obj, "x-nullable") == true;
        var types = new List<string>();
        switch (site.Document.Get(obj, "type"))
        {
            case DocScalar { Kind: ScalarKind.String } s:
                if (s.Text == "null")
                {
                    nullable = true;
                }
                else
                {
                    types.Add(s.Text);
                }

                break;
            case DocArray array:
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

                break;
            case null:
                break;
            case { } other:
                _context.Warn(site.Document, other, "'type' must be a string or an array of strings, not " + DocContext.Describe(other));
                break;
        }

        // 3.0 schemas often say integer | number: one JSON number type is enough.
        if (types.Count == 2 && types.Contains("integer") && types.Contains("number"))
        {
            types.Remove("integer");
        }

        return (types, nullable);
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

    private TypeRef? MapEnum(Site site, DocObject obj, DocArray values, List<string> types, string name, ref bool nullable)
    {
        var declared = types.Count == 1 ? types[0] : null;
        var strings = new List<string>();
        var allIntegers = true;
        foreach (var item in values.Items)
        {
            switch (item)
            {
                case DocScalar { Kind: ScalarKind.Null }:
                    nullable = true;
                    break;
                case DocScalar { Kind: ScalarKind.Number } n:
                    allIntegers &= long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
                    strings.Add(n.Text);
                    break;
                case DocScalar s:
                    allIntegers = false;
                    strings.Add(s.Text);
                    break;
                default:
                    // Object or array enum values have no C# enum form; the schema's own type is used.
                    return null;
            }
        }

        if (strings.Count == 0)
        {
            return null;
        }

        var integer =
            declared == "integer"
            || (declared is null && allIntegers && values.Items.All(v => v is DocScalar { Kind: ScalarKind.Number or ScalarKind.Null }));
        if (integer && !allIntegers)
        {
            return null;
        }

        if (
            declared is "number" or "boolean"
            || (declared is null && values.Items.All(v => v is DocScalar { Kind: ScalarKind.Boolean or ScalarKind.Null }))
        )
        {
            return null;
        }

        if (declared is not null and not "string" and not "integer")
        {
            return null;
        }

        var descriptions = site.Document.Get(obj, "x-enum-descriptions") as DocArray;
        var members = new List<EnumValueSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < strings.Count; i++)
        {
            if (seen.Add(strings[i]))
            {
                var description =
                    descriptions is not null
                    && i < descriptions.Items.Count
                    && descriptions.Items[i] is DocScalar { Kind: ScalarKind.String } d
                        ? d.Text
                        : null;
                members.Add(new EnumValueSpec(strings[i], description));
            }
        }

        var typeName = Claim(name, site);
        AddType(
            new TypeSpec
            {
                Name = typeName,
                Kind = TypeSpecKind.Enum,
                Description = Description(site),
                EnumValues = members.ToEquatableArray(),
                EnumIsInteger = integer,
            }
        );
        return TypeRef.Named(typeName);
    }

    private TypeRef MapObject(Site site, DocObject obj, string name, bool named)
    {
        var document = site.Document;
        var properties = document.Get(obj, "properties") as DocObject;
        var additional = document.Get(obj, "additionalProperties");
        var hasDiscriminator = document.Get(obj, "discriminator") is DocObject;
        if (properties is null || properties.Properties.Count == 0)
        {
            if (additional is DocObject || additional is DocScalar { Kind: ScalarKind.Boolean, Text: "true" })
            {
                if (!hasDiscriminator)
                {
                    var value = additional is DocObject ? Map(site.Child("additionalProperties")!.Value, name + "Value") : TypeRef.Any;
                    return new TypeRef(TypeKind.Map, Item: value);
                }
            }
            else if (!named && !hasDiscriminator)
            {
                // An open object without declared properties: the JSON as it is.
                return TypeRef.Any;
            }
        }

        var typeName = Claim(name, site);
        var reference = TypeRef.Named(typeName);
        _byLocation[site.Key] = reference;
        _pendingObjects.Add(typeName);
        var list = ReadProperties(site, typeName, excluded: null);
        _pendingObjects.Remove(typeName);
        var keepsExtra = additional is DocObject || additional is DocScalar { Kind: ScalarKind.Boolean, Text: "true" } || list.Count == 0;
        AddType(
            new TypeSpec
            {
                Name = typeName,
                Kind = TypeSpecKind.Object,
                Description = Description(site),
                Properties = list.ToEquatableArray(),
                AdditionalProperties = keepsExtra ? TypeRef.Any : null,
            }
        );
        RecordDiscriminator(site, obj, typeName, variants: null);
        return reference;
    }

    /// <summary>The declared properties of one schema object (not of its allOf parts).</summary>
    private List<PropertySpec> ReadProperties(Site site, string typeName, HashSet<string>? excluded, HashSet<string>? extraRequired = null)
    {
        var result = new List<PropertySpec>();
        if (site.Child("properties") is not { Node: DocObject properties } propertiesSite)
        {
            return result;
        }

        var required = RequiredNames(site);
        if (extraRequired is not null)
        {
            required.UnionWith(extraRequired);
        }

        foreach (var property in properties.Properties)
        {
            if (excluded is not null && !excluded.Add(property.Name))
            {
                continue;
            }

            var propertySite = propertiesSite.Child(property.Name)!.Value;
            var type = Map(propertySite, typeName + Naming.ToPascal(property.Name, "Property"));
            var readOnly = propertySite.Node is DocObject p && Bool(propertySite, p, "readOnly") == true;
            result.Add(
                new PropertySpec
                {
                    JsonName = property.Name,
                    Type = type,
                    Required = required.Contains(property.Name),
                    Description = Description(propertySite),
                    Default = Default(propertySite),
                    ReadOnly = readOnly,
                    Constraints = Constraints(propertySite),
                }
            );
        }

        return result;
    }

    private HashSet<string> RequiredNames(Site site)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (site.Node is DocObject obj && site.Document.Get(obj, "required") is { } node)
        {
            if (node is DocArray array)
            {
                foreach (var item in array.Items)
                {
                    if (item is DocScalar { Kind: ScalarKind.String } s)
                    {
                        required.Add(s.Text);
                    }
                }
            }
            else if (node is not DocScalar { Kind: ScalarKind.Boolean })
            {
                _context.Warn(
                    site.Document,
                    node,
                    "'required' of a schema must be an array of property names, not " + DocContext.Describe(node)
                );
            }
        }

        return required;
    }

    private TypeRef MapAllOf(Site site, DocObject obj, List<Site> parts, string name, bool named, bool nullable)
    {
        var document = site.Document;
        var hasOwnProperties = !HasNoProperties(site, obj);
        var hasDiscriminator = document.Get(obj, "discriminator") is DocObject;

        // allOf: [X] (often with a description or nullable beside it) is X itself, unless it requires more of X than X
        // does (a request body that makes `type` required): then it is a record of X's properties of its own.
        var meaningful = parts.Where(p => !IsEmptySchema(p)).ToList();
        var tightens = meaningful.Count == 1 && RequiresMore(site, meaningful[0]);
        if (meaningful.Count == 1 && !hasOwnProperties && !hasDiscriminator && !tightens)
        {
            var single = Map(meaningful[0], name);
            return single.AsNullable(nullable || single.Nullable);
        }

        var resolved = new List<(Site Part, Site Target, bool IsReference, bool ObjectLike)>();
        foreach (var part in meaningful)
        {
            if (!_context.TryResolve(part, out var target))
            {
                continue;
            }

            resolved.Add((part, target, OpenApiContext.IsReference(part), IsObjectLike(target, 0)));
        }

        if (!hasOwnProperties && !resolved.Any(r => r.ObjectLike))
        {
            // allOf of non-objects (a string with extra constraints): the first part's type.
            return resolved.Count > 0 ? Map(resolved[0].Part, name).AsNullable(nullable) : TypeRef.Any.AsNullable(nullable);
        }

        var typeName = Claim(name, site);
        var self = TypeRef.Named(typeName);
        _byLocation[site.Key] = self;
        _pendingObjects.Add(typeName);
        try
        {
            return MapComposition(site, obj, resolved, typeName, nullable, inherit: !tightens);
        }
        finally
        {
            _pendingObjects.Remove(typeName);
        }
    }

    /// <summary>Whether the schema's own <c>required</c> names a property that its one allOf part does not require.</summary>
    private bool RequiresMore(Site site, Site part)
    {
        var required = RequiredNames(site);
        if (required.Count == 0 || !_context.TryResolve(part, out var target) || target.Node is not DocObject)
        {
            return false;
        }

        var partRequired = RequiredNames(target);
        return required.Any(r => !partRequired.Contains(r));
    }

    private TypeRef MapComposition(
        Site site,
        DocObject obj,
        List<(Site Part, Site Target, bool IsReference, bool ObjectLike)> resolved,
        string typeName,
        bool nullable,
        bool inherit = true
    )
    {
        var document = site.Document;
        var self = TypeRef.Named(typeName);

        // One referenced object becomes the base record; with several, the one carrying a discriminator does. A record
        // that makes inherited properties required cannot derive (C# cannot tighten a base member), so it copies them.
        var references = inherit ? resolved.Where(r => r.IsReference && r.ObjectLike).ToList() : [];
        (Site Part, Site Target, bool IsReference, bool ObjectLike)? baseEntry =
            references.Count == 1 ? references[0]
            : references.Where(r => r.Target.Node is DocObject t && r.Target.Document.Get(t, "discriminator") is DocObject).Take(2).ToList()
                is { Count: 1 } withDiscriminator
                ? withDiscriminator[0]
            : null;

        string? baseName = null;
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        if (baseEntry is { } entry)
        {
            var baseType = MapTarget(entry.Target);
            if (baseType is { Kind: TypeKind.Named, Name: { } b } && IsObjectType(b) && b != typeName && !DerivesFrom(b, typeName))
            {
                baseName = b;
                foreach (var inherited in InheritedNames(b))
                {
                    excluded.Add(inherited);
                }
            }
        }

        var required = RequiredNames(site);
        var properties = new List<PropertySpec>();
        var keepsExtra = false;
        foreach (var (part, target, _, _) in resolved)
        {
            if (baseEntry is { } b && b.Target.Key == target.Key && baseName is not null)
            {
                continue;
            }

            Collect(target, typeName, properties, excluded, required, ref keepsExtra, 0);
        }

        properties.AddRange(ReadProperties(site, typeName, excluded, required));
        foreach (var i in Enumerable.Range(0, properties.Count))
        {
            if (!properties[i].Required && required.Contains(properties[i].JsonName))
            {
                properties[i] = properties[i] with { Required = true };
            }
        }

        AddType(
            new TypeSpec
            {
                Name = typeName,
                Kind = TypeSpecKind.Object,
                Description = Description(site) ?? resolved.Select(r => Description(r.Part)).FirstOrDefault(d => d is not null),
                Properties = properties.ToEquatableArray(),
                BaseType = baseName,
                AdditionalProperties =
                    keepsExtra || document.Get(obj, "additionalProperties") is DocObject or DocScalar { Text: "true" } ? TypeRef.Any : null,
            }
        );
        RecordDiscriminator(site, obj, typeName, variants: null);
        return self.AsNullable(nullable);
    }

    /// <summary>Flattens a schema's properties (through its own allOf parts) into <paramref name="properties"/>.</summary>
    private void Collect(
        Site target,
        string typeName,
        List<PropertySpec> properties,
        HashSet<string> excluded,
        HashSet<string> required,
        ref bool keepsExtra,
        int depth
    )
    {
        if (depth > 16 || target.Node is not DocObject obj)
        {
            return;
        }

        required.UnionWith(RequiredNames(target));
        if (target.Document.Get(obj, "additionalProperties") is DocObject or DocScalar { Text: "true" })
        {
            keepsExtra = true;
        }

        if (Array(target, "allOf") is { } parts)
        {
            foreach (var part in parts)
            {
                if (_context.TryResolve(part, out var resolved))
                {
                    Collect(resolved, typeName, properties, excluded, required, ref keepsExtra, depth + 1);
                }
            }
        }

        if (target.Document.Get(obj, "oneOf") is not null || target.Document.Get(obj, "anyOf") is not null)
        {
            _context.Unsupported(target.Document, obj, "oneOf/anyOf inside an allOf part (its properties are not merged)");
        }

        // Properties of a named part keep that part's naming (so a shared inline enum is one type).
        var owner = _componentNames.TryGetValue(target.Key, out var component) ? component : typeName;
        properties.AddRange(ReadProperties(target, owner, excluded, required));
    }

    private bool IsObjectType(string name) =>
        _pendingObjects.Contains(name) || (_types.TryGetValue(name, out var spec) && spec.Kind == TypeSpecKind.Object);

    private IEnumerable<string> InheritedNames(string typeName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (
            var current = typeName;
            current is not null && seen.Add(current) && _types.TryGetValue(current, out var spec);
            current = spec.BaseType
        )
        {
            foreach (var property in spec.Properties)
            {
                yield return property.JsonName;
            }
        }
    }

    private bool DerivesFrom(string type, string ancestor)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (
            var current = type;
            current is not null && seen.Add(current);
            current = _types.TryGetValue(current, out var spec) ? spec.BaseType : null
        )
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsEmptySchema(Site site) =>
        site.Node is DocObject obj
        && obj.Properties.All(p =>
            p.Name is "description" or "title" or "example" or "examples" or "nullable" || p.Name.StartsWith("x-", StringComparison.Ordinal)
        );

    /// <summary>Whether a schema maps to a record (so it can be a base type or merged into one).</summary>
    private bool IsObjectLike(Site site, int depth)
    {
        if (depth > 8 || site.Node is not DocObject obj)
        {
            return false;
        }

        var document = site.Document;
        if (document.Get(obj, "properties") is DocObject || document.Get(obj, "discriminator") is DocObject)
        {
            return true;
        }

        if (document.Get(obj, "type") is DocScalar { Text: "object" })
        {
            return document.Get(obj, "additionalProperties") is null
                || document.Get(obj, "additionalProperties") is DocScalar { Text: "false" };
        }

        if (Array(site, "allOf") is { } parts)
        {
            return parts.Any(p => _context.TryResolve(p, out var t) && IsObjectLike(t, depth + 1));
        }

        return false;
    }

    private TypeRef MapVariants(Site site, DocObject obj, List<Site> variants, string name, bool named)
    {
        var typeName = Claim(name, site);
        var self = TypeRef.Named(typeName);
        _byLocation[site.Key] = self;

        var mapped = new List<TypeRef>();
        for (var i = 0; i < variants.Count; i++)
        {
            var variant = Map(variants[i], typeName + "Option" + (i + 1).ToString(CultureInfo.InvariantCulture));
            if (!mapped.Contains(variant))
            {
                mapped.Add(variant);
            }
        }

        var discriminator = site.Document.Get(obj, "discriminator") as DocObject;

        // The same inline oneOf + discriminator written in several places (a response, a request, an array) is one type:
        // C# single inheritance lets the variants derive from only one base.
        var signature = discriminator is null ? null : Signature(site, discriminator, mapped);
        if (signature is not null && _bySignature.TryGetValue(signature, out var existing) && existing != typeName)
        {
            _byLocation[site.Key] = TypeRef.Named(existing);
            return TypeRef.Named(existing);
        }

        if (signature is not null)
        {
            _bySignature[signature] = typeName;
        }

        var polymorphic =
            discriminator is not null && mapped.All(v => !v.Nullable && v is { Kind: TypeKind.Named, Name: { } n } && IsObjectType(n));
        if (polymorphic)
        {
            var properties = ReadProperties(site, typeName, excluded: null);
            AddType(
                new TypeSpec
                {
                    Name = typeName,
                    Kind = TypeSpecKind.Object,
                    Description = Description(site),
                    Properties = properties.ToEquatableArray(),
                }
            );
            RecordDiscriminator(site, obj, typeName, mapped.Select(v => v.Name!).ToList());
        }
        else
        {
            if (discriminator is not null)
            {
                _context.Warn(
                    site.Document,
                    discriminator,
                    "the discriminator applies only when every variant is an object schema; '" + typeName + "' is generated as a union"
                );
            }

            AddType(UnionOf(typeName, Description(site), mapped));
        }

        return self;
    }

    private string Signature(Site site, DocObject discriminator, List<TypeRef> variants)
    {
        var property = Text(site.Document, discriminator, "propertyName") ?? "";
        var mapping = site.Document.Get(discriminator, "mapping") is DocObject map
            ? string.Join(",", map.Properties.Select(p => p.Name + "=" + (p.Value is DocScalar s ? s.Text : "")))
            : "";
        return property + "|" + string.Join(",", variants.Select(v => v.Name)) + "|" + mapping;
    }

    private static TypeSpec UnionOf(string name, string? description, IEnumerable<TypeRef> variants) =>
        new()
        {
            Name = name,
            Kind = TypeSpecKind.Union,
            Description = description,
            Variants = variants.ToEquatableArray(),
        };

    private void RecordDiscriminator(Site site, DocObject obj, string typeName, List<string>? variants)
    {
        if (site.Document.Get(obj, "discriminator") is not { } node)
        {
            return;
        }

        string? property = null;
        var mapping = new List<(string Value, string Type)>();
        if (node is DocScalar { Kind: ScalarKind.String } s)
        {
            // OpenAPI 2.0: the discriminator is the property name.
            property = s.Text;
        }
        else if (node is DocObject d)
        {
            property = Text(site.Document, d, "propertyName");
            if (site.Child("discriminator")?.Child("mapping") is { Node: DocObject map } mapSite)
            {
                foreach (var entry in map.Properties)
                {
                    var value = entry.Value is DocScalar { Kind: ScalarKind.String } target ? target.Text : null;
                    if (value is null)
                    {
                        continue;
                    }

                    // A mapping target is a reference or a bare schema name.
                    var reference =
                        value.IndexOf('#') >= 0 || value.IndexOf('/') >= 0 || value.IndexOf('.') >= 0
                            ? value
                            : "#" + NamedSchemas(site.Document).Pointer + "/" + Pointer.Escape(value);
                    var refSite = new Site(
                        site.Document,
                        new DocObject(
                            entry.Value.Start,
                            entry.Value.Length,
                            new[]
                            {
                                new DocProperty(
                                    "$ref",
                                    entry.Value.Start,
                                    entry.Value.Length,
                                    new DocScalar(entry.Value.Start, entry.Value.Length, ScalarKind.String, reference)
                                ),
                            }
                        ),
                        mapSite.Pointer + "/" + Pointer.Escape(entry.Name)
                    );
                    if (
                        _context.TryResolve(refSite, out var resolved)
                        && MapTarget(resolved) is { Kind: TypeKind.Named, Name: { } mappedName }
                    )
                    {
                        mapping.Add((entry.Name, mappedName));
                    }
                }
            }
        }

        if (string.IsNullOrEmpty(property))
        {
            _context.Warn(site.Document, node, "a discriminator needs a 'propertyName'");
            return;
        }

        _intents.Add(new PolymorphicIntent(typeName, property!, mapping, variants, site, node));
    }

    /// <summary>
    /// Turns discriminators into System.Text.Json polymorphism: oneOf variants derive from the union's record, allOf children
    /// register on their root base, and the discriminator property leaves the records (System.Text.Json writes and reads it).
    /// Where C#'s single inheritance cannot express it (a variant already derives from something else), the type stays a union.
    /// </summary>
    private void ApplyPolymorphism()
    {
        // 1. oneOf/anyOf with discriminator: variants derive from the base record.
        foreach (var intent in _intents.Where(i => i.Variants is not null))
        {
            var conflict = intent.Variants!.FirstOrDefault(v =>
                !_types.TryGetValue(v, out var t)
                || t.Kind != TypeSpecKind.Object
                || (t.BaseType is not null && t.BaseType != intent.Base)
                || v == intent.Base
                || DerivesFrom(intent.Base, v)
            );
            if (conflict is not null)
            {
                // Variants that already share a polymorphic base (oneOf: [Cat, Lizard] over Pet's discriminator) are
                // read through that base anyway; anything else is a hierarchy C# cannot express.
                var current = _types.TryGetValue(conflict, out var c) ? c.BaseType : null;
                if (current is null || !Ancestors(conflict).Any(a => _intents.Any(i => i.Base == a && i.Variants is null)))
                {
                    _context.Unsupported(
                        intent.Site.Document,
                        intent.Node,
                        "a oneOf discriminator whose variant '"
                            + conflict
                            + "' "
                            + (current is null ? "is not an object schema" : "already inherits from '" + current + "'")
                            + " (C# has single inheritance; '"
                            + intent.Base
                            + "' is generated as a union)"
                    );
                }

                var spec = _types[intent.Base];
                _types[intent.Base] = UnionOf(spec.Name, spec.Description, intent.Variants!.Select(TypeRef.Named));
                continue;
            }

            foreach (var variant in intent.Variants!)
            {
                _types[variant] = _types[variant] with { BaseType = intent.Base };
            }
        }

        // 2. Every polymorphic base registers all its descendants; a nested base defers to its root-most polymorphic ancestor.
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var type in _types.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (type.BaseType is { } b)
            {
                if (!children.TryGetValue(b, out var list))
                {
                    children[b] = list = new List<string>();
                }

                list.Add(type.Name);
            }
        }

        var bases = new Dictionary<string, PolymorphicIntent>(StringComparer.Ordinal);
        foreach (var intent in _intents)
        {
            if (_types.TryGetValue(intent.Base, out var spec) && spec.Kind == TypeSpecKind.Object && !bases.ContainsKey(intent.Base))
            {
                bases.Add(intent.Base, intent);
            }
        }

        foreach (var pair in bases.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var baseName = pair.Key;
            var intent = pair.Value;
            if (Ancestors(baseName).Any(bases.ContainsKey))
            {
                continue;
            }

            var descendants = Descendants(baseName, children);
            var byType = new Dictionary<string, string>(StringComparer.Ordinal);
            var values = new HashSet<string>(StringComparer.Ordinal);
            var mappings = new List<DiscriminatorMapping>();
            void Add(string value, string type)
            {
                if ((type == baseName || descendants.Contains(type)) && !byType.ContainsKey(type) && values.Add(value))
                {
                    byType.Add(type, value);
                    mappings.Add(new DiscriminatorMapping(value, type));
                }
            }

            foreach (var (value, type) in intent.Mapping)
            {
                Add(value, type);
            }

            foreach (var nested in descendants.Where(bases.ContainsKey))
            {
                foreach (var (value, type) in bases[nested].Mapping)
                {
                    Add(value, type);
                }
            }

            // Without an explicit mapping, the value is the schema's name (OpenAPI's implicit mapping).
            foreach (var descendant in descendants.OrderBy(d => d, StringComparer.Ordinal))
            {
                if (_componentNameSet.Contains(descendant))
                {
                    Add(descendant, descendant);
                }
            }

            if (mappings.Count == 0)
            {
                continue;
            }

            _types[baseName] = _types[baseName] with { Discriminator = intent.Property, DerivedTypes = mappings.ToEquatableArray() };

            // System.Text.Json owns the discriminator property: a record property with that name would make it throw.
            foreach (var member in descendants.Append(baseName))
            {
                var spec = _types[member];
                if (spec.Properties.Any(p => p.JsonName == intent.Property))
                {
                    _types[member] = spec with
                    {
                        Properties = spec.Properties.Where(p => p.JsonName != intent.Property).ToEquatableArray(),
                    };
                }
            }
        }
    }

    /// <summary>
    /// A derived record re-declaring an inherited property would hide it (a compiler warning) and a second extension-data
    /// dictionary makes System.Text.Json throw, so derived records keep only what their bases lack.
    /// </summary>
    private void RemoveInheritedMembers()
    {
        foreach (var name in _types.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList())
        {
            var spec = _types[name];
            if (spec.BaseType is null || spec.Kind != TypeSpecKind.Object)
            {
                continue;
            }

            var inherited = new HashSet<string>(StringComparer.Ordinal);
            var extra = false;
            foreach (var ancestor in Ancestors(name))
            {
                if (_types.TryGetValue(ancestor, out var a))
                {
                    extra |= a.AdditionalProperties is not null;
                    foreach (var property in a.Properties)
                    {
                        inherited.Add(Canonical(property.JsonName));
                    }
                }
            }

            var kept = spec.Properties.Where(p => !inherited.Contains(Canonical(p.JsonName))).ToEquatableArray();
            if (kept.Count != spec.Properties.Count || (extra && spec.AdditionalProperties is not null))
            {
                _types[name] = spec with { Properties = kept, AdditionalProperties = extra ? null : spec.AdditionalProperties };
            }
        }
    }

    private IEnumerable<string> Ancestors(string type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { type };
        var current = _types.TryGetValue(type, out var spec) ? spec.BaseType : null;
        while (current is not null && seen.Add(current))
        {
            yield return current;
            current = _types.TryGetValue(current, out var next) ? next.BaseType : null;
        }
    }

    private static HashSet<string> Descendants(string type, Dictionary<string, List<string>> children)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        queue.Enqueue(type);
        while (queue.Count > 0)
        {
            if (children.TryGetValue(queue.Dequeue(), out var list))
            {
                foreach (var child in list)
                {
                    if (child != type && result.Add(child))
                    {
                        queue.Enqueue(child);
                    }
                }
            }
        }

        return result;
    }

    private void AddType(TypeSpec type) => _types[type.Name] = type;

    /// <summary>A unique type name: component schemas keep theirs; other names get a number when taken.</summary>
    private string Claim(string wanted, Site site)
    {
        if (_componentNames.TryGetValue(site.Key, out var component))
        {
            return component;
        }

        if (wanted.Length == 0)
        {
            wanted = "Model";
        }

        var canonical = Canonical(wanted);
        if (_claimed.Add(canonical))
        {
            return wanted;
        }

        for (var i = 2; ; i++)
        {
            var candidate = wanted + i.ToString(CultureInfo.InvariantCulture);
            if (_claimed.Add(Canonical(candidate)))
            {
                return candidate;
            }
        }
    }

    /// <summary>Two names collide when they become the same C# identifier.</summary>
    private static string Canonical(string name) => Naming.ToPascal(name, "Model");

    /// <summary>A type name for a reference to a location that is not a component schema (e.g. #/components/schemas/Page/properties/items).</summary>
    private static string NameFromPointer(string pointer)
    {
        var segments = pointer.Split('/').Skip(1).Select(Pointer.Unescape).Where(s => s.Length > 0 && !Structural.Contains(s)).ToList();
        if (segments.Count == 0)
        {
            return "Model";
        }

        return string.Concat(segments.Skip(Math.Max(0, segments.Count - 3)).Select(s => Naming.ToPascal(s, "Model")));
    }

    private sealed record PolymorphicIntent(
        string Base,
        string Property,
        List<(string Value, string Type)> Mapping,
        List<string>? Variants,
        Site Site,
        DocNode Node
    );
}
