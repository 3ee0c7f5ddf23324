using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Validation;

/// <summary>
/// A declared paginator must name the operation's own request parameters (of a type the runtime can set) and, where the
/// response schema declares its properties, response properties that exist and have the expected type.
/// </summary>
internal static class PaginationValidator
{
    public static void Check(ConnectorSpec spec, OperationSpec operation, DocContext context)
    {
        if (operation.Pagination is not { Inferred: false } paging)
        {
            return;
        }

        void Fail(string key, string message) =>
            context.Diagnostics.Add(
                DiagnosticInfo.Create(
                    DiagnosticDescriptors.InvalidPagination,
                    context.TryLocate(paging.Pointer + "/" + key, false, out var at) ? at : context.Locate(paging.Pointer),
                    message
                )
            );

        if (operation.Response.Kind != ResponseKind.Json)
        {
            Fail("style", "operation '" + operation.Name + "' does not answer with JSON, so it has no pages to read");
            return;
        }

        CheckParameter(operation, "cursor_param", paging.CursorParameter, integerOnly: false, Fail);
        CheckParameter(operation, "offset_param", paging.OffsetParameter, integerOnly: true, Fail);
        CheckParameter(operation, "page_param", paging.PageParameter, integerOnly: true, Fail);
        CheckParameter(operation, "limit_param", paging.LimitParameter, integerOnly: true, Fail);

        var response = operation.Response.Type ?? TypeRef.Any;
        TypeSpec? Find(TypeRef type) => type.Name is { } name ? spec.Types.FirstOrDefault(t => t.Name == name) : null;
        CheckPointer(response, "items", paging.Items, "an array", t => t.Kind == TypeKind.Array, Find, Fail);
        CheckPointer(response, "has_more", paging.HasMore, "a Boolean", t => t.Kind == TypeKind.Boolean, Find, Fail);
        CheckPointer(response, "total", paging.Total, "a number", IsNumber, Find, Fail);
        CheckPointer(response, "next_url", paging.NextUrl, "a string", t => t.Kind is TypeKind.String or TypeKind.Uri, Find, Fail);
        CheckPointer(response, "cursor", paging.Cursor, "a string or number", t => t.Kind == TypeKind.String || IsNumber(t), Find, Fail);
        if (paging.LastItemCursor is { } inItem)
        {
            var items = ResponsePointers.Resolve(response, paging.Items, Find);
            if (items is { Outcome: ResponsePointers.Outcome.Found, Type: { Kind: TypeKind.Array, Item: { } item } })
            {
                CheckPointer(
                    item,
                    "last_item_cursor",
                    inItem,
                    "a string or number",
                    t => t.Kind == TypeKind.String || IsNumber(t),
                    Find,
                    Fail
                );
            }
        }
    }

    private static bool IsNumber(TypeRef type) => type.Kind is TypeKind.Int32 or TypeKind.Int64 or TypeKind.Double or TypeKind.Decimal;

    private static void CheckParameter(OperationSpec operation, string key, string? name, bool integerOnly, Action<string, string> fail)
    {
        if (name is null)
        {
            return;
        }

        var parameter = operation.Parameters.FirstOrDefault(p =>
            p.Name == name && p.Location is ParameterLocation.Query or ParameterLocation.Body && p.Constant is null
        );
        if (parameter is null)
        {
            var others = operation
                .Parameters.Where(p => p.Location is ParameterLocation.Query or ParameterLocation.Body)
                .Select(p => p.Name);
            fail(
                key,
                "'"
                    + key
                    + "' names '"
                    + name
                    + "', which is not a query or body parameter of operation '"
                    + operation.Name
                    + "'"
                    + (others.Any() ? " (it has: " + string.Join(", ", others) + ")" : " (it has none)")
            );
            return;
        }

        var type = parameter.Type;
        var fits = integerOnly
            ? type.Kind is TypeKind.Int32 or TypeKind.Int64
            : type.Kind is TypeKind.String or TypeKind.Int32 or TypeKind.Int64;
        if (!fits)
        {
            fail(
                key,
                "'"
                    + key
                    + "' names parameter '"
                    + name
                    + "' of type "
                    + type.Kind.ToString().ToLowerInvariant()
                    + "; it must be "
                    + (integerOnly ? "an integer" : "a string or an integer")
            );
        }
    }

    private static void CheckPointer(
        TypeRef response,
        string key,
        string? pointer,
        string expected,
        Func<TypeRef, bool> fits,
        Func<TypeRef, TypeSpec?> find,
        Action<string, string> fail
    )
    {
        if (pointer is null)
        {
            return;
        }

        var (outcome, type, missing) = ResponsePointers.Resolve(response, pointer, find);
        if (outcome == ResponsePointers.Outcome.Missing)
        {
            fail(key, "'" + key + "' points at '" + pointer + "', but the response schema has no property '" + missing + "' there");
        }
        else if (outcome == ResponsePointers.Outcome.Found && type is not null && type.Kind != TypeKind.Any && !fits(type))
        {
            fail(
                key,
                "'"
                    + key
                    + "' points at '"
                    + pointer
                    + "', which is "
                    + type.Kind.ToString().ToLowerInvariant()
                    + " in the response schema, not "
                    + expected
            );
        }
    }
}
