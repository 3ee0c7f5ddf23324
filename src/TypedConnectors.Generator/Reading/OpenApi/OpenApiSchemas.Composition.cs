using System.Collections.Immutable;
using System.Globalization;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Composition: allOf merged into one record, oneOf/anyOf into unions, and when a part is an object.</summary>
internal sealed partial class OpenApiSchemas
{
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
        Cache(site, self);
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
        // A property that one part declares loosely (`links: { type: object }` in a shared wrapper) and a later part types
        // (`links: { allOf: [...] }`) is the typed one: allOf asks for both, and the typed schema says more.
        var narrowed = Narrowed(site, resolved);
        var references = inherit ? resolved.Where(r => r.IsReference && r.ObjectLike).ToList() : [];
        (Site Part, Site Target, bool IsReference, bool ObjectLike)? baseEntry =
            references.Count == 1 ? references[0]
            : references.Where(r => r.Target.Node is DocObject t && r.Target.Document.Get(t, "discriminator") is DocObject).Take(2).ToList()
                is { Count: 1 } withDiscriminator
                ? withDiscriminator[0]
            : null;

        if (
            baseEntry is { } narrowedBase
            && narrowed.Count > 0
            && narrowedBase.Target.Node is DocObject baseObject
            && narrowedBase.Target.Document.Get(baseObject, "discriminator") is null
            && Declarations(narrowedBase.Target).Any(d => narrowed.Contains(d.Name))
        )
        {
            // C# cannot change the type of an inherited property: a record of its own with every part's properties.
            baseEntry = null;
        }

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
            if (baseEntry is { } b && b.Target.SameLocation(target) && baseName is not null)
            {
                continue;
            }

            Collect(target, typeName, properties, excluded, required, ref keepsExtra, 0, narrowed);
        }

        properties.AddRange(ReadProperties(site, typeName, excluded, required, narrowed));
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
        int depth,
        HashSet<string>? narrowed = null
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
                    Collect(resolved, typeName, properties, excluded, required, ref keepsExtra, depth + 1, narrowed);
                }
            }
        }

        if (target.Document.Get(obj, "oneOf") is not null || target.Document.Get(obj, "anyOf") is not null)
        {
            _context.Unsupported(target.Document, obj, "oneOf/anyOf inside an allOf part (its properties are not merged)");
        }

        // Properties of a named part keep that part's naming (so a shared inline enum is one type).
        var owner = ComponentName(target) ?? typeName;
        properties.AddRange(ReadProperties(target, owner, excluded, required, narrowed));
    }

    /// <summary>
    /// The property names of an allOf whose first declaration is loose (see <see cref="IsLoose"/>) while a later one
    /// is not: the loose declarations of those names are left out of the merge.
    /// </summary>
    private HashSet<string> Narrowed(Site site, List<(Site Part, Site Target, bool IsReference, bool ObjectLike)> resolved)
    {
        var declarations = resolved.SelectMany(r => Declarations(r.Target)).ToList();
        if (site.Child("properties") is { Node: DocObject own } ownSite)
        {
            declarations.AddRange(own.Properties.Select(p => (p.Name, ownSite.Child(p.Name)!.Value)));
        }

        return new HashSet<string>(
            declarations
                .GroupBy(d => d.Name, StringComparer.Ordinal)
                .Where(g => IsLoose(g.First().Site, 0) && g.Skip(1).Any(d => !IsLoose(d.Site, 0)))
                .Select(g => g.Key),
            StringComparer.Ordinal
        );
    }

    /// <summary>The properties a schema declares, through its own allOf parts, in the order <see cref="Collect"/> reads them.</summary>
    private List<(string Name, Site Site)> Declarations(Site target, int depth = 0)
    {
        var result = new List<(string Name, Site Site)>();
        if (depth > 16 || target.Node is not DocObject)
        {
            return result;
        }

        foreach (var part in Array(target, "allOf") ?? [])
        {
            if (_context.TryResolve(part, out var resolved))
            {
                result.AddRange(Declarations(resolved, depth + 1));
            }
        }

        if (target.Child("properties") is { Node: DocObject properties } propertiesSite)
        {
            result.AddRange(properties.Properties.Select(p => (p.Name, propertiesSite.Child(p.Name)!.Value)));
        }

        return result;
    }

    /// <summary>
    /// A schema that says nothing about its value beyond "an object" or "an array of such": no properties, composition,
    /// enum or items of its own (<c>{}</c>, <c>{ type: object }</c>, <c>{ type: array, items: { type: object } }</c>).
    /// </summary>
    private bool IsLoose(Site site, int depth)
    {
        if (depth > 8 || !_context.TryResolve(site, out var target))
        {
            return false;
        }

        if (target.Node is not DocObject obj)
        {
            return target.Node is DocScalar { Kind: ScalarKind.Boolean, Text: "true" };
        }

        var document = target.Document;
        var type = document.Get(obj, "type");
        if (type is DocScalar { Text: "array" })
        {
            return target.Child("items") is not { } items || IsLoose(items, depth + 1);
        }

        if (type is not null and not DocScalar { Text: "object" })
        {
            return false;
        }

        foreach (var keyword in LooseExcludes)
        {
            if (document.Get(obj, keyword) is not null)
            {
                return false;
            }
        }

        return document.Get(obj, "additionalProperties") is null or DocScalar;
    }

    private static readonly string[] LooseExcludes =
    {
        "properties",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "enum",
        "const",
        "discriminator",
        "items",
        "patternProperties",
        "$ref",
    };

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
        Cache(site, self);

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
            Cache(site, TypeRef.Named(existing));
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
}
