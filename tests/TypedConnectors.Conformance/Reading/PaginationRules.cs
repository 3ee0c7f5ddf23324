using System.Text.Json.Nodes;

namespace TypedConnectors.Conformance.Reading;

/// <summary>
/// The checker's own reading of when an OpenAPI operation is paged (docs/pagination.md, "Inferred from OpenAPI"),
/// written from the documentation over the raw document: a declared <c>x-pagination</c> block wins,
/// <c>x-pagination: false</c> (operation or root) turns inference off, and otherwise only shapes with one reading page.
/// </summary>
internal static class PaginationRules
{
    private static readonly (string Response, string Request)[] CursorPairs =
    {
        ("next_cursor", "cursor"),
        ("nextCursor", "cursor"),
        ("nextPageToken", "pageToken"),
        ("nextPageToken", "page_token"),
        ("next_page_token", "page_token"),
    };

    public static DefPagination? For(RefResolver refs, JsonObject root, JsonObject op, DefOperation operation)
    {
        if (op["x-pagination"] is JsonObject declared)
        {
            return DefPagination.Read(declared);
        }

        if (IsFalse(op["x-pagination"]) || IsFalse(root["x-pagination"]) || operation.Method != "get")
        {
            return null;
        }

        var ok = operation
            .Responses.Where(r => r.Status.StartsWith('2') && r.MediaType is not null)
            .OrderBy(r => r.Status, StringComparer.Ordinal)
            .FirstOrDefault();
        if (ok is null || !OpenApiDefinitionReader.IsJson(ok.MediaType!) || ok.Schema is null)
        {
            return null;
        }

        var inferred = new DefPagination("next_url") { Inferred = true };
        if (op["x-ms-pageable"] is JsonObject pageable)
        {
            return Json.Str(pageable, "nextLinkName") is { Length: > 0 } nextLink
                ? inferred with
                {
                    NextUrl = "/" + Escape(nextLink),
                    Items = "/" + Escape(Json.Str(pageable, "itemName") is { Length: > 0 } item ? item : "value"),
                }
                : null;
        }

        var linkHeader = HasLinkHeader(refs, op);
        var schema = refs.Object(ok.Schema);
        if (Type(refs, schema) == "array")
        {
            return linkHeader ? inferred with { Style = "link_header", Items = "" } : null;
        }

        var properties = Properties(refs, schema);
        var arrays = properties.Where(p => Type(refs, refs.Object(p.Value)) == "array").ToList();
        if (arrays.Count != 1)
        {
            return null;
        }

        var items = arrays[0];
        inferred = inferred with { Items = "/" + Escape(items.Key) };
        var query = operation
            .Parameters.Where(p => p.In == "query" && p.Constant is null)
            .Select(p => p.Name)
            .ToHashSet(StringComparer.Ordinal);
        if (
            items.Key == "data"
            && properties.TryGetValue("has_more", out var hasMore)
            && Type(refs, refs.Object(hasMore)) == "boolean"
            && query.Contains("starting_after")
            && Properties(refs, refs.Object(refs.Object(items.Value)?["items"])).ContainsKey("id")
        )
        {
            return inferred with { Style = "cursor", LastItemCursor = "/id", CursorParam = "starting_after", HasMore = "/has_more" };
        }

        foreach (var (cursor, parameter) in CursorPairs)
        {
            if (properties.TryGetValue(cursor, out var c) && Type(refs, refs.Object(c)) == "string" && query.Contains(parameter))
            {
                return inferred with { Style = "cursor", Cursor = "/" + cursor, CursorParam = parameter };
            }
        }

        if (properties.TryGetValue("next_page_url", out var nextPageUrl) && Type(refs, refs.Object(nextPageUrl)) == "string")
        {
            return inferred with { NextUrl = "/next_page_url" };
        }

        if (properties.TryGetValue("next", out var next) && IsUri(refs, next))
        {
            return inferred with { NextUrl = "/next" };
        }

        foreach (var links in new[] { "links", "_links" })
        {
            if (
                properties.TryGetValue(links, out var linksSchema)
                && Properties(refs, refs.Object(linksSchema)).TryGetValue("next", out var linksNext)
                && IsUri(refs, linksNext)
            )
            {
                return inferred with { NextUrl = "/" + links + "/next" };
            }
        }

        return linkHeader ? inferred with { Style = "link_header" } : null;
    }

    private static bool IsFalse(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && !b;

    private static bool IsUri(RefResolver refs, JsonNode? schema) =>
        refs.Object(schema) is { } s && Type(refs, s) == "string" && Json.Str(s, "format") is "uri" or "url";

    private static bool HasLinkHeader(RefResolver refs, JsonObject op) =>
        refs.Object(op["responses"]?["200"] ?? op["responses"]?["2XX"]) is { } ok
        && Json.Props(ok, "headers").Any(h => string.Equals(h.Key, "Link", StringComparison.OrdinalIgnoreCase));

    /// <summary>The schema's type: <c>type</c> (its first non-null entry in a list), or what its allOf parts say.</summary>
    internal static string? Type(RefResolver refs, JsonObject? schema, int depth = 0)
    {
        if (schema is null || depth > 16)
        {
            return null;
        }

        var type = schema["type"] switch
        {
            JsonValue v => Json.Str(v),
            JsonArray a => a.Select(t => Json.Str(t)).FirstOrDefault(t => t is not null and not "null"),
            _ => null,
        };
        if (type is not null)
        {
            return type;
        }

        if (schema.ContainsKey("properties"))
        {
            return "object";
        }

        return Json.Items(schema, "allOf").Select(p => Type(refs, refs.Object(p), depth + 1)).FirstOrDefault(t => t is not null);
    }

    /// <summary>
    /// The properties of an object schema through its allOf parts. allOf asks for every part, so where one part
    /// declares a property loosely (<c>{ type: object }</c>, an array of such) and another types it, the typed one holds.
    /// </summary>
    internal static Dictionary<string, JsonNode?> Properties(RefResolver refs, JsonObject? schema, int depth = 0)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (schema is null || depth > 16)
        {
            return result;
        }

        foreach (var part in Json.Items(schema, "allOf"))
        {
            foreach (var (name, value) in Properties(refs, refs.Object(part), depth + 1))
            {
                Add(result, name, value, refs);
            }
        }

        foreach (var (name, value) in Json.Props(schema, "properties"))
        {
            Add(result, name, value, refs);
        }

        return result;
    }

    private static void Add(Dictionary<string, JsonNode?> properties, string name, JsonNode? value, RefResolver refs)
    {
        if (!properties.TryGetValue(name, out var existing) || (IsLoose(refs, existing) && !IsLoose(refs, value)))
        {
            properties[name] = value;
        }
    }

    private static bool IsLoose(RefResolver refs, JsonNode? node, int depth = 0)
    {
        if (depth > 8)
        {
            return false;
        }

        var schema = refs.Resolve(node);
        if (schema is JsonValue v)
        {
            return v.TryGetValue<bool>(out var b) && b;
        }

        if (schema is not JsonObject o)
        {
            return false;
        }

        var type = Json.Str(o, "type");
        if (type == "array")
        {
            return !o.ContainsKey("items") || IsLoose(refs, o["items"], depth + 1);
        }

        return type is null or "object"
            && o["type"] is null or JsonValue
            && !new[]
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
            }.Any(o.ContainsKey)
            && o["additionalProperties"] is null or JsonValue;
    }

    private static string Escape(string token) =>
        token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
