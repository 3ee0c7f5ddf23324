using System.Globalization;
using System.Text;
using TypedConnectors.Generator.Diagnostics;

namespace TypedConnectors.Generator.Reading.OpenApi;

internal enum OpenApiVersion
{
    V2,
    V30,
    V31,
}

/// <summary>One parsed document (the main one or a file an external <c>$ref</c> names) with fast key lookup.</summary>
internal sealed class ApiDocument
{
    public ApiDocument(DocContext context, DocObject root)
    {
        Context = context;
        Root = root;
    }

    public DocContext Context { get; }

    public DocObject Root { get; }

    public SourceFile File => Context.File;

    public string Path => Context.File.Path;

    /// <summary>First property of this name; large objects (thousands of paths or schemas) are indexed by the node itself.</summary>
    public DocProperty? Find(DocObject obj, string name) => obj.Find(name);

    public DocNode? Get(DocObject obj, string name) => Find(obj, name)?.Value;

    /// <summary>The node a JSON pointer (without <c>#</c>) names, or null when any segment is missing.</summary>
    public DocNode? ResolvePointer(string pointer)
    {
        if (pointer.Length == 0 || pointer == "/")
        {
            return Root;
        }

        if (pointer[0] != '/')
        {
            return null;
        }

        var node = DocPointer.Walk(Root, pointer, out _, out var exact);
        return exact ? node : null;
    }
}

/// <summary>A node of a document together with its JSON pointer, so every diagnostic and model element can point back.</summary>
/// <remarks>
/// A child's pointer is kept as its parent's and the key (<see cref="SitePath"/>) and spelled out only when asked for:
/// a reader visits every property of every schema, and few of them ever need their pointer as text.
/// </remarks>
internal readonly struct Site
{
    // The pointer: a string, or a SitePath not spelled out yet.
    private readonly object _path;

    public Site(ApiDocument document, DocNode node, string pointer)
    {
        Document = document;
        Node = node;
        _path = pointer;
    }

    private Site(ApiDocument document, DocNode node, SitePath path)
    {
        Document = document;
        Node = node;
        _path = path;
    }

    public ApiDocument Document { get; }

    public DocNode Node { get; }

    public string Pointer => SitePath.Text(_path);

    /// <summary>Identity of the location across documents, as text (<c>path#pointer</c>).</summary>
    public string Key => Document.Path + "#" + Pointer;

    public DocObject? Object => Node as DocObject;

    public Site? Child(string key) =>
        Node is DocObject obj && Document.Find(obj, key) is { } property
            ? new Site(Document, property.Value, new SitePath(_path, key, -1))
            : null;

    public Site Item(DocArray array, int index) => new(Document, array.Items[index], new SitePath(_path, null, index));

    /// <summary>
    /// Whether both name the same location (the same <see cref="Key"/>): the same node, and where a node can be at several
    /// places (<see cref="SourceFile.SharesNodes"/>), the same pointer.
    /// </summary>
    public bool SameLocation(Site other) =>
        ReferenceEquals(Node, other.Node)
        && (!Document.File.SharesNodes || ReferenceEquals(_path, other._path) || Pointer == other.Pointer);
}

/// <summary>A pointer not spelled out yet: its parent's pointer (a string or another SitePath) and one key or index.</summary>
internal sealed class SitePath
{
    private readonly object _parent;
    private readonly string? _key;
    private readonly int _index;
    private string? _text;

    public SitePath(object parent, string? key, int index)
    {
        _parent = parent;
        _key = key;
        _index = index;
    }

    public static string Text(object path) => path as string ?? ((SitePath)path).ToString();

    public override string ToString() =>
        _text ??= Text(_parent) + "/" + (_key is null ? _index.ToString(CultureInfo.InvariantCulture) : OpenApi.Pointer.Escape(_key));
}

internal static class Pointer
{
    public static string Escape(string segment) => segment.Replace("~", "~0").Replace("/", "~1");

    public static string Unescape(string segment) => segment.Replace("~1", "/").Replace("~0", "~");

    public static string Of(params string[] segments)
    {
        var builder = new StringBuilder();
        foreach (var segment in segments)
        {
            builder.Append('/').Append(Escape(segment));
        }

        return builder.ToString();
    }
}

/// <summary>
/// State of reading one OpenAPI document: its version, the other files external references may load, reference
/// resolution and the OpenAPI diagnostics (capped, so a sloppy 4 MB document cannot flood the IDE).
/// </summary>
internal sealed class OpenApiContext
{
    // Warnings and errors are capped apart: an error stops generation, so none may be dropped for warnings.
    private const int MaxWarnings = 200;
    private const int MaxErrors = 200;

    // References followed from one place before the chain counts as a cycle.
    private const int MaxHops = 32;
    private readonly Dictionary<string, ApiDocument?> _external = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unsupportedReported = new(StringComparer.Ordinal);
    private readonly HashSet<string> _brokenReferences = new(StringComparer.Ordinal);
    private readonly HashSet<(string Path, int Start)> _endlessChains = new();
    private readonly Dictionary<(ApiDocument Document, string Reference), Site> _followed = new();
    private int _warnings;
    private int _errors;

    public OpenApiContext(ApiDocument main, OpenApiVersion version, DocumentSet? documents)
    {
        Main = main;
        Version = version;
        Documents = documents;
    }

    public ApiDocument Main { get; }

    public OpenApiVersion Version { get; }

    public bool IsV2 => Version == OpenApiVersion.V2;

    public DocumentSet? Documents { get; }

    public List<DiagnosticInfo> Diagnostics => Main.Context.Diagnostics;

    public CancellationToken CancellationToken => Main.Context.CancellationToken;

    /// <summary>Pointers (<c>path#pointer</c>) of references that could not be resolved, to tell Microsoft.OpenApi's reports apart.</summary>
    public IReadOnlyCollection<string> BrokenReferences => _brokenReferences;

    public void Warn(ApiDocument document, DocNode node, string message) => Warn(document.File.Locate(node), message);

    /// <summary>A boolean flag of the document; anything else is a located warning and reads as false.</summary>
    public bool? Bool(ApiDocument document, DocObject obj, string key)
    {
        switch (document.Get(obj, key))
        {
            case DocScalar { Kind: ScalarKind.Boolean } b:
                return b.Text == "true";
            case null:
            case DocScalar { Kind: ScalarKind.Null }:
                return null;
            case { } other:
                Warn(document, other, "'" + key + "' must be true or false, not " + DocContext.Describe(other) + "; treated as false");
                return false;
        }
    }

    public void Warn(LocationInfo location, string message) =>
        Report(DiagnosticDescriptors.OpenApiWarning, location, message, MaxWarnings, ref _warnings);

    /// <summary>Reports a construct that is skipped; each construct once per document, at its first occurrence.</summary>
    public void Unsupported(ApiDocument document, DocNode node, string construct)
    {
        if (_unsupportedReported.Add(construct))
        {
            Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OpenApiUnsupported, document.File.Locate(node), construct));
        }
    }

    public void Error(ApiDocument document, DocNode node, string message) =>
        Report(DiagnosticDescriptors.OpenApiError, document.File.Locate(node), message, MaxErrors, ref _errors);

    /// <summary>Adds the diagnostic while fewer than <paramref name="max"/> of its kind are in; the next one says the rest are not.</summary>
    private void Report(
        Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor,
        LocationInfo location,
        string message,
        int max,
        ref int count
    )
    {
        var index = count++;
        if (index < max)
        {
            Diagnostics.Add(DiagnosticInfo.Create(descriptor, location, message));
        }
        else if (index == max)
        {
            Diagnostics.Add(
                DiagnosticInfo.Create(
                    descriptor,
                    Main.File.Locate(Main.Root.Start, Math.Min(1, Main.Root.Length)),
                    "more than " + max + " problems in this document; the rest are not reported"
                )
            );
        }
    }

    /// <summary>Follows <c>$ref</c> (and chains of them) from <paramref name="site"/>; returns the site itself when it has none.</summary>
    public bool TryResolve(Site site, out Site target)
    {
        target = site;
        for (var hops = 0; hops < MaxHops; hops++)
        {
            if (target.Node is not DocObject obj || target.Document.Get(obj, "$ref") is not { } refNode)
            {
                return true;
            }

            if (!TryFollow(target, refNode, out var next))
            {
                return false;
            }

            target = next;
        }

        // A schema is resolved by every step that reads it: the chain is reported once per place it starts.
        if (_endlessChains.Add((site.Document.Path, site.Node.Start)))
        {
            Error(
                site.Document,
                site.Node,
                "the reference chain starting here does not end within " + MaxHops + " references (a $ref cycle?)"
            );
        }

        return false;
    }

    /// <summary>True when the node is an object with a <c>$ref</c>.</summary>
    public static bool IsReference(Site site) => site.Node is DocObject obj && site.Document.Get(obj, "$ref") is not null;

    private bool TryFollow(Site from, DocNode refNode, out Site target)
    {
        target = from;
        if (refNode is not DocScalar { Kind: ScalarKind.String } scalar)
        {
            Warn(from.Document, refNode, "'$ref' must be a string, not " + DocContext.Describe(refNode));
            return false;
        }

        // Every use of a component schema follows the same reference text again: resolved targets are kept per
        // document and text (failures are not, so each still reports where it is written).
        if (_followed.TryGetValue((from.Document, scalar.Text), out var known))
        {
            target = known;
            return true;
        }

        var reference = scalar.Text.Trim();
        var hash = reference.IndexOf('#');
        var filePart = hash >= 0 ? reference.Substring(0, hash) : reference;
        var fragment = hash >= 0 ? reference.Substring(hash + 1) : "";
        if (DocumentPaths.IsRemote(reference))
        {
            Broken(
                from,
                refNode,
                DiagnosticDescriptors.UnresolvedReference,
                reference,
                "references to URLs are never fetched at build time; download the document, add it as an AdditionalFile and refer to it by relative path"
            );
            return false;
        }

        var document = from.Document;
        if (filePart.Length > 0)
        {
            var path = DocumentPaths.Combine(from.Document.Path, filePart);
            var loaded = Load(path, from, refNode, filePart);
            if (loaded is null)
            {
                return false;
            }

            document = loaded;
        }

        string pointer;
        try
        {
            pointer = Uri.UnescapeDataString(fragment);
        }
        catch (UriFormatException)
        {
            pointer = fragment;
        }

        if (pointer.Length > 0 && pointer[0] != '/')
        {
            Broken(
                from,
                refNode,
                DiagnosticDescriptors.UnresolvedReference,
                reference,
                "only JSON pointer fragments (#/...) are supported, not anchors"
            );
            return false;
        }

        var node = document.ResolvePointer(pointer);
        if (node is null)
        {
            Broken(
                from,
                refNode,
                DiagnosticDescriptors.UnresolvedReference,
                reference,
                "nothing exists at that location" + (filePart.Length > 0 ? " of " + filePart : " of this document")
            );
            return false;
        }

        target = new Site(document, node, pointer);
        _followed.Add((from.Document, scalar.Text), target);
        return true;
    }

    private void Broken(Site from, DocNode refNode, Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params string[] arguments)
    {
        var key = from.Document.Path + "#" + refNode.Start.ToString(CultureInfo.InvariantCulture);
        if (_brokenReferences.Add(key))
        {
            from.Document.Context.Diagnostics.Add(DiagnosticInfo.Create(descriptor, from.Document.File.Locate(refNode), arguments));
        }
    }

    private ApiDocument? Load(string path, Site from, DocNode refNode, string written)
    {
        if (DocumentPaths.Normalize(path) == DocumentPaths.Normalize(Main.Path))
        {
            return Main;
        }

        if (_external.TryGetValue(path, out var cached))
        {
            return cached;
        }

        ApiDocument? result = null;
        if (Documents?.Find(path) is not { } text)
        {
            Broken(from, refNode, DiagnosticDescriptors.ReferencedFileNotFound, written);
        }
        else
        {
            var root = DocTrees.Read(text.Path, text.Text, Diagnostics, CancellationToken, out var file);
            if (root is DocObject obj)
            {
                result = new ApiDocument(new DocContext(file, obj, Diagnostics, CancellationToken), obj);
            }
            else if (root is not null)
            {
                Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WrongRootType, file.Locate(root), "an " + root.KindName));
            }
        }

        _external[path] = result;
        return result;
    }
}
