using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>
/// Pagination inferred from an OpenAPI document, only where its shape leaves one reading (docs/pagination.md,
/// "Inferred"). A GET operation answering JSON is paged when:
/// <list type="number">
/// <item>it declares <c>x-ms-pageable</c> with a <c>nextLinkName</c> (items in <c>itemName</c>, default <c>value</c>);</item>
/// <item>its response object has exactly one array property (the items) and
///   <list type="bullet">
///   <item>a Boolean <c>has_more</c> next to a <c>data</c> array whose items have an <c>id</c>, and the operation takes
///     <c>starting_after</c> (the last item's id is the cursor);</item>
///   <item>or a string <c>next_cursor</c>/<c>nextCursor</c> with a <c>cursor</c> parameter, <c>nextPageToken</c> with
///     <c>pageToken</c>/<c>page_token</c>, or <c>next_page_token</c> with <c>page_token</c>;</item>
///   <item>or a next-page URL: <c>next_page_url</c> (a string), or <c>next</c> / <c>links.next</c> / <c>_links.next</c> declared
///     with <c>format: uri</c>;</item>
///   </list></item>
/// <item>or its 200 response declares a <c>Link</c> header (items: the array body, or the one array property).</item>
/// </list>
/// Anything else is not paged. <c>x-pagination: false</c> on an operation, or at the document root, turns inference off;
/// a declared <c>x-pagination</c> block always wins.
/// </summary>
internal static class PaginationInference
{
    private static readonly (string Response, string Request)[] CursorPairs =
    {
        ("next_cursor", "cursor"),
        ("nextCursor", "cursor"),
        ("nextPageToken", "pageToken"),
        ("nextPageToken", "page_token"),
        ("next_page_token", "page_token"),
    };

    public static EquatableArray<OperationSpec> Apply(
        EquatableArray<OperationSpec> operations,
        EquatableArray<TypeSpec> types,
        DocContext context
    )
    {
        if (context.Root is DocObject root && IsFalse(root.Get("x-pagination")))
        {
            return operations;
        }

        // The first type of each name, as a linear search would find it: thousands of operations look up their responses.
        var byName = new Dictionary<string, TypeSpec>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (!byName.ContainsKey(type.Name))
            {
                byName.Add(type.Name, type);
            }
        }

        TypeSpec? Find(TypeRef type) => type.Name is { } name && byName.TryGetValue(name, out var found) ? found : null;
        return operations.Select(o => o.Pagination is null ? o with { Pagination = Infer(o, context, Find) } : o).ToEquatableArray();
    }

    private static bool IsFalse(DocNode? node) => node is DocScalar { Kind: ScalarKind.Boolean, Text: "false" };

    private static PaginationSpec? Infer(OperationSpec operation, DocContext context, Func<TypeRef, TypeSpec?> find)
    {
        if (operation.Method != "GET" || operation.Response is not { Kind: ResponseKind.Json, Type: { } response })
        {
            return null;
        }

        var node = context.TryLocate(operation.Pointer, false, out _) ? context.Resolve(operation.Pointer, out _) as DocObject : null;
        if (node is null || IsFalse(node.Get("x-pagination")))
        {
            return null;
        }

        var spec = new PaginationSpec
        {
            Style = PagingStyle.NextUrl,
            Inferred = true,
            Pointer = operation.Pointer,
        };
        if (node.Get("x-ms-pageable") is DocObject pageable)
        {
            return pageable.Get("nextLinkName") is DocScalar { Kind: ScalarKind.String, Text.Length: > 0 } next
                ? spec with
                {
                    NextUrl = "/" + Escape(next.Text),
                    Items =
                        "/"
                        + Escape(
                            pageable.Get("itemName") is DocScalar { Kind: ScalarKind.String, Text.Length: > 0 } itemName
                                ? itemName.Text
                                : "value"
                        ),
                }
                : null;
        }

        var linkHeader = HasLinkHeader(node);
        if (response.Kind == TypeKind.Array)
        {
            return linkHeader ? spec with { Style = PagingStyle.LinkHeader } : null;
        }

        if (find(response) is not { Kind: TypeSpecKind.Object } model)
        {
            return null;
        }

        var properties = new Dictionary<string, TypeRef>(StringComparer.Ordinal);
        for (var (current, depth) = (model, 0); current is not null && depth < 32; depth++)
        {
            foreach (var property in current.Properties)
            {
                if (!properties.ContainsKey(property.JsonName))
                {
                    properties[property.JsonName] = property.Type;
                }
            }

            current = current.BaseType is { } b ? find(TypeRef.Named(b)) : null;
        }

        var arrays = properties.Where(p => p.Value.Kind == TypeKind.Array).ToList();
        if (arrays.Count != 1)
        {
            return null;
        }

        var items = arrays[0];
        spec = spec with { Items = "/" + Escape(items.Key) };
        var query = operation
            .Parameters.Where(p => p.Location == ParameterLocation.Query && p.Constant is null)
            .Select(p => p.Name)
            .ToList();
        if (
            items.Key == "data"
            && properties.TryGetValue("has_more", out var hasMore)
            && hasMore.Kind == TypeKind.Boolean
            && query.Contains("starting_after")
            && items.Value.Item is { } item
            && find(item) is { Kind: TypeSpecKind.Object } itemModel
            && itemModel.Properties.Any(p => p.JsonName == "id")
        )
        {
            return spec with
            {
                Style = PagingStyle.Cursor,
                LastItemCursor = "/id",
                CursorParameter = "starting_after",
                HasMore = "/has_more",
            };
        }

        foreach (var (cursor, parameter) in CursorPairs)
        {
            if (properties.TryGetValue(cursor, out var type) && type.Kind == TypeKind.String && query.Contains(parameter))
            {
                return spec with { Style = PagingStyle.Cursor, Cursor = "/" + cursor, CursorParameter = parameter };
            }
        }

        if (properties.TryGetValue("next_page_url", out var nextPageUrl) && nextPageUrl.Kind is TypeKind.String or TypeKind.Uri)
        {
            return spec with { NextUrl = "/next_page_url" };
        }

        if (properties.TryGetValue("next", out var nextUrl) && nextUrl.Kind == TypeKind.Uri)
        {
            return spec with { NextUrl = "/next" };
        }

        foreach (var links in new[] { "links", "_links" })
        {
            if (
                properties.TryGetValue(links, out var linksType)
                && find(linksType) is { Kind: TypeSpecKind.Object } linksModel
                && linksModel.Properties.FirstOrDefault(p => p.JsonName == "next") is { Type.Kind: TypeKind.Uri }
            )
            {
                return spec with { NextUrl = "/" + links + "/next" };
            }
        }

        return linkHeader ? spec with { Style = PagingStyle.LinkHeader } : null;
    }

    private static bool HasLinkHeader(DocObject operation) =>
        operation.Get("responses") is DocObject responses
        && (responses.Get("200") ?? responses.Get("2XX")) is DocObject ok
        && ok.Get("headers") is DocObject headers
        && headers.Properties.Any(h => string.Equals(h.Name, "Link", StringComparison.OrdinalIgnoreCase));

    private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
