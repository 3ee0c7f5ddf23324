using System.Text.Json.Nodes;

namespace TypedConnectors.Conformance.Reading;

/// <summary>A parameter as the definition declares it: wire name, location, serialisation style.</summary>
internal sealed record DefParameter(string Name, string In, bool Required, string Style, bool Explode, JsonNode? Schema)
{
    /// <summary>A value the definition fixes (canonical <c>value</c>, Databar constants): always sent, never a method parameter.</summary>
    public string? Constant { get; init; }
}

/// <summary>A request body: the media types it may be sent as, and the schema of each.</summary>
internal sealed record DefBody(bool Required, IReadOnlyList<string> MediaTypes, IReadOnlyDictionary<string, JsonNode?> Schemas);

/// <summary>A declared response: status (<c>200</c>, <c>4XX</c>, <c>default</c>), media type, schema, example.</summary>
internal sealed record DefResponse(string Status, string? MediaType, JsonNode? Schema, JsonNode? Example, bool HasExample);

/// <summary>An auth method of the definition and where its credential goes.</summary>
/// <param name="Key">The method's key (OpenAPI scheme name, canonical <c>key</c>).</param>
/// <param name="Kind">apiKey, basic, bearer, oauth2, none, custom.</param>
/// <param name="In">header, query or cookie.</param>
/// <param name="Name">Header, query parameter or cookie name.</param>
/// <param name="Prefix">Text before the credential in the header (Bearer, Basic, a custom word, or empty).</param>
internal sealed record DefAuth(string Key, string Kind, string In, string Name, string Prefix);

/// <summary>A pagination block (canonical <c>pagination</c>, OpenAPI <c>x-pagination</c> or overlay, or inferred).</summary>
internal sealed record DefPagination(string Style)
{
    public string Items { get; init; } = "";

    public string? Cursor { get; init; }

    public string? LastItemCursor { get; init; }

    public string? CursorParam { get; init; }

    public string? NextUrl { get; init; }

    public string? OffsetParam { get; init; }

    public string? PageParam { get; init; }

    public string? LimitParam { get; init; }

    public long? Start { get; init; }

    public string? HasMore { get; init; }

    public string? Total { get; init; }

    /// <summary>Inferred from the document's shape rather than declared.</summary>
    public bool Inferred { get; init; }

    public override string ToString() => Style + (Inferred ? " (inferred)" : "");

    /// <summary>A declared block; null when it is no object or names no known style.</summary>
    public static DefPagination? Read(JsonNode? node)
    {
        if (node is not JsonObject o || Json.Str(o, "style") is not ("cursor" or "next_url" or "link_header" or "offset" or "page"))
        {
            return null;
        }

        return new DefPagination(Json.Str(o, "style")!)
        {
            Items = Json.Str(o, "items") ?? "",
            Cursor = Json.Str(o, "cursor"),
            LastItemCursor = Json.Str(o, "last_item_cursor"),
            CursorParam = Json.Str(o, "cursor_param"),
            NextUrl = Json.Str(o, "next_url"),
            OffsetParam = Json.Str(o, "offset_param"),
            PageParam = Json.Str(o, "page_param"),
            LimitParam = Json.Str(o, "limit_param"),
            Start = Json.Num(o, "start") is { } start ? (long)start : null,
            HasMore = Json.Str(o, "has_more"),
            Total = Json.Str(o, "total"),
        };
    }
}

/// <summary>One operation of the definition.</summary>
internal sealed class DefOperation
{
    public required string Method { get; init; }

    /// <summary>The path template as declared (the key under <c>paths</c>, or the endpoint's path).</summary>
    public required string Path { get; init; }

    public string? OperationId { get; init; }

    public List<DefParameter> Parameters { get; } = new();

    public DefBody? Body { get; set; }

    public List<DefResponse> Responses { get; } = new();

    /// <summary>
    /// Security alternatives (OR of AND-sets of auth keys). Null: the definition says nothing, every method is
    /// accepted and a credential is optional. Empty list: anonymous.
    /// </summary>
    public List<List<string>>? Security { get; set; }

    /// <summary>The operation sends its requests to a URL of its own (OpenAPI operation- or path-level <c>servers</c>).</summary>
    public string? OwnServer { get; init; }

    /// <summary>How the operation pages (declared or, for OpenAPI, inferred as docs/pagination.md says), or null.</summary>
    public DefPagination? Pagination { get; set; }

    /// <summary>The framing of a streamed response (<c>sse</c>, <c>json_lines</c>, <c>json_seq</c>), or null.</summary>
    public string? StreamFormat { get; set; }

    /// <summary>The streamed media type an OpenAPI response declares (null for canonical <c>stream_format</c>).</summary>
    public string? StreamMediaType { get; set; }

    /// <summary>The operation's <c>x-stream-flag</c> as written (a property name or false), or null.</summary>
    public JsonNode? StreamFlagDeclaration { get; set; }

    /// <summary>One event's schema when an OpenAPI response declares it (itemSchema or schema, arrays unwrapped).</summary>
    public JsonNode? StreamSchema { get; set; }

    public string Label => Method.ToUpperInvariant() + " " + Path;

    public override string ToString() => Label;
}

/// <summary>What a definition file declares, read independently of the generator.</summary>
internal sealed class Definition
{
    public required string Kind { get; init; }

    public List<DefOperation> Operations { get; } = new();

    public List<DefAuth> Auth { get; } = new();

    /// <summary>Connection values that are not credentials (base URL variables, account fields), normalised.</summary>
    public HashSet<string> NonCredentialValues { get; } = new(StringComparer.Ordinal);

    /// <summary>A proxy connector (Scalekit): generic send methods instead of operations.</summary>
    public bool IsProxy { get; init; }

    public bool IsMcp { get; init; }

    /// <summary>Findings of the reader itself (a definition the checker could not read completely).</summary>
    public List<string> Notes { get; } = new();
}

/// <summary>JSON pointer and <c>$ref</c> resolution over the input files.</summary>
internal sealed class RefResolver
{
    private readonly Dictionary<string, JsonNode?> _documents = new(StringComparer.Ordinal);

    public RefResolver(string mainPath, JsonNode? main, IEnumerable<(string Path, JsonNode? Root)> others)
    {
        MainPath = Normalise(mainPath);
        _documents[MainPath] = main;
        foreach (var (path, root) in others)
        {
            _documents.TryAdd(Normalise(path), root);
        }
    }

    public string MainPath { get; }

    public JsonNode? Main => _documents[MainPath];

    /// <summary>The node a <c>$ref</c> chain ends at (the node itself when it is no reference); null when broken.</summary>
    public JsonNode? Resolve(JsonNode? node, string? file = null)
    {
        file ??= MainPath;
        for (
            var depth = 0;
            depth < 64 && node is JsonObject obj && obj["$ref"] is JsonValue refValue && refValue.TryGetValue<string>(out var reference);
            depth++
        )
        {
            var hash = reference.IndexOf('#', StringComparison.Ordinal);
            var filePart = hash < 0 ? reference : reference[..hash];
            var pointer = hash < 0 ? "" : reference[(hash + 1)..];
            if (filePart.Length > 0)
            {
                file = Normalise(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(file) ?? "", filePart));
            }

            if (!_documents.TryGetValue(file, out var root))
            {
                return null;
            }

            var target = Pointer(root, pointer);
            if (target is null && filePart.Length == 0)
            {
                // A connector file over an OpenAPI document: the document's operations keep their local references.
                foreach (var (otherPath, other) in _documents)
                {
                    if (Pointer(other, pointer) is { } found)
                    {
                        file = otherPath;
                        target = found;
                        break;
                    }
                }
            }

            node = target;
        }

        return node;
    }

    public JsonObject? Object(JsonNode? node) => Resolve(node) as JsonObject;

    /// <summary>The last segment of a <c>$ref</c>, for discriminator values and names.</summary>
    public static string? RefName(JsonNode? node) =>
        node is JsonObject obj && obj["$ref"] is JsonValue v && v.TryGetValue<string>(out var s) ? s[(s.LastIndexOf('/') + 1)..] : null;

    public static JsonNode? Pointer(JsonNode? root, string pointer)
    {
        if (pointer.Length == 0 || pointer == "/")
        {
            return root;
        }

        var node = root;
        foreach (var raw in pointer.TrimStart('/').Split('/'))
        {
            var segment = Uri.UnescapeDataString(raw)
                .Replace("~1", "/", StringComparison.Ordinal)
                .Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static string Normalise(string path) => System.IO.Path.GetFullPath(path.StartsWith('/') ? path : "/" + path).Replace('\\', '/');
}

/// <summary>Small accessors over JsonNode that tolerate documents with values of the wrong type.</summary>
internal static class Json
{
    public static string? Str(JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v ? (v.TryGetValue<string>(out var s) ? s : v.ToJsonString()) : null;

    public static string? Str(JsonNode? node) => node is JsonValue v ? (v.TryGetValue<string>(out var s) ? s : v.ToJsonString()) : null;

    public static bool? Bool(JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v
            ? (
                v.TryGetValue<bool>(out var b) ? b
                : v.TryGetValue<string>(out var s) && bool.TryParse(s, out var p) ? p
                : null
            )
            : null;

    public static double? Num(JsonNode? node, string key) =>
        node is JsonObject o
        && o[key] is JsonValue v
        && double.TryParse(
            v.ToJsonString().Trim('"'),
            System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture,
            out var d
        )
            ? d
            : null;

    public static IEnumerable<KeyValuePair<string, JsonNode?>> Props(JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonObject child ? child : Enumerable.Empty<KeyValuePair<string, JsonNode?>>();

    public static IEnumerable<JsonNode?> Items(JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonArray a ? a : Enumerable.Empty<JsonNode?>();

    /// <summary>Lower-case letters and digits only: how a wire name and the C# name derived from it are compared.</summary>
    public static string Norm(string name)
    {
        var chars = name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray();
        return new string(chars);
    }
}
