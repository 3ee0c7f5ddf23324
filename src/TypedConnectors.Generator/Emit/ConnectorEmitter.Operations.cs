using System.Text.RegularExpressions;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

internal sealed partial class ConnectorEmitter
{
    private static readonly Regex HeaderPlaceholder = TemplateSyntax.Placeholder;

    private void EmitOperation(SourceWriter writer, OperationSpec operation)
    {
        if (operation.Body is { Kind: BodyKind.Template } template)
        {
            writer.Line(
                "private static readonly global::TypedConnectors.BodyTemplate "
                    + TemplateField(operation)
                    + " = new global::TypedConnectors.BodyTemplate("
            );
            var parts = template.Template.Select(s => "    " + TemplatePart(s)).ToList();
            for (var i = 0; i < parts.Count; i++)
            {
                writer.Line(parts[i] + (i + 1 < parts.Count ? "," : ");"));
            }

            if (parts.Count == 0)
            {
                writer.Line(");");
            }

            writer.Line();
        }

        var auth = AuthScope(operation);
        if (auth is not null && !operation.Anonymous)
        {
            writer.Line($"private static readonly global::TypedConnectors.OperationAuth {AuthField(operation)} = {auth};");
            writer.Line();
        }

        EmitOperationMethods(writer, operation);
        writer.Line();
        // The builder takes the methods' parameters but the token.
        writer.StartLine();
        writer.Part("private global::TypedConnectors.ConnectorRequest ");
        writer.Part(BuilderName(operation));
        writer.Part("(");
        WriteSignatureParameters(writer, operation, token: false);
        writer.Part(")");
        writer.EndLine();
        writer.OpenBrace();

        foreach (var parameter in OrderedParameters(operation))
        {
            if (parameter.Required && !_types.IsValueType(parameter.Type) && !parameter.Type.Nullable)
            {
                writer.Line($"global::System.ArgumentNullException.ThrowIfNull({parameter.Identifier});");
            }
        }

        if (
            operation.Body is { Identifier.Length: > 0, Required: true } requiredBody
            && !_types.IsValueType(requiredBody.Type ?? TypeRef.Any)
        )
        {
            writer.Line($"global::System.ArgumentNullException.ThrowIfNull({requiredBody.Identifier});");
        }

        EmitValidation(writer, operation);
        writer.StartLine();
        writer.Part("var __request = new global::TypedConnectors.ConnectorRequest(");
        writer.Part(NameLiteral(operation.Method));
        writer.Part(", ");
        writer.Part(Literals.String(operation.Path));
        writer.Part(") { OperationId = ");
        writer.Part(Literals.String(operation.Name));
        if (IdempotencyKeyHeader(operation) is { } key)
        {
            writer.Part(", IdempotencyKeyHeader = ");
            writer.Part(Literals.String(key));
        }

        if (auth is not null)
        {
            writer.Part(", Auth = ");
            writer.Part(operation.Anonymous ? auth : AuthField(operation));
        }

        if (AcceptFor(operation.Response.Kind) is { } accept)
        {
            writer.Part(", Accept = ");
            writer.Part(NameLiteral(accept));
        }

        writer.Part(", CallOptions = options };");
        writer.EndLine();

        foreach (var header in _spec.DefaultHeaders)
        {
            // An operation's own constant header of the same name is the more specific one and replaces it.
            if (
                !IsContentType(header.Name)
                && !operation.Parameters.Any(p =>
                    p.Location == ParameterLocation.Header
                    && p.Constant is not null
                    && string.Equals(p.Name, header.Name, StringComparison.OrdinalIgnoreCase)
                )
            )
            {
                writer.Line($"__request.Header({Literals.String(header.Name)}, {TemplatedValue(header.Value)});");
            }
        }

        foreach (var parameter in operation.Parameters)
        {
            EmitParameter(writer, parameter);
        }

        EmitBody(writer, operation);
        Features.OperationFeatures.EmitRequest(this, writer, operation);
        writer.Line("return __request;");
        writer.Close();
    }

    /// <summary>Writes the call of ConnectorHttp that sends an operation's request and reads its response body.</summary>
    private void SendCall(SourceWriter writer, OperationSpec operation, string request)
    {
        var send = operation.Response.Kind switch
        {
            ResponseKind.None => "SendAsync",
            ResponseKind.Text => "SendForStringAsync",
            ResponseKind.Stream => "SendForStreamAsync",
            _ => "SendAsync",
        };
        var errorMapper = ErrorMapper(operation);
        writer.Part("global::TypedConnectors.ConnectorHttp.");
        writer.Part(send);
        writer.Part("(HttpClient, Connection.BaseAddress, ");
        writer.Part(request);
        writer.Part(", ");
        if (operation.Response.Kind is not (ResponseKind.None or ResponseKind.Text or ResponseKind.Stream))
        {
            writer.Part(TypeInfoOf(operation.Response.Type ?? TypeRef.Any));
            writer.Part(", ");
            if (errorMapper.Length == 0)
            {
                writer.Part("errorMapper: null, ");
            }
        }

        writer.Part(errorMapper);
        writer.Part("cancellationToken)");
    }

    /// <summary>The private method that validates an operation's arguments and builds its request.</summary>
    private static string BuilderName(OperationSpec operation) => "__Request" + Identifier.Bare(operation.Identifier);

    /// <summary>The operation's credential requirement, or null when the connection's credential simply applies.</summary>
    private string? AuthScope(OperationSpec operation)
    {
        if (!operation.UnsupportedAuth.IsEmpty)
        {
            return "global::TypedConnectors.OperationAuth.Unsupported("
                + string.Join(", ", operation.UnsupportedAuth.Select(Literals.String))
                + ")";
        }

        if (_spec.AuthMethods.IsEmpty)
        {
            return null;
        }

        if (operation.Anonymous)
        {
            return "global::TypedConnectors.OperationAuth.Anonymous";
        }

        if (operation.AuthMethods.IsEmpty)
        {
            return null;
        }

        var known = _authKeys ??= new HashSet<string>(_spec.AuthMethods.Select(m => m.Key), StringComparer.Ordinal);
        var keys = new List<string>(operation.AuthMethods.Count);
        foreach (var key in operation.AuthMethods)
        {
            if (known.Contains(key))
            {
                keys.Add(key);
            }
        }

        if (keys.Count == 0 || (!operation.AuthOptional && _spec.AuthMethods.All(m => keys.Contains(m.Key))))
        {
            return null;
        }

        return "global::TypedConnectors.OperationAuth."
            + (operation.AuthOptional ? "OptionalOneOf(" : "OneOf(")
            + string.Join(", ", keys.Select(Literals.String))
            + ")";
    }

    private HashSet<string>? _authKeys;

    private static string AuthField(OperationSpec operation) => "__auth" + Identifier.Bare(operation.Identifier);

    /// <summary>
    /// The header that carries the operation's idempotency key: its own <c>Idempotency-Key</c> header parameter (the
    /// OpenAPI convention), else the connector's <c>idempotency_key_header</c> for POST and PATCH; null for none.
    /// </summary>
    private string? IdempotencyKeyHeader(OperationSpec operation) =>
        operation
            .Parameters.FirstOrDefault(p =>
                p.Location == ParameterLocation.Header
                && (
                    string.Equals(p.Name, "Idempotency-Key", StringComparison.OrdinalIgnoreCase)
                    || string.Equals(p.Name, _spec.IdempotencyKeyHeader, StringComparison.OrdinalIgnoreCase)
                )
            )
            ?.Name
        ?? (
            _spec.IdempotencyKeyHeader is { } header && TemplateSyntax.IsToken(header) && operation.Method is "POST" or "PATCH"
                ? header
                : null
        );

    /// <summary>A template part through the runtime's factories, naming only the flags that are set.</summary>
    private static string TemplatePart(TemplateSegment segment)
    {
        if (segment.Variable is null)
        {
            return "global::TypedConnectors.BodyTemplatePart.Text(" + Literals.String(segment.Literal ?? "") + ")";
        }

        var arguments = new List<string> { Literals.String(segment.Variable) };
        if (segment.InsideString)
        {
            arguments.Add("insideString: true");
        }

        if (segment.ToJson)
        {
            arguments.Add("toJson: true");
        }

        if (segment.Default is { } value)
        {
            arguments.Add("defaultValue: " + Literals.String(value));
        }

        return "global::TypedConnectors.BodyTemplatePart.Var(" + string.Join(", ", arguments) + ")";
    }

    private static bool IsContentType(string header) => string.Equals(header, "Content-Type", StringComparison.OrdinalIgnoreCase);

    private static string TemplateField(OperationSpec operation) => "__template" + Identifier.Bare(operation.Identifier);

    /// <summary>A header value with <c>{{variable}}</c> placeholders becomes a concatenation of connection values.</summary>
    private static string TemplatedValue(string value)
    {
        var parts = new List<string>();
        var last = 0;
        foreach (Match match in HeaderPlaceholder.Matches(value))
        {
            if (match.Index > last)
            {
                parts.Add(Literals.String(value.Substring(last, match.Index - last)));
            }

            parts.Add("(Connection.GetValue(" + Literals.String(match.Groups[1].Value) + ") ?? string.Empty)");
            last = match.Index + match.Length;
        }

        if (last < value.Length || parts.Count == 0)
        {
            parts.Add(Literals.String(value.Substring(last)));
        }

        return string.Join(" + ", parts);
    }

    /// <summary>The wire text of a parameter, or null when it was not given (and has no default to send).</summary>
    private string WireValue(ParameterSpec parameter)
    {
        if (parameter.Constant is { } constant)
        {
            // A header constant may name connection values ({{tenant}}), like the connector-wide headers.
            return parameter.Location == ParameterLocation.Header ? TemplatedValue(constant) : Literals.String(constant);
        }

        // Required values, and optional ones with a C# default that cannot be null, are always sent as they are.
        if (
            parameter.Required
            || (
                parameter.Default is { } d
                && ConstantDefault(parameter.Type, d) is not null
                && _types.IsValueType(parameter.Type)
                && !parameter.Type.Nullable
            )
        )
        {
            return _types.ToWire(parameter.Type, parameter.Identifier, JsonHelperName);
        }

        var fallback = parameter.Default is { } text && ConstantDefault(parameter.Type, text) is null ? Literals.String(text) : "null";
        return OptionalWire(parameter.Identifier, parameter.Type, "__p_" + Identifier.Bare(parameter.Identifier), fallback);
    }

    /// <summary>The wire text of an optional value, or <paramref name="fallback"/> when it is null; a string passes as it is.</summary>
    private string OptionalWire(string access, TypeRef type, string local, string fallback = "null")
    {
        var wire = _types.ToWire(type.AsNullable(false), local, JsonHelperName);
        if (wire == local)
        {
            return fallback == "null" ? access : "(" + access + " ?? " + fallback + ")";
        }

        return "(" + access + " is { } " + local + " ? " + wire + " : " + fallback + ")";
    }

    private void EmitParameter(SourceWriter writer, ParameterSpec parameter)
    {
        if (TryEmitStyledParameter(writer, parameter))
        {
            return;
        }

        var name = NameLiteral(parameter.Name);
        switch (parameter.Location)
        {
            case ParameterLocation.Path:
                writer.Line($"__request.PathParameter({name}, {WireValue(parameter)});");
                break;
            case ParameterLocation.Query when parameter.Type.Kind == TypeKind.Array && parameter.Constant is null:
                var item = parameter.Type.Item ?? TypeRef.String;
                var itemWire =
                    item.Nullable || !_types.IsValueType(item)
                        ? OptionalWire("__item", item, "__value")
                        : "(string?)" + _types.ToWire(item, "__item", JsonHelperName);
                var values = "global::System.Linq.Enumerable.Select(" + parameter.Identifier + ", __item => " + itemWire + ")";
                var source =
                    itemWire == "__item" ? parameter.Identifier
                    : parameter.Required ? values
                    : "(" + parameter.Identifier + " is null ? null : " + values + ")";
                writer.Line(
                    $"__request.QueryValues({name}, {source}, global::TypedConnectors.ParameterStyle.{parameter.Style.ToString()}, explode: {Literals.Bool(parameter.Explode)});"
                );
                break;
            case ParameterLocation.Query:
                writer.Line($"__request.Query({name}, {WireValue(parameter)});");
                break;
            case ParameterLocation.Header:
                writer.Line($"__request.Header({name}, {WireValue(parameter)});");
                break;
            case ParameterLocation.Cookie:
                writer.Line($"__request.Cookie({name}, {WireValue(parameter)});");
                break;
            case ParameterLocation.Form or ParameterLocation.Multipart when parameter.Type.Kind == TypeKind.Stream:
            {
                var call = FileCall(parameter.Location == ParameterLocation.Multipart, name, parameter.Identifier);
                writer.Line(parameter.Required ? call : "if (" + parameter.Identifier + " is not null) " + call);
                break;
            }

            case ParameterLocation.Form:
                writer.Line($"__request.FormField({name}, {WireValue(parameter)});");
                break;
            case ParameterLocation.Multipart:
                writer.Line($"__request.MultipartField({name}, {WireValue(parameter)});");
                break;
            case ParameterLocation.Body:
                // Body fields are written by EmitBody, which knows whether they go to a template or a JSON object.
                break;
        }
    }

    private void EmitProxySignatures(SourceWriter writer, bool declarationsOnly)
    {
        var relative = "global::System.String relativePath";
        var ct = "global::System.Threading.CancellationToken cancellationToken = default";
        var members = new (string Doc, string Signature, string Body)[]
        {
            (
                "Sends GET to a path relative to the connector's base URL and reads the JSON response.",
                "global::System.Threading.Tasks.Task<TResponse> GetAsync<TResponse>(" + relative + ", " + ct + ")",
                "return global::TypedConnectors.ConnectorHttp.SendAsync(HttpClient, Connection.BaseAddress, global::TypedConnectors.ConnectorRequest.Relative(\"GET\", relativePath), "
                    + ProxyTypeInfo("TResponse")
                    + ", errorMapper: null, cancellationToken);"
            ),
            (
                "Sends a JSON body with POST to a path relative to the connector's base URL and reads the JSON response.",
                "global::System.Threading.Tasks.Task<TResponse> PostAsync<TRequest, TResponse>("
                    + relative
                    + ", TRequest body, "
                    + ct
                    + ")",
                "var __request = global::TypedConnectors.ConnectorRequest.Relative(\"POST\", relativePath);\n__request.JsonBody(body, "
                    + ProxyTypeInfo("TRequest")
                    + ");\nreturn global::TypedConnectors.ConnectorHttp.SendAsync(HttpClient, Connection.BaseAddress, __request, "
                    + ProxyTypeInfo("TResponse")
                    + ", errorMapper: null, cancellationToken);"
            ),
            (
                "Sends a JSON body with PUT to a path relative to the connector's base URL and reads the JSON response.",
                "global::System.Threading.Tasks.Task<TResponse> PutAsync<TRequest, TResponse>(" + relative + ", TRequest body, " + ct + ")",
                "var __request = global::TypedConnectors.ConnectorRequest.Relative(\"PUT\", relativePath);\n__request.JsonBody(body, "
                    + ProxyTypeInfo("TRequest")
                    + ");\nreturn global::TypedConnectors.ConnectorHttp.SendAsync(HttpClient, Connection.BaseAddress, __request, "
                    + ProxyTypeInfo("TResponse")
                    + ", errorMapper: null, cancellationToken);"
            ),
            (
                "Sends a JSON body with PATCH to a path relative to the connector's base URL and reads the JSON response.",
                "global::System.Threading.Tasks.Task<TResponse> PatchAsync<TRequest, TResponse>("
                    + relative
                    + ", TRequest body, "
                    + ct
                    + ")",
                "var __request = global::TypedConnectors.ConnectorRequest.Relative(\"PATCH\", relativePath);\n__request.JsonBody(body, "
                    + ProxyTypeInfo("TRequest")
                    + ");\nreturn global::TypedConnectors.ConnectorHttp.SendAsync(HttpClient, Connection.BaseAddress, __request, "
                    + ProxyTypeInfo("TResponse")
                    + ", errorMapper: null, cancellationToken);"
            ),
            (
                "Sends DELETE to a path relative to the connector's base URL.",
                "global::System.Threading.Tasks.Task DeleteAsync(" + relative + ", " + ct + ")",
                "return global::TypedConnectors.ConnectorHttp.SendAsync(HttpClient, Connection.BaseAddress, global::TypedConnectors.ConnectorRequest.Relative(\"DELETE\", relativePath), cancellationToken);"
            ),
            (
                "Sends a request relative to the connector's base URL through the connection's pipeline and returns the raw response (any status).",
                "global::System.Threading.Tasks.Task<global::System.Net.Http.HttpResponseMessage> SendAsync(global::System.Net.Http.HttpMethod method, "
                    + relative
                    + ", global::System.Net.Http.HttpContent? content = null, "
                    + ct
                    + ")",
                "return global::TypedConnectors.ConnectorHttp.SendRawAsync(HttpClient, Connection.BaseAddress, method, relativePath, content, cancellationToken);"
            ),
        };

        var first = true;
        foreach (var (doc, signature, body) in members)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            if (!declarationsOnly)
            {
                writer.Line("/// <inheritdoc/>");
                writer.Open("public " + signature);
                foreach (var line in body.Split('\n'))
                {
                    writer.Line(line);
                }

                writer.Close();
                continue;
            }

            writer.Line("/// <summary>" + doc + "</summary>");
            writer.Line(
                "/// <param name=\"relativePath\">Path (and query) relative to the base URL; it may not leave the base URL.</param>"
            );
            if (signature.Contains("TRequest body"))
            {
                writer.Line("/// <typeparam name=\"TRequest\">Type of the request body.</typeparam>");
                writer.Line("/// <param name=\"body\">The request body, serialised as JSON.</param>");
            }

            if (signature.Contains("TResponse"))
            {
                writer.Line("/// <typeparam name=\"TResponse\">Type the JSON response is read into.</typeparam>");
            }

            if (signature.Contains("HttpMethod method"))
            {
                writer.Line("/// <param name=\"method\">The HTTP method.</param>");
                writer.Line("/// <param name=\"content\">The request content, if any.</param>");
            }

            writer.Line("/// <param name=\"cancellationToken\">Cancels the request.</param>");
            writer.Line(
                signature.Contains("Task<")
                    ? "/// <returns>The response.</returns>"
                    : "/// <returns>A task that completes when the request succeeded.</returns>"
            );
            writer.Line(signature + ";");
        }
    }
}
