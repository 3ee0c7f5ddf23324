using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Emit;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Features.Pagination;

/// <summary>
/// Pagination (docs/pagination.md): a <c>pagination</c> block on a canonical endpoint, in a connector file's OpenAPI
/// overlay (<c>operations.pagination.&lt;operationId&gt;</c>) or as an OpenAPI operation's <c>x-pagination</c>; inferred
/// from an OpenAPI document's shape by <c>Reading/OpenApi/PaginationInference.cs</c>. Every key is type-checked where it
/// is written; whether the names exist is checked against the operation (a declared paginator must name the operation's
/// own request parameters, of a type the runtime can set, and, where the response schema declares its properties,
/// response properties that exist and have the expected type). A paged operation gets <c>…AllAsync</c> (every item) and
/// <c>…PagesAsync</c> (every page as a raw response), advanced by the runtime's ConnectorPaging.
/// </summary>
internal sealed class PaginationFeature : OperationFeature
{
    public static readonly PaginationFeature Instance = new();

    /// <summary>TC0060: the feature's declaration names what the operation does not have, or has with the wrong type.</summary>
    public static readonly Microsoft.CodeAnalysis.DiagnosticDescriptor InvalidPagination = DiagnosticDescriptors.DeclarationError(
        "TC0060",
        "Pagination does not match the operation",
        "Pagination: {0}"
    );

    /// <inheritdoc/>
    public override IEnumerable<Microsoft.CodeAnalysis.DiagnosticDescriptor> Diagnostics => [InvalidPagination];

    public override IEnumerable<string> EndpointKeys => ["pagination"];

    public override IEnumerable<KeyValuePair<string, string[]>> KeySets => [new("pagination", Keys)];

    public override string? OverlayKey => "pagination";

    public override OperationSpec ReadEndpoint(DocContext context, DocObject endpoint, string pointer, OperationSpec operation) =>
        endpoint.Get("pagination") is { } paging
            ? operation with
            {
                Pagination = ReadBlock(context, paging, pointer + "/pagination"),
            }
            : operation;

    public override OperationSpec ReadOpenApiOperation(OpenApiFeatureSite site, OperationSpec operation) =>
        site.Operation.Get("x-pagination") is { } declared and not DocScalar { Kind: ScalarKind.Boolean }
            ? operation with
            {
                Pagination = ReadBlock(site.Context, declared, site.Pointer + "/x-pagination"),
            }
            : operation;

    public override OperationSpec ReadOverlay(DocContext context, DocNode block, string pointer, OperationSpec operation) =>
        ReadBlock(context, block, pointer) is { } paginator ? operation with { Pagination = paginator } : operation;

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

    public static PaginationSpec? ReadBlock(DocContext context, DocNode node, string pointer)
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
            Items = ReadPointer(context, obj, "items") ?? "",
            Cursor = ReadPointer(context, obj, "cursor"),
            LastItemCursor = ReadPointer(context, obj, "last_item_cursor"),
            CursorParameter = context.String(obj, "cursor_param", required: style == PagingStyle.Cursor, where: "a cursor pagination"),
            NextUrl = ReadPointer(context, obj, "next_url", required: style == PagingStyle.NextUrl, where: "a next_url pagination"),
            OffsetParameter = context.String(obj, "offset_param", required: style == PagingStyle.Offset, where: "an offset pagination"),
            PageParameter = context.String(obj, "page_param", required: style == PagingStyle.Page, where: "a page pagination"),
            LimitParameter = context.String(obj, "limit_param"),
            Start = context.Integer(obj, "start"),
            HasMore = ReadPointer(context, obj, "has_more"),
            Total = ReadPointer(context, obj, "total"),
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
    private static string? ReadPointer(DocContext context, DocObject obj, string key, bool required = false, string? where = null)
    {
        var value = context.String(obj, key, required, where);
        if (value is { Length: > 0 } && value[0] != '/' && obj.Get(key) is { } node)
        {
            context.Report(
                InvalidPagination,
                node,
                "'" + key + "' must be a JSON pointer into the response body, starting with '/' (for example \"/data\")"
            );
            return null;
        }

        return value;
    }

    public override void Validate(ConnectorSpec spec, OperationSpec operation, DocContext context)
    {
        if (operation.Pagination is not { Inferred: false } paging)
        {
            return;
        }

        void Fail(string key, string message) =>
            context.Diagnostics.Add(
                DiagnosticInfo.Create(
                    InvalidPagination,
                    context.TryLocate(paging.Pointer + "/" + key, false, out var at) ? at : context.Locate(paging.Pointer),
                    message
                )
            );

        if (operation.Response.Kind != ResponseKind.Json)
        {
            Fail("style", "operation '" + operation.Name + "' does not answer with JSON, so it has no pages to read");
            return;
        }

        ValidateParameter(operation, "cursor_param", paging.CursorParameter, integerOnly: false, Fail);
        ValidateParameter(operation, "offset_param", paging.OffsetParameter, integerOnly: true, Fail);
        ValidateParameter(operation, "page_param", paging.PageParameter, integerOnly: true, Fail);
        ValidateParameter(operation, "limit_param", paging.LimitParameter, integerOnly: true, Fail);

        var response = operation.Response.Type ?? TypeRef.Any;
        TypeSpec? Find(TypeRef type) => type.Name is { } name ? spec.Types.FirstOrDefault(t => t.Name == name) : null;
        ValidatePointer(response, "items", paging.Items, "an array", t => t.Kind == TypeKind.Array, Find, Fail);
        ValidatePointer(response, "has_more", paging.HasMore, "a Boolean", t => t.Kind == TypeKind.Boolean, Find, Fail);
        ValidatePointer(response, "total", paging.Total, "a number", ValidateIsNumber, Find, Fail);
        ValidatePointer(response, "next_url", paging.NextUrl, "a string", t => t.Kind is TypeKind.String or TypeKind.Uri, Find, Fail);
        ValidatePointer(
            response,
            "cursor",
            paging.Cursor,
            "a string or number",
            t => t.Kind == TypeKind.String || ValidateIsNumber(t),
            Find,
            Fail
        );
        if (paging.LastItemCursor is { } inItem)
        {
            var items = ResponsePointers.Resolve(response, paging.Items, Find);
            if (items is { Outcome: ResponsePointers.Outcome.Found, Type: { Kind: TypeKind.Array, Item: { } item } })
            {
                ValidatePointer(
                    item,
                    "last_item_cursor",
                    inItem,
                    "a string or number",
                    t => t.Kind == TypeKind.String || ValidateIsNumber(t),
                    Find,
                    Fail
                );
            }
        }
    }

    private static bool ValidateIsNumber(TypeRef type) =>
        type.Kind is TypeKind.Int32 or TypeKind.Int64 or TypeKind.Double or TypeKind.Decimal;

    private static void ValidateParameter(OperationSpec operation, string key, string? name, bool integerOnly, Action<string, string> fail)
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

    private static void ValidatePointer(
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

    public override OperationSpec Bind(OperationSpec operation, FeatureBinding binding) =>
        operation.Pagination is { } paging
            ? operation with
            {
                Pagination = paging with
                {
                    AllIdentifier = binding.ClaimMethod("AllAsync"),
                    PagesIdentifier = binding.ClaimMethod("PagesAsync"),
                },
            }
            : operation;

    public override IEnumerable<string> MethodIdentifiers(OperationSpec operation) =>
        operation.Pagination is { } paging ? [paging.AllIdentifier, paging.PagesIdentifier] : [];

    public override void EmitDeclarations(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation)
    {
        if (operation.Pagination is null)
        {
            return;
        }

        writer.Line();
        emitter.EmitDocs(writer, operation, "Every item of every page, requested one page at a time as the enumeration proceeds.", true);
        writer.StartLine();
        EmitSignature(emitter, writer, operation, items: true);
        writer.Part(";");
        writer.EndLine();
        writer.Line();
        emitter.EmitDocs(
            writer,
            operation,
            "Every page as a raw response (status, headers, rate-limit state, body), requested one at a time.",
            true
        );
        writer.StartLine();
        EmitSignature(emitter, writer, operation, items: false);
        writer.Part(";");
        writer.EndLine();
    }

    public override void EmitMethods(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation)
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
                + EmitPaginationValue(operation, paging)
                + ";"
        );
        var mapper = emitter.ErrorMapperArgument(operation);
        var builder = emitter.BuilderCall(operation);
        var itemType = EmitItemType(emitter, operation);
        var response = operation.Response.Type ?? TypeRef.Any;
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        EmitMethod(emitter, writer, operation, items: true, "ItemsAsync<", itemType, field, builder, mapper);
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        EmitMethod(emitter, writer, operation, items: false, "PagesAsync<", response, field, builder, mapper);
    }

    /// <summary>One paging method: its signature, then the call of ConnectorPaging that enumerates the pages.</summary>
    private static void EmitMethod(
        IFeatureEmitter emitter,
        SourceWriter writer,
        OperationSpec operation,
        bool items,
        string paging,
        TypeRef type,
        string field,
        string builder,
        string mapper
    )
    {
        writer.StartLine();
        writer.Part("public ");
        EmitSignature(emitter, writer, operation, items);
        writer.Part(" =>");
        writer.EndLine();
        writer.Line(
            $"    global::TypedConnectors.ConnectorPaging.{paging}{emitter.TypeName(type)}>(HttpClient, Connection.BaseAddress, {field}, () => {builder}, {emitter.TypeInfo(type)}, paging, {mapper}cancellationToken);"
        );
    }

    /// <summary>Writes a paging method's signature as part of the current line.</summary>
    private static void EmitSignature(IFeatureEmitter emitter, SourceWriter writer, OperationSpec operation, bool items)
    {
        writer.Part("global::System.Collections.Generic.IAsyncEnumerable<");
        if (items)
        {
            writer.Part(emitter.TypeName(EmitItemType(emitter, operation)));
        }
        else
        {
            writer.Part("global::TypedConnectors.ConnectorResponse<");
            writer.Part(emitter.TypeName(operation.Response.Type ?? TypeRef.Any));
            writer.Part(">");
        }

        writer.Part("> ");
        writer.Part(items ? operation.Pagination!.AllIdentifier : operation.Pagination!.PagesIdentifier);
        writer.Part("(");
        emitter.WriteSignatureParameters(writer, operation, beforeOptions: "global::TypedConnectors.ConnectorPagingOptions? paging = null");
        writer.Part(")");
    }

    /// <summary>The items' type: the element type of the array the items pointer names; JsonElement when the schema is open.</summary>
    private static TypeRef EmitItemType(IFeatureEmitter emitter, OperationSpec operation)
    {
        var (outcome, type, _) = ResponsePointers.Resolve(
            operation.Response.Type ?? TypeRef.Any,
            operation.Pagination?.Items ?? "",
            emitter.FindType
        );
        return outcome == ResponsePointers.Outcome.Found && type is { Kind: TypeKind.Array, Item: { } item }
            ? item.AsNullable(false)
            : TypeRef.Any;
    }

    private static string EmitPaginationValue(OperationSpec operation, PaginationSpec paging)
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
