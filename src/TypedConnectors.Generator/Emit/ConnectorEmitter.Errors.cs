using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// Declared error responses (OpenAPI's 404 / 4XX / default with a schema) and parameter serialisations beyond a single
/// value: object query parameters (form and deepObject styles), arrays in path, header and cookie parameters (simple
/// style, comma-separated) and repeated form/multipart fields.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    /// <summary>
    /// The error-mapper argument of ConnectorHttp's send methods (with its trailing comma), or empty: a non-success status
    /// with a declared error model becomes <c>ConnectorApiException&lt;TError&gt;</c> carrying the deserialised body.
    /// </summary>
    /// <remarks>
    /// Operations that declare the same errors (an API's shared error responses) share one mapper, made when the first
    /// of them is written.
    /// </remarks>
    private string ErrorMapper(OperationSpec operation)
    {
        var errors = operation.Response.Errors;
        if (!_errorMappers.TryGetValue(errors, out var mapper))
        {
            mapper = BuildErrorMapper(errors);
            _errorMappers.Add(errors, mapper);
        }

        return mapper;
    }

    private readonly Dictionary<EquatableArray<ErrorResponseSpec>, string> _errorMappers = new();

    private string BuildErrorMapper(EquatableArray<ErrorResponseSpec> errors)
    {
        if (errors.IsEmpty)
        {
            return "";
        }

        var arms = new List<string>();
        var patterns = new HashSet<string>(StringComparer.Ordinal);
        foreach (var error in errors)
        {
            var pattern = StatusPattern(error.StatusCode);
            if (pattern is not null && patterns.Add(pattern))
            {
                arms.Add(pattern + " => __e.WithError(" + TypeInfoOf(error.Type.AsNullable(false)) + ")");
            }
        }

        if (arms.Count == 0)
        {
            return "";
        }

        if (!patterns.Contains("_"))
        {
            arms.Add("_ => null");
        }

        return "static __e => __e.StatusCode switch { " + string.Join(", ", arms) + " }, ";
    }

    /// <summary><c>404</c>, <c>4XX</c> or <c>default</c> as a C# pattern on the status code.</summary>
    private static string? StatusPattern(string code)
    {
        if (code == "default")
        {
            return "_";
        }

        if (code.Length == 3 && char.IsDigit(code[0]) && (code[1] == 'X' || code[1] == 'x'))
        {
            var hundred = (code[0] - '0') * 100;
            return ">= " + Literals.Int(hundred) + " and <= " + Literals.Int(hundred + 99);
        }

        return
            int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status)
            && status is >= 100 and <= 599
            ? Literals.Int(status)
            : null;
    }

    private void EmitErrorDocs(SourceWriter writer, OperationSpec operation)
    {
        foreach (var error in operation.Response.Errors)
        {
            if (StatusPattern(error.StatusCode) is null)
            {
                continue;
            }

            var type = _types.Of(error.Type.AsNullable(false));
            writer.StartLine();
            writer.Part("/// <exception cref=\"global::TypedConnectors.ConnectorApiException{TError}\">");
            if (error.StatusCode == "default")
            {
                writer.Part("Any other error status");
            }
            else
            {
                writer.Part("Status ");
                writer.Part(Literals.Xml(error.StatusCode));
            }

            writer.Part(": <c>Error</c> holds the body as ");
            if (error.Type.Kind == TypeKind.Named)
            {
                writer.Part("<see cref=\"");
                writer.Part(type);
                writer.Part("\"/>");
            }
            else
            {
                writer.Part("<c>");
                writer.Part(Literals.Xml(type.Replace("global::", "")));
                writer.Part("</c>");
            }

            writer.Part(".</exception>");
            writer.EndLine();
        }
    }

    /// <summary>Parameters whose value is a collection or an object; false when the ordinary single-value path applies.</summary>
    private bool TryEmitStyledParameter(SourceWriter writer, ParameterSpec parameter)
    {
        if (parameter.Constant is not null || parameter.Identifier.Length == 0)
        {
            return false;
        }

        var type = parameter.Type;
        // A free-form object (type: object, no properties) is a JsonElement; as a deepObject it is sent by its members.
        var isObject =
            type.Kind == TypeKind.Map
            || _types.Find(type) is { Kind: TypeSpecKind.Object }
            || (type.Kind == TypeKind.Any && parameter.Style == ParameterStyle.DeepObject);
        var queryObject = parameter.Location == ParameterLocation.Query && isObject;
        // Decided before anything is spelled: most parameters are single values.
        if (
            (parameter.Location == ParameterLocation.Cookie && isObject)
            || (!queryObject && (type.Kind != TypeKind.Array || parameter.Location is ParameterLocation.Query or ParameterLocation.Body))
        )
        {
            return false;
        }

        var name = NameLiteral(parameter.Name);
        var id = parameter.Identifier;
        var local = "__s_" + Identifier.Bare(id);
        if (queryObject)
        {
            var pairs = ObjectPairs(type.AsNullable(false), local);
            var value =
                parameter.Required && !type.Nullable
                    ? "(" + id + " is var " + local + " ? " + pairs + " : null)"
                    : "(" + id + " is { } " + local + " ? " + pairs + " : null)";
            writer.Line(
                "__request.QueryObject("
                    + name
                    + ", "
                    + value
                    + ", global::TypedConnectors.ParameterStyle."
                    + parameter.Style
                    + ", explode: "
                    + Literals.Bool(parameter.Explode)
                    + ");"
            );
            return true;
        }

        var item = type.Item ?? TypeRef.String;
        switch (parameter.Location)
        {
            case ParameterLocation.Path:
            case ParameterLocation.Header:
            case ParameterLocation.Cookie:
            {
                var joined = "string.Join(\",\", global::System.Linq.Enumerable.Select(" + local + ", " + ItemWire(item, local) + "))";
                var value = "(" + id + " is { } " + local + " ? " + joined + " : null)";
                var method = parameter.Location switch
                {
                    ParameterLocation.Path => "PathParameter",
                    ParameterLocation.Header => "Header",
                    _ => "Cookie",
                };
                writer.Line(
                    parameter.Location == ParameterLocation.Path
                        ? "__request.PathParameter(" + name + ", " + value + " ?? string.Empty);"
                        : "__request." + method + "(" + name + ", " + value + ");"
                );
                return true;
            }

            case ParameterLocation.Form:
            case ParameterLocation.Multipart:
            {
                var itemLocal = local + "_item";
                writer.Open("if (" + id + " is { } " + local + ")");
                writer.Open("foreach (var " + itemLocal + " in " + local + ")");
                if (parameter.Location == ParameterLocation.Multipart && item.Kind == TypeKind.Stream)
                {
                    writer.Line(
                        "if (" + itemLocal + " is not null) __request.MultipartFile(" + name + ", " + itemLocal + ", " + name + ");"
                    );
                }
                else
                {
                    var wire =
                        item.Nullable || !_types.IsValueType(item)
                            ? OptionalWire(itemLocal, item, itemLocal + "_v")
                            : _types.ToWire(item, itemLocal, JsonHelperName);
                    writer.Line(
                        (parameter.Location == ParameterLocation.Multipart ? "__request.MultipartField(" : "__request.FormField(")
                            + name
                            + ", "
                            + wire
                            + ");"
                    );
                }

                writer.Close();
                writer.Close();
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>A lambda turning one array item into its wire text (null items become empty).</summary>
    private string ItemWire(TypeRef item, string local)
    {
        var x = local + "_x";
        return item.Nullable || !_types.IsValueType(item)
            ? x + " => " + OptionalWire(x, item, x + "_v", "string.Empty")
            : x + " => " + _types.ToWire(item, x, JsonHelperName);
    }

    /// <summary>The properties of an object value as name/wire-text pairs, for QueryObject.</summary>
    private string ObjectPairs(TypeRef type, string value)
    {
        const string Pair = "global::System.Collections.Generic.KeyValuePair<string, string?>";
        if (type.Kind == TypeKind.Any)
        {
            // Members as given: strings as their text, anything else as its JSON; a value that is not an object sends nothing.
            var member = value + "_m";
            return "("
                + value
                + ".ValueKind == global::System.Text.Json.JsonValueKind.Object ? global::System.Linq.Enumerable.Select("
                + value
                + ".EnumerateObject(), "
                + member
                + " => new "
                + Pair
                + "("
                + member
                + ".Name, "
                + member
                + ".Value.ValueKind == global::System.Text.Json.JsonValueKind.String ? "
                + member
                + ".Value.GetString() : "
                + member
                + ".Value.GetRawText())) : null)";
        }

        if (type.Kind == TypeKind.Map)
        {
            var item = type.Item ?? TypeRef.Any;
            var kv = value + "_kv";
            var wire =
                item.Nullable || !_types.IsValueType(item)
                    ? OptionalWire(kv + ".Value", item, kv + "_v")
                    : _types.ToWire(item, kv + ".Value", JsonHelperName);
            return "global::System.Linq.Enumerable.Select(" + value + ", " + kv + " => new " + Pair + "(" + kv + ".Key, " + wire + "))";
        }

        var model = _types.Find(type)!;
        var entries = AllProperties(model)
            .Select(p =>
            {
                var access = value + "." + p.Identifier;
                var v = value + "_" + Identifier.Bare(p.Identifier);
                var nullable = !p.Required || p.Type.Nullable || !_types.IsValueType(p.Type);
                var wire =
                    p.Type.Kind == TypeKind.Stream ? "null"
                    : nullable ? OptionalWire(access, p.Type, v)
                    : _types.ToWire(p.Type, access, JsonHelperName);
                return "new " + Pair + "(" + Literals.String(p.JsonName) + ", " + wire + ")";
            });
        return "new " + Pair + "[] { " + string.Join(", ", entries) + " }";
    }
}
