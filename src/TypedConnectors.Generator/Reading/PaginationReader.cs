using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading;

/// <summary>
/// Reads a <c>pagination</c> block: on a canonical endpoint, in a connector file's OpenAPI overlay
/// (<c>operations.pagination.&lt;operationId&gt;</c>) and as an OpenAPI operation's <c>x-pagination</c>. Every key is
/// type-checked where it is written; whether the names exist is checked against the operation by the validator.
/// </summary>
internal static class PaginationReader
{
    internal static readonly string[] Keys =
    {
        "style",
        "items",
        "cursor",
        "last_item_cursor",
        "cursor_param",
        "next_url",
        "offset_param",
        "page_param",
        "limit_param",
        "start",
        "has_more",
        "total",
    };

    internal static readonly (string, PagingStyle)[] Styles =
    {
        ("cursor", PagingStyle.Cursor),
        ("next_url", PagingStyle.NextUrl),
        ("link_header", PagingStyle.LinkHeader),
        ("offset", PagingStyle.Offset),
        ("page", PagingStyle.Page),
    };

    public static PaginationSpec? Read(DocContext context, DocNode node, string pointer)
    {
        if (context.AsObject(node, "pagination") is not { } obj)
        {
            return null;
        }

        var reported = context.Diagnostics.Count;
        context.CheckKeys(obj, Keys, "a pagination block");
        var style = context.Enum(obj, "style", Styles, "pagination style", required: true, where: "a pagination block");
        var spec = new PaginationSpec
        {
            Style = style ?? PagingStyle.Cursor,
            Items = Pointer(context, obj, "items") ?? "",
            Cursor = Pointer(context, obj, "cursor"),
            LastItemCursor = Pointer(context, obj, "last_item_cursor"),
            CursorParameter = context.String(obj, "cursor_param", required: style == PagingStyle.Cursor, where: "a cursor pagination"),
            NextUrl = Pointer(context, obj, "next_url", required: style == PagingStyle.NextUrl, where: "a next_url pagination"),
            OffsetParameter = context.String(obj, "offset_param", required: style == PagingStyle.Offset, where: "an offset pagination"),
            PageParameter = context.String(obj, "page_param", required: style == PagingStyle.Page, where: "a page pagination"),
            LimitParameter = context.String(obj, "limit_param"),
            Start = context.Integer(obj, "start"),
            HasMore = Pointer(context, obj, "has_more"),
            Total = Pointer(context, obj, "total"),
            Pointer = pointer,
        };

        if (style == PagingStyle.Cursor && spec.Cursor is null && spec.LastItemCursor is null && obj.Get("cursor") is null)
        {
            context.Report(
                DiagnosticDescriptors.MissingRequiredKey,
                obj,
                "cursor",
                " (or 'last_item_cursor') in a cursor pagination: where the next cursor is read"
            );
        }

        // A block with a mistake is reported where it is written and not checked further against the operation.
        return style is null || context.Diagnostics.Count > reported ? null : spec;
    }

    /// <summary>A JSON pointer value: empty, or starting with '/'.</summary>
    private static string? Pointer(DocContext context, DocObject obj, string key, bool required = false, string? where = null)
    {
        var value = context.String(obj, key, required, where);
        if (value is { Length: > 0 } && value[0] != '/' && obj.Get(key) is { } node)
        {
            context.Report(
                DiagnosticDescriptors.InvalidPagination,
                node,
                "'" + key + "' must be a JSON pointer into the response body, starting with '/' (for example \"/data\")"
            );
            return null;
        }

        return value;
    }
}
