using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// A paged operation's <c>…AllAsync</c> (every item) and <c>…PagesAsync</c> (every page as a raw response): the same
/// parameters as the operation plus paging guards, each page's request built by the operation's request builder and
/// advanced by the runtime's ConnectorPaging as the operation's paginator says.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    private void EmitPagingDeclarations(SourceWriter writer, OperationSpec operation)
    {
        if (operation.Pagination is null)
        {
            return;
        }

        writer.Line();
        EmitOperationDocs(
            writer,
            operation,
            "Every item of every page, requested one page at a time as the enumeration proceeds.",
            pagingDoc: true
        );
        writer.Line(PagingSignature(operation, items: true) + ";");
        writer.Line();
        EmitOperationDocs(
            writer,
            operation,
            "Every page as a raw response (status, headers, rate-limit state, body), requested one at a time.",
            pagingDoc: true
        );
        writer.Line(PagingSignature(operation, items: false) + ";");
    }

    private void EmitPagingMethods(SourceWriter writer, OperationSpec operation)
    {
        if (operation.Pagination is not { } paging)
        {
            return;
        }

        var field = "__paging" + Identifier.Bare(operation.Identifier);
        writer.Line();
        writer.Line(
            "private static readonly global::TypedConnectors.ConnectorPagination "
                + field
                + " = "
                + PaginationValue(operation, paging)
                + ";"
        );
        var mapper = ErrorMapper(operation);
        string Arguments(string typeInfo) =>
            "(HttpClient, Connection.BaseAddress, "
            + field
            + ", () => "
            + BuilderName(operation)
            + "("
            + string.Join(", ", BuilderArguments(operation))
            + "), "
            + typeInfo
            + ", paging, "
            + (mapper.Length == 0 ? "null, " : mapper)
            + "cancellationToken)";
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line("public " + PagingSignature(operation, items: true) + " =>");
        writer.Line(
            "    global::TypedConnectors.ConnectorPaging.ItemsAsync<"
                + _types.Of(PageItemType(operation))
                + ">"
                + Arguments(TypeInfoOf(PageItemType(operation)))
                + ";"
        );
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line("public " + PagingSignature(operation, items: false) + " =>");
        writer.Line(
            "    global::TypedConnectors.ConnectorPaging.PagesAsync<"
                + _types.Of(operation.Response.Type ?? TypeRef.Any)
                + ">"
                + Arguments(TypeInfoOf(operation.Response.Type ?? TypeRef.Any))
                + ";"
        );
    }

    private string PagingSignature(OperationSpec operation, bool items)
    {
        var parameters = SignatureParameters(operation);
        parameters.Insert(parameters.Count - 2, "global::TypedConnectors.ConnectorPagingOptions? paging = null");
        var element = items
            ? _types.Of(PageItemType(operation))
            : "global::TypedConnectors.ConnectorResponse<" + _types.Of(operation.Response.Type ?? TypeRef.Any) + ">";
        return "global::System.Collections.Generic.IAsyncEnumerable<"
            + element
            + "> "
            + (items ? operation.AllIdentifier : operation.PagesIdentifier)
            + "("
            + string.Join(", ", parameters)
            + ")";
    }

    /// <summary>The items' type: the element type of the array the items pointer names; JsonElement when the schema is open.</summary>
    private TypeRef PageItemType(OperationSpec operation)
    {
        var (outcome, type, _) = ResponsePointers.Resolve(
            operation.Response.Type ?? TypeRef.Any,
            operation.Pagination?.Items ?? "",
            _types.Find
        );
        return outcome == ResponsePointers.Outcome.Found && type is { Kind: TypeKind.Array, Item: { } item }
            ? item.AsNullable(false)
            : TypeRef.Any;
    }

    private static string PaginationValue(OperationSpec operation, PaginationSpec paging)
    {
        var members = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                members.Add(name + " = " + Literals.String(value));
            }
        }

        Add("Items", paging.Items.Length == 0 ? null : paging.Items);
        Add("Cursor", paging.Cursor);
        Add("LastItemCursor", paging.LastItemCursor);
        Add("CursorParameter", paging.CursorParameter);
        Add("NextUrl", paging.NextUrl);
        Add("OffsetParameter", paging.OffsetParameter);
        Add("PageParameter", paging.PageParameter);
        Add("LimitParameter", paging.LimitParameter);
        Add("HasMore", paging.HasMore);
        Add("Total", paging.Total);
        if (paging.Start is { } start)
        {
            members.Add("Start = " + Literals.Long(start));
        }

        var advanced = paging.Style switch
        {
            PagingStyle.Cursor => paging.CursorParameter,
            PagingStyle.Offset => paging.OffsetParameter,
            PagingStyle.Page => paging.PageParameter,
            _ => null,
        };
        if (advanced is not null && operation.Parameters.Any(p => p.Name == advanced && p.Location == ParameterLocation.Body))
        {
            members.Add("ParametersInBody = true");
        }

        return "new global::TypedConnectors.ConnectorPagination(global::TypedConnectors.ConnectorPagingStyle."
            + paging.Style
            + ")"
            + (members.Count == 0 ? "" : " { " + string.Join(", ", members) + " }");
    }
}
