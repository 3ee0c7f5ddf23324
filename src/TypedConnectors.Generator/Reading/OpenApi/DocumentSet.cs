using System.Text.RegularExpressions;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Another AdditionalFile a connector file or an OpenAPI document may refer to.</summary>
internal sealed record DocumentText(string Path, string Text);

/// <summary>
/// The AdditionalFiles that references may name (JSON and YAML files of the project). Only files that refer to other
/// files are combined with it, so editing one document re-reads just the files that refer to something.
/// </summary>
internal sealed record DocumentSet(EquatableArray<DocumentText> Documents)
{
    public static DocumentSet Create(IEnumerable<DocumentText> documents) =>
        new(documents.OrderBy(d => d.Path, StringComparer.Ordinal).ToEquatableArray());

    /// <summary>The document at <paramref name="path"/>: exact spelling first, then ignoring case and separators.</summary>
    public DocumentText? Find(string path)
    {
        var normalized = DocumentPaths.Normalize(path);
        DocumentText? loose = null;
        foreach (var document in Documents)
        {
            var candidate = DocumentPaths.Normalize(document.Path);
            if (string.Equals(candidate, normalized, StringComparison.Ordinal))
            {
                return document;
            }

            if (loose is null && string.Equals(candidate, normalized, StringComparison.OrdinalIgnoreCase))
            {
                loose = document;
            }
        }

        return loose;
    }
}

/// <summary>Path arithmetic on AdditionalFile paths, as strings only: references never touch the file system.</summary>
internal static class DocumentPaths
{
    /// <summary>True for references that would need the network or leave the project's files (URLs, file URIs).</summary>
    public static bool IsRemote(string reference) =>
        reference.IndexOf("://", StringComparison.Ordinal) > 0
        || reference.StartsWith("//", StringComparison.Ordinal)
        || reference.StartsWith("file:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Resolves <paramref name="relative"/> against the folder of <paramref name="fromPath"/>.</summary>
    public static string Combine(string fromPath, string relative)
    {
        relative = Uri.UnescapeDataString(relative);
        if (IsRooted(relative))
        {
            return Normalize(relative);
        }

        var slash = Math.Max(fromPath.LastIndexOf('/'), fromPath.LastIndexOf('\\'));
        var folder = slash >= 0 ? fromPath.Substring(0, slash + 1) : "";
        return Normalize(folder + relative);
    }

    /// <summary>Forward slashes, no <c>.</c> segments, <c>..</c> applied.</summary>
    public static string Normalize(string path)
    {
        var unified = path.Replace('\\', '/');
        var rooted = unified.StartsWith("/", StringComparison.Ordinal);
        var segments = new List<string>();
        foreach (var segment in unified.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        return (rooted ? "/" : "") + string.Join("/", segments);
    }

    private static bool IsRooted(string path) =>
        path.StartsWith("/", StringComparison.Ordinal)
        || path.StartsWith("\\", StringComparison.Ordinal)
        || (path.Length >= 2 && path[1] == ':' && char.IsLetter(path[0]));

    public static string FileName(string path)
    {
        var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash >= 0 ? path.Substring(slash + 1) : path;
    }
}

/// <summary>
/// A cheap textual look at a file, before parsing, to decide whether it needs other files: a connector file naming an
/// OpenAPI document, or a document with a <c>$ref</c> into another file. False positives only cost caching.
/// </summary>
internal static class ReferenceScan
{
    private static readonly Regex OpenApiKey = new(
        @"(?m)(?:""openapi""|^openapi)\s*:\s*[""']?([^""'\r\n#,}]+?)[""']?\s*(?:,|}|\r|\n|#|$)",
        RegexOptions.CultureInvariant
    );
    private static readonly Regex Version = new(@"^\d+(\.\d+)*(-[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant);

    /// <summary>The resolved path of the OpenAPI document a connector file overlays, or null.</summary>
    public static string? ReferencedDocument(ConnectorInput input)
    {
        var match = OpenApiKey.Match(input.Text);
        if (!match.Success)
        {
            return null;
        }

        var value = match.Groups[1].Value.Trim();
        if (value.Length == 0 || Version.IsMatch(value) || DocumentPaths.IsRemote(value))
        {
            return null;
        }

        return DocumentPaths.Combine(input.Path, value);
    }

    /// <summary>True when reading the file may need other AdditionalFiles.</summary>
    public static bool MayReferenceOtherFiles(ConnectorInput input) => ReferencedDocument(input) is not null || HasExternalRef(input.Text);

    /// <summary>
    /// Whether some <c>$ref</c> key has a value that does not start with <c>#</c> (another file): what the pattern
    /// <c>["']?\$ref["']?\s*:\s*["']?(?!#)[^\s"'#,}]</c> finds, scanned by hand since it runs over every file's whole
    /// text and only <c>$ref</c> can start a match.
    /// </summary>
    internal static bool HasExternalRef(string text)
    {
        for (var at = text.IndexOf("$ref", StringComparison.Ordinal); at >= 0; at = text.IndexOf("$ref", at + 1, StringComparison.Ordinal))
        {
            var i = at + 4;
            if (i < text.Length && text[i] is '"' or '\'')
            {
                i++;
            }

            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length || text[i] != ':')
            {
                continue;
            }

            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i < text.Length && text[i] is '"' or '\'')
            {
                i++;
            }

            if (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('"' or '\'' or '#' or ',' or '}'))
            {
                return true;
            }
        }

        return false;
    }
}
