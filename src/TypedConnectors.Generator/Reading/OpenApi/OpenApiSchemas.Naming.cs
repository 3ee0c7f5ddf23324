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
}
