using System.Globalization;
using Microsoft.CodeAnalysis;
using TypedConnectors.Generator.Diagnostics;

namespace TypedConnectors.Generator.Reading;

/// <summary>
/// Typed, located access to a <see cref="DocNode"/> tree. Every dialect reader goes through it, so a wrong type, a
/// missing key or an unknown key is reported the same way whatever the format.
/// </summary>
internal sealed class DocContext
{
    public DocContext(SourceFile file, DocNode root, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        File = file;
        Root = root;
        Diagnostics = diagnostics;
        CancellationToken = cancellationToken;
    }

    public SourceFile File { get; }
    public DocNode Root { get; }
    public List<DiagnosticInfo> Diagnostics { get; }
    public CancellationToken CancellationToken { get; }

    /// <summary>Other AdditionalFiles references in this file may name; null when the file was found to reference none.</summary>
    public OpenApi.DocumentSet? Documents { get; init; }

    /// <summary>
    /// Run Microsoft.OpenApi's reader and validation rules over an OpenAPI document and report its findings (warnings
    /// only). The analyzer does, unless <c>TypedConnectorsOpenApiValidation</c> is false; the generator never does, since it
    /// reports no warnings and its client comes from TypedConnectors' own reading.
    /// </summary>
    public bool MicrosoftOpenApiValidation { get; init; }

    /// <summary>
    /// The file is in the project's own format, which connector.schema.json describes exactly: an unknown key is an error
    /// (TC0036) and ignored keywords are still type-checked. Platform payloads are third-party documents, so their extra
    /// keys stay warnings (TC0005).
    /// </summary>
    public bool Strict { get; set; }

    // A node can be read twice (a property schema is read as a schema and again for its member's docs and
    // constraints); one mistake is one diagnostic however often its node is looked at.
    private readonly HashSet<(string Id, LocationInfo Location)> _reported = new();

    public bool HasErrors => Diagnostics.Any(d => d.StopsGeneration);

    public void Report(DiagnosticDescriptor descriptor, DocNode node, params string[] arguments) =>
        Add(DiagnosticInfo.Create(descriptor, File.Locate(node), arguments));

    public void ReportKey(DiagnosticDescriptor descriptor, DocProperty property, params string[] arguments) =>
        Add(DiagnosticInfo.Create(descriptor, File.LocateName(property), arguments));

    /// <summary>Reports at the opening brace of an object: used for keys that are missing from it.</summary>
    public void ReportAtStart(DiagnosticDescriptor descriptor, DocNode node, params string[] arguments) =>
        Add(DiagnosticInfo.Create(descriptor, File.Locate(node.Start, Math.Min(1, node.Length)), arguments));

    private void Add(DiagnosticInfo diagnostic)
    {
        if (_reported.Add((diagnostic.Id, diagnostic.Location)))
        {
            Diagnostics.Add(diagnostic);
        }
    }

    /// <summary>Finds the node a JSON pointer names, or the deepest existing ancestor.</summary>
    public DocNode Resolve(string pointer, out DocProperty? property) => Resolve(pointer, out property, out _);

    /// <summary>Locates the node a JSON pointer names; false (and no location) when some segment does not exist.</summary>
    public bool TryLocate(string pointer, bool preferKey, out LocationInfo location)
    {
        var node = Resolve(pointer, out var property, out var exact);
        location = preferKey && property is { } key ? File.LocateName(key) : File.Locate(node);
        return exact;
    }

    private DocNode Resolve(string pointer, out DocProperty? property, out bool exact)
    {
        property = null;
        exact = true;
        var node = Root;
        if (string.IsNullOrEmpty(pointer) || pointer == "/")
        {
            return node;
        }

        return DocPointer.Walk(node, pointer, out property, out exact);
    }

    public LocationInfo Locate(string pointer, bool preferKey = false)
    {
        var node = Resolve(pointer, out var property);
        return preferKey && property is { } key ? File.LocateName(key) : File.Locate(node);
    }

    public DocObject? AsObject(DocNode node, string name)
    {
        if (node is DocObject obj)
        {
            return obj;
        }

        Report(DiagnosticDescriptors.WrongValueType, node, name, "an object", Describe(node));
        return null;
    }

    public DocArray? AsArray(DocNode node, string name)
    {
        if (node is DocArray array)
        {
            return array;
        }

        Report(DiagnosticDescriptors.WrongValueType, node, name, "an array", Describe(node));
        return null;
    }

    public string? AsString(DocNode node, string name, bool allowScalars = false)
    {
        if (node is DocScalar { Kind: ScalarKind.String } s)
        {
            return s.Text;
        }

        if (allowScalars && node is DocScalar { Kind: ScalarKind.Number or ScalarKind.Boolean } other)
        {
            return other.Text;
        }

        if (node is DocScalar { Kind: ScalarKind.Null })
        {
            return null;
        }

        Report(DiagnosticDescriptors.WrongValueType, node, name, "a string", Describe(node));
        return null;
    }

    public DocObject? Object(DocObject parent, string key, bool required = false, string? where = null) =>
        Get(parent, key, required, where) is { } node ? AsObject(node, key) : null;

    public DocArray? Array(DocObject parent, string key, bool required = false, string? where = null) =>
        Get(parent, key, required, where) is { } node ? AsArray(node, key) : null;

    public string? String(DocObject parent, string key, bool required = false, string? where = null, bool allowScalars = false)
    {
        var node = Get(parent, key, required, where);
        if (node is null)
        {
            return null;
        }

        var value = AsString(node, key, allowScalars);

        // A value of the wrong type is already reported as such; only a string that is empty, or null, is "missing".
        if (required && (value is { Length: 0 } || node is DocScalar { Kind: ScalarKind.Null }))
        {
            Report(DiagnosticDescriptors.MissingRequiredKey, node, key, " and may not be empty");
        }

        return value;
    }

    public bool? Bool(DocObject parent, string key)
    {
        var node = parent.Get(key);
        switch (node)
        {
            case null:
            case DocScalar { Kind: ScalarKind.Null }:
                return null;
            case DocScalar { Kind: ScalarKind.Boolean } b:
                return b.Text == "true";
            default:
                Report(DiagnosticDescriptors.WrongValueType, node, key, "true or false", Describe(node));
                return null;
        }
    }

    public long? Integer(DocObject parent, string key, bool required = false, string? where = null)
    {
        var node = Get(parent, key, required, where);
        switch (node)
        {
            case null:
                return null;
            case DocScalar { Kind: ScalarKind.Null } empty:
                ReportNullIfRequired(empty, key, required);
                return null;
            case DocScalar { Kind: ScalarKind.Number } n
                when long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value):
                return value;
            case DocScalar { Kind: ScalarKind.Number } n
                when double.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    && d == Math.Floor(d)
                    && Math.Abs(d) < 9e15:
                return (long)d;
            default:
                Report(DiagnosticDescriptors.WrongValueType, node, key, "a whole number", Describe(node));
                return null;
        }
    }

    /// <summary>A number as written (so no precision is lost); reports any other value. Null counts as absent.</summary>
    public string? Number(DocObject parent, string key) => Scalar(parent, key, ScalarKind.Number);

    /// <summary>Reads a string that must be one of <paramref name="allowed"/> (case-insensitive).</summary>
    public T? Enum<T>(
        DocObject parent,
        string key,
        IReadOnlyList<(string Name, T Value)> allowed,
        string what,
        bool required = false,
        string? where = null
    )
        where T : struct => Match(parent, key, allowed, what, required, where, out var value) ? value : null;

    /// <summary>Like <see cref="Enum{T}"/> for string-valued choices.</summary>
    public string? OneOf(
        DocObject parent,
        string key,
        IReadOnlyList<(string Name, string Value)> allowed,
        string what,
        bool required = false,
        string? where = null
    ) => Match(parent, key, allowed, what, required, where, out var value) ? value : null;

    private bool Match<T>(
        DocObject parent,
        string key,
        IReadOnlyList<(string Name, T Value)> allowed,
        string what,
        bool required,
        string? where,
        out T value
    )
    {
        value = default!;
        var node = Get(parent, key, required, where);
        if (node is null || AsString(node, key) is not { } text)
        {
            ReportNullIfRequired(node, key, required);
            return false;
        }

        foreach (var (name, candidate) in allowed)
        {
            if (string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        Report(
            DiagnosticDescriptors.InvalidEnumValue,
            node,
            text,
            what,
            string.Join(", ", allowed.Select(a => a.Name).Distinct(StringComparer.OrdinalIgnoreCase))
        );
        return false;
    }

    /// <summary>
    /// Reports keys that <paramref name="known"/> does not list, suggesting the nearest known key: an error in a strict
    /// (canonical) file, a warning in a platform payload.
    /// </summary>
    public void CheckKeys(DocObject obj, IReadOnlyCollection<string> known, string what)
    {
        foreach (var property in obj.Properties)
        {
            if (property.Name == "$comment" || (property.Name == "$schema" && ReferenceEquals(obj, Root)))
            {
                // Allowed everywhere, and typed like any other key where the format is strict.
                if (Strict)
                {
                    AsString(property.Value, property.Name);
                }

                continue;
            }

            if (
                known.Contains(property.Name)
                || property.Name.StartsWith("x-", StringComparison.Ordinal)
                || (!Strict && property.Name == "$schema")
            )
            {
                continue;
            }

            var suggestion = Suggest(property.Name, known);
            ReportKey(
                Strict ? DiagnosticDescriptors.UnknownCanonicalKey : DiagnosticDescriptors.UnknownKey,
                property,
                property.Name,
                what,
                suggestion is null ? "" : "; did you mean '" + suggestion + "'?"
            );
        }
    }

    /// <summary>
    /// A scalar that must be one of <paramref name="kinds"/>, as text (numbers and booleans as written); reports any
    /// other value. Null counts as absent.
    /// </summary>
    public string? Scalar(DocObject parent, string key, params ScalarKind[] kinds)
    {
        var node = parent.Get(key);
        switch (node)
        {
            case null:
            case DocScalar { Kind: ScalarKind.Null }:
                return null;
            case DocScalar s when kinds.Contains(s.Kind):
                return s.Text;
            default:
                Report(DiagnosticDescriptors.WrongValueType, node, key, KindList(kinds), Describe(node));
                return null;
        }
    }

    /// <summary>"a string or a number", "a string, a number or true/false".</summary>
    internal static string KindList(IReadOnlyList<ScalarKind> kinds)
    {
        var names = kinds
            .Select(k =>
                k switch
                {
                    ScalarKind.String => "a string",
                    ScalarKind.Number => "a number",
                    ScalarKind.Boolean => "true or false",
                    _ => "null",
                }
            )
            .ToList();
        return names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[names.Count - 1];
    }

    /// <summary>A required key written as <c>null</c> is as missing as an absent one, but points at the null.</summary>
    private void ReportNullIfRequired(DocNode? node, string key, bool required)
    {
        if (required && node is DocScalar { Kind: ScalarKind.Null })
        {
            Report(DiagnosticDescriptors.MissingRequiredKey, node, key, " and may not be null");
        }
    }

    private DocNode? Get(DocObject parent, string key, bool required, string? where)
    {
        var node = parent.Get(key);
        if (node is null && required)
        {
            ReportAtStart(DiagnosticDescriptors.MissingRequiredKey, parent, key, where is null ? "" : " in " + where);
        }

        return node;
    }

    public static string Describe(DocNode node) =>
        node switch
        {
            DocScalar { Kind: ScalarKind.String } s => "the string \"" + Truncate(s.Text, 40) + "\"",
            DocScalar { Kind: ScalarKind.Null } => "null",
            DocScalar s => s.KindName + " " + Truncate(s.Text, 40),
            _ => "an " + node.KindName,
        };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text.Substring(0, max) + "…";

    internal static string? Suggest(string name, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = EditDistance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
