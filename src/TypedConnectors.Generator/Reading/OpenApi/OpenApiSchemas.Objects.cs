using System.Collections.Immutable;
using System.Globalization;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Objects and enums: properties, required names, enum values.</summary>
internal sealed partial class OpenApiSchemas
{
    /// <param name="declared">The schema's one non-null type, if it declares exactly one.</param>
    private TypeRef? MapEnum(Site site, DocObject obj, DocArray values, string? declared, string name, ref bool nullable)
    {
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
        Cache(site, reference);
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
    /// <param name="narrowed">Names whose loose declarations are left out (an allOf part types them).</param>
    private List<PropertySpec> ReadProperties(
        Site site,
        string typeName,
        HashSet<string>? excluded,
        HashSet<string>? extraRequired = null,
        HashSet<string>? narrowed = null
    )
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
            var propertySite = propertiesSite.Child(property.Name)!.Value;
            if (narrowed is not null && narrowed.Contains(property.Name) && IsLoose(propertySite, 0))
            {
                continue;
            }

            if (excluded is not null && !excluded.Add(property.Name))
            {
                continue;
            }

            var type = Map(propertySite, new SuggestedName(typeName, property.Name, "Property"));
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
}
