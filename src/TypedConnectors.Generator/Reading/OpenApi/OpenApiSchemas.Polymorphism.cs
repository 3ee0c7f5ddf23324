using System.Collections.Immutable;
using System.Globalization;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Polymorphism: discriminators recorded while mapping, then base types, derived types and inherited members settled once every schema is mapped.</summary>
internal sealed partial class OpenApiSchemas
{
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
        // Names repeat across a hierarchy (every record of it has the ancestors' names): each is made an identifier once.
        var canonical = new Dictionary<string, string>(StringComparer.Ordinal);
        string Identifier(string jsonName) => Naming.Once(canonical, jsonName, Canonical);

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
                        inherited.Add(Identifier(property.JsonName));
                    }
                }
            }

            var kept = spec.Properties.Where(p => !inherited.Contains(Identifier(p.JsonName))).ToEquatableArray();
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

    private sealed record PolymorphicIntent(
        string Base,
        string Property,
        List<(string Value, string Type)> Mapping,
        List<string>? Variants,
        Site Site,
        DocNode Node
    );
}
