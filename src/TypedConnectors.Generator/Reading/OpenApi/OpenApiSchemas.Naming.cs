using System.Collections.Immutable;
using System.Globalization;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Type names: component names kept, inline schemas named after where they appear, made unique in document order.</summary>
internal sealed partial class OpenApiSchemas
{
    private void AddType(TypeSpec type) => _types[type.Name] = type;

    /// <summary>A unique type name: component schemas keep theirs; other names get a number when taken.</summary>
    private string Claim(string wanted, Site site)
    {
        if (ComponentName(site) is { } component)
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
}

/// <summary>
/// The name a schema's type gets if one is made from it. A property's candidate (owner + property in PascalCase) is
/// joined only then: most property schemas are references or scalars, which make no type.
/// </summary>
internal readonly struct SuggestedName
{
    private readonly string _owner;
    private readonly string? _property;
    private readonly string _fallback;

    public SuggestedName(string owner, string property, string fallback)
    {
        _owner = owner;
        _property = property;
        _fallback = fallback;
    }

    private SuggestedName(string name)
    {
        _owner = name;
        _property = null;
        _fallback = "";
    }

    public static implicit operator SuggestedName(string name) => new(name);

    public override string ToString() => _property is null ? _owner : _owner + Naming.ToPascal(_property, _fallback);
}
