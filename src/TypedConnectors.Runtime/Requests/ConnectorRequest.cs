using System.Buffers;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedConnectors;

/// <summary>
/// Collects one API call's path parameters, query, headers, cookies and body, and builds the
/// <see cref="HttpRequestMessage"/> against a connection's base address.
/// </summary>
/// <remarks>
/// Every value is escaped or validated for the place it goes to, so parameter values can never change the path
/// structure, add query parameters or split headers. A request carries one kind of body; mixing kinds is a bug in
/// the caller and throws.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class ConnectorRequest
{
    private static readonly byte[] JsonNull = "null"u8.ToArray();

    /// <summary>Operation records by operation id; see <see cref="OperationRecord"/>.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<string, OperationInfo> s_operations = new();

    private readonly string _path;
    private readonly string? _templateQuery;
    private readonly int _placeholders;

    // Allocated on first use: most operations set a few of these kinds, none sets all.
    private KeyValuePair<string, string>[]? _pathValues;
    private List<string>? _query;
    private List<KeyValuePair<string, string>>? _headers;
    private List<string>? _cookies;

    private BodyKind _bodyKind;

    // A request has one kind of body (SetBodyKind enforces it), so one field holds whichever it is.
    private object? _body;

    /// <summary>Creates a request.</summary>
    /// <param name="method">The HTTP method, e.g. <c>GET</c>.</param>
    /// <param name="pathTemplate">The path relative to the base address with <c>{name}</c> placeholders, e.g. <c>users/{id}</c>; may carry a constant query after <c>?</c>.</param>
    /// <exception cref="ArgumentException">The template has an unclosed or empty placeholder.</exception>
    public ConnectorRequest(string method, string pathTemplate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(pathTemplate);
        Method = ParseMethod(method);
        var queryStart = pathTemplate.IndexOf('?', StringComparison.Ordinal);
        _path = queryStart < 0 ? pathTemplate : pathTemplate[..queryStart];
        _templateQuery = queryStart < 0 ? null : pathTemplate[(queryStart + 1)..];
        PathTemplate = pathTemplate;

        var position = 0;
        while ((position = _path.IndexOf('{', position)) >= 0)
        {
            var close = _path.IndexOf('}', position + 1);
            if (close < 0 || close == position + 1)
            {
                throw new ArgumentException(
                    $"The path template '{pathTemplate}' has an unclosed or empty placeholder.",
                    nameof(pathTemplate)
                );
            }

            _placeholders++;
            position = close + 1;
        }
    }

    private enum BodyKind
    {
        None,
        Json,
        JsonFields,
        Form,
        Multipart,
        Raw,
        Template,
    }

    /// <summary>
    /// Creates a request for a caller-supplied path relative to the base address, as used by the generated clients'
    /// untyped <c>GetAsync</c>/<c>SendAsync</c> helpers. The path may carry a query string.
    /// </summary>
    /// <param name="method">The HTTP method, e.g. <c>GET</c>.</param>
    /// <param name="relativePath">A path such as <c>users/42?expand=teams</c>.</param>
    /// <returns>The request; braces in the path are literal, not placeholders.</returns>
    /// <exception cref="ArgumentException">
    /// The path is absolute or protocol-relative, contains a <c>.</c> or <c>..</c> segment (also percent-encoded),
    /// a backslash, a fragment or control characters: anything that could leave the base address.
    /// </exception>
    public static ConnectorRequest Relative(string method, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        if (relativePath.Any(c => char.IsControl(c) || c is '\\' or '#'))
        {
            throw new ArgumentException(
                "The relative path may not contain control characters, backslashes or a fragment.",
                nameof(relativePath)
            );
        }

        var queryStart = relativePath.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? relativePath : relativePath[..queryStart];
        var firstSlash = path.IndexOf('/', StringComparison.Ordinal);
        var firstSegment = firstSlash < 0 ? path : path[..firstSlash];
        if (path.StartsWith("//", StringComparison.Ordinal) || firstSegment.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("The relative path may not be an absolute or protocol-relative URL.", nameof(relativePath));
        }

        foreach (var segment in path.Split('/'))
        {
            if (Uri.UnescapeDataString(segment) is "." or "..")
            {
                throw new ArgumentException("The relative path may not contain '.' or '..' segments.", nameof(relativePath));
            }
        }

        return new ConnectorRequest(
            method,
            relativePath.Replace("{", "%7B", StringComparison.Ordinal).Replace("}", "%7D", StringComparison.Ordinal)
        );
    }

    /// <summary>The HTTP method.</summary>
    public HttpMethod Method { get; }

    /// <summary>The path template as given.</summary>
    public string PathTemplate { get; }

    /// <summary>
    /// The credentials the operation accepts, as its definition declares; null sends the connection's credential.
    /// </summary>
    public OperationAuth? Auth { get; set; }

    /// <summary>The caller's settings for this call; its headers are sent and handlers read the rest from the message.</summary>
    public ConnectorCallOptions? CallOptions { get; set; }

    /// <summary>The operation's id as the definition names it, for telemetry and timeout messages; null for untyped calls.</summary>
    public string? OperationId { get; init; }

    /// <summary>
    /// The header that carries the operation's idempotency key (e.g. <c>Idempotency-Key</c>), or null when it declares
    /// none. The connection sends a new key per logical call (or the caller's, from a parameter or
    /// <see cref="ConnectorCallOptions.IdempotencyKey"/>), the same on each retry, and retries such a call like an
    /// idempotent one.
    /// </summary>
    public string? IdempotencyKeyHeader { get; init; }

    /// <summary>The <c>Accept</c> header the operation's responses call for, sent unless a header of the request sets one.</summary>
    public string? Accept { get; set; }

    /// <summary>Sets <see cref="Accept"/>: a streaming method asks for the streamed media type its operation declares.</summary>
    /// <param name="accept">The media type.</param>
    /// <returns>This request.</returns>
    public ConnectorRequest WithAccept(string accept)
    {
        ArgumentException.ThrowIfNullOrEmpty(accept);
        Accept = accept;
        return this;
    }

    /// <summary>Sets a path placeholder's value, percent-escaped so it stays one path segment.</summary>
    /// <param name="name">The placeholder name.</param>
    /// <param name="value">The value; must not be empty, <c>.</c> or <c>..</c>, which would change the path after normalisation.</param>
    /// <exception cref="ArgumentException">The template has no such placeholder, or the value is not allowed.</exception>
    public void PathParameter(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!HasPlaceholder(name))
        {
            throw new ArgumentException($"The path template '{PathTemplate}' has no parameter '{name}'.", nameof(name));
        }

        if (value is "" or "." or "..")
        {
            throw new ArgumentException($"The path parameter '{name}' may not be empty, '.' or '..'.", nameof(value));
        }

        SetPathValue(name, Uri.EscapeDataString(value));
    }

    /// <summary>Adds a query parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value; null omits the parameter.</param>
    public void Query(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (value is not null)
        {
            (_query ??= []).Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        }
    }

    /// <summary>Adds an array query parameter in an OpenAPI style.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="values">The values; null omits the parameter, null items are skipped.</param>
    /// <param name="style">The serialization style. <see cref="ParameterStyle.DeepObject"/> is not defined for arrays and is sent exploded.</param>
    /// <param name="explode">Whether each value becomes its own <c>name=value</c> pair.</param>
    public void QueryValues(string name, IEnumerable<string?>? values, ParameterStyle style, bool explode)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (values is null)
        {
            return;
        }

        var items = values.Where(v => v is not null).Select(v => Uri.EscapeDataString(v!)).ToList();
        if (items.Count == 0)
        {
            return;
        }

        var escapedName = Uri.EscapeDataString(name);
        if (explode || style == ParameterStyle.DeepObject)
        {
            foreach (var item in items)
            {
                (_query ??= []).Add(escapedName + "=" + item);
            }

            return;
        }

        var separator = style switch
        {
            ParameterStyle.SpaceDelimited => "%20",
            ParameterStyle.PipeDelimited => "%7C",
            _ => ",",
        };
        (_query ??= []).Add(escapedName + "=" + string.Join(separator, items));
    }

    /// <summary>Adds an object query parameter in an OpenAPI style.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="properties">The object's properties; null omits the parameter, null values are skipped.</param>
    /// <param name="style"><see cref="ParameterStyle.DeepObject"/> sends <c>name[key]=value</c>; form sends <c>key=value</c> pairs when exploded and <c>name=key,value,...</c> otherwise.</param>
    /// <param name="explode">Whether the properties become separate pairs.</param>
    public void QueryObject(string name, IEnumerable<KeyValuePair<string, string?>>? properties, ParameterStyle style, bool explode)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (properties is null)
        {
            return;
        }

        var escapedName = Uri.EscapeDataString(name);
        var flat = new List<string>();
        foreach (var (key, value) in properties)
        {
            if (value is null)
            {
                continue;
            }

            if (style == ParameterStyle.DeepObject)
            {
                (_query ??= []).Add(escapedName + "%5B" + Uri.EscapeDataString(key) + "%5D=" + Uri.EscapeDataString(value));
            }
            else if (explode)
            {
                (_query ??= []).Add(Uri.EscapeDataString(key) + "=" + Uri.EscapeDataString(value));
            }
            else
            {
                flat.Add(Uri.EscapeDataString(key));
                flat.Add(Uri.EscapeDataString(value));
            }
        }

        if (flat.Count > 0)
        {
            (_query ??= []).Add(escapedName + "=" + string.Join(",", flat));
        }
    }

    /// <summary>Sets a request header, replacing one of the same name set before (case-insensitively).</summary>
    /// <param name="name">The header name; must be an HTTP token.</param>
    /// <param name="value">The value; null omits the header and leaves one set before.</param>
    /// <exception cref="ConnectorConfigurationException">The name is invalid or the value contains CR, LF or NUL.</exception>
    public void Header(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (value is not null)
        {
            HeaderValidation.Ensure(name, value);

            // Connector-wide headers are set first; an operation's own header of the same name is the more specific one.
            var headers = _headers ??= [];
            for (var i = headers.Count - 1; i >= 0; i--)
            {
                if (string.Equals(headers[i].Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    headers.RemoveAt(i);
                }
            }

            headers.Add(new(name, value));
        }
    }

    /// <summary>Adds a cookie.</summary>
    /// <param name="name">The cookie name; must be an HTTP token.</param>
    /// <param name="value">The value, percent-escaped where the cookie syntax does not allow a character; null omits the cookie.</param>
    /// <exception cref="ConnectorConfigurationException">The name is not a token.</exception>
    public void Cookie(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (value is not null)
        {
            (_cookies ??= []).Add(CookieText(name, value));
        }
    }

    /// <summary>Sets a JSON body serialized with <see cref="ConnectorJson.Options"/>.</summary>
    /// <typeparam name="T">The body type.</typeparam>
    /// <param name="value">The body.</param>
    [RequiresUnreferencedCode("Uses reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    [RequiresDynamicCode("Uses reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    public void JsonBody<T>(T value) => JsonBody(value, (JsonTypeInfo<T>)ConnectorJson.Options.GetTypeInfo(typeof(T)));

    /// <summary>Sets a JSON body serialized with the given contract.</summary>
    /// <typeparam name="T">The body type.</typeparam>
    /// <param name="value">The body.</param>
    /// <param name="typeInfo">The type's JSON contract, e.g. from a source-generated context.</param>
    public void JsonBody<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        SetBodyKind(BodyKind.Json);
        JsonBodyBytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
    }

    /// <summary>Adds a member to a JSON object body built from fields; null is written as <c>null</c>.</summary>
    /// <param name="name">The member name.</param>
    /// <param name="value">The value, serialized by its runtime type.</param>
    [RequiresUnreferencedCode("Uses reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    [RequiresDynamicCode("Uses reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    public void JsonField(string name, object? value) =>
        AddJsonField(
            name,
            value is null ? JsonNull : JsonSerializer.SerializeToUtf8Bytes(value, ConnectorJson.Options.GetTypeInfo(value.GetType()))
        );

    /// <summary>Adds a member to a JSON object body built from fields; null is written as <c>null</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">The member name.</param>
    /// <param name="value">The value.</param>
    [RequiresUnreferencedCode("Uses reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    [RequiresDynamicCode("Uses reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    public void JsonField<T>(string name, T value) => JsonField(name, value, (JsonTypeInfo<T>)ConnectorJson.Options.GetTypeInfo(typeof(T)));

    /// <summary>Adds a member to a JSON object body built from fields, serialized with the given contract.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">The member name.</param>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">The type's JSON contract.</param>
    public void JsonField<T>(string name, T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        AddJsonField(name, value is null ? JsonNull : JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
    }

    /// <summary>
    /// Sets a Boolean member of the JSON object body, replacing the caller's value: the request flag that switches an
    /// operation's response to a stream (OpenAI's <c>stream</c>). A request without a body gets an object holding only
    /// the flag when it is true, and stays without one when it is false; a body that is not a JSON object is left as is.
    /// </summary>
    /// <param name="name">The member name.</param>
    /// <param name="value">The flag's value.</param>
    /// <returns>This request.</returns>
    public ConnectorRequest JsonFlag(string name, bool value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var json = value ? "true"u8.ToArray() : "false"u8.ToArray();
        if (_bodyKind == BodyKind.JsonFields || (_bodyKind == BodyKind.None && value))
        {
            AddJsonField(name, json);
        }
        else if (_bodyKind == BodyKind.Json && JsonBodyBytes is { } body)
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object || (root.ValueKind == JsonValueKind.Null && value))
            {
                var buffer = new ArrayBufferWriter<byte>(body.Length + name.Length + 8);
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    if (root.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var member in root.EnumerateObject())
                        {
                            if (!string.Equals(member.Name, name, StringComparison.Ordinal))
                            {
                                member.WriteTo(writer);
                            }
                        }
                    }

                    writer.WriteBoolean(name, value);
                    writer.WriteEndObject();
                }

                JsonBodyBytes = buffer.WrittenSpan.ToArray();
            }
        }

        return this;
    }

    /// <summary>Adds a field to an <c>application/x-www-form-urlencoded</c> body.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value; null omits the field.</param>
    public void FormField(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        SetBodyKind(BodyKind.Form);
        if (value is not null)
        {
            (FormFieldList ??= []).Add(new(name, value, null));
        }
    }

    /// <summary>Starts an <c>application/x-www-form-urlencoded</c> body, sent (empty) even when no field is added.</summary>
    public void FormBody() => SetBodyKind(BodyKind.Form);

    /// <summary>Starts a <c>multipart/form-data</c> body, sent (without parts) even when no field is added.</summary>
    public void MultipartBody() => SetBodyKind(BodyKind.Multipart);

    /// <summary>
    /// Adds a file to an <c>application/x-www-form-urlencoded</c> body: its bytes, percent-encoded, are the field's value.
    /// </summary>
    /// <param name="name">The field name.</param>
    /// <param name="content">The file content, read when the request is sent; it stays the caller's and is not disposed.</param>
    public void FormFile(string name, Stream content)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(content);
        SetBodyKind(BodyKind.Form);
        (FormFieldList ??= []).Add(new(name, null, content));
    }

    /// <summary>Adds a text field to a <c>multipart/form-data</c> body.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value; null omits the field.</param>
    public void MultipartField(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        SetBodyKind(BodyKind.Multipart);
        if (value is not null)
        {
            (MultipartList ??= []).Add(new MultipartPart(name, value, null, null, null));
        }
    }

    /// <summary>Adds a file to a <c>multipart/form-data</c> body.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="content">The file content, read when the request is sent; it stays the caller's and is not disposed.</param>
    /// <param name="fileName">The file name sent to the server.</param>
    /// <param name="contentType">The file's media type; <c>application/octet-stream</c> when null.</param>
    public void MultipartFile(string name, Stream content, string? fileName = null, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(content);
        SetBodyKind(BodyKind.Multipart);
        (MultipartList ??= []).Add(new MultipartPart(name, null, content, fileName, contentType));
    }

    /// <summary>Sets a body the caller built.</summary>
    /// <param name="content">The body; sent as is.</param>
    public void RawBody(HttpContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        SetBodyKind(BodyKind.Raw);
        RawBodyContent = content;
    }

    /// <summary>Sets a body rendered from a <c>body_template</c>.</summary>
    /// <param name="contentType">The media type, e.g. <c>application/json</c>; sent with <c>charset=utf-8</c>.</param>
    /// <param name="template">The parsed template.</param>
    /// <param name="values">Values by variable name.</param>
    [RequiresUnreferencedCode(
        "Values other than strings, numbers, Booleans and JSON nodes are serialized with reflection-based System.Text.Json."
    )]
    [RequiresDynamicCode(
        "Values other than strings, numbers, Booleans and JSON nodes are serialized with reflection-based System.Text.Json."
    )]
    public void TemplateBody(string contentType, BodyTemplate template, IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        TemplateBody(contentType, template.Render(values));
    }

    /// <summary>Sets a body rendered from a <c>body_template</c> with a serializer that knows the value types.</summary>
    /// <param name="contentType">The media type, e.g. <c>application/json</c>; sent with <c>charset=utf-8</c>.</param>
    /// <param name="template">The parsed template.</param>
    /// <param name="values">Values by variable name.</param>
    /// <param name="options">Options whose resolver knows the value types.</param>
    public void TemplateBody(
        string contentType,
        BodyTemplate template,
        IReadOnlyDictionary<string, object?> values,
        JsonSerializerOptions options
    )
    {
        ArgumentNullException.ThrowIfNull(template);
        TemplateBody(contentType, template.Render(values, options));
    }

    /// <summary>The URL of the next page as the server named it (a next link); replaces path and query when set.</summary>
    internal Uri? PageTarget { get; set; }

    /// <summary>Sets a paging parameter, replacing the value the caller gave: a query parameter, or a JSON body field.</summary>
    internal void SetPageParameter(string name, string value, bool inBody, bool isNumber)
    {
        if (inBody)
        {
            var json = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(json))
            {
                if (
                    isNumber
                    && decimal.TryParse(
                        value,
                        System.Globalization.NumberStyles.Float,
                        System.Globalization.CultureInfo.InvariantCulture,
                        out var number
                    )
                )
                {
                    writer.WriteNumberValue(number);
                }
                else
                {
                    writer.WriteStringValue(value);
                }
            }

            AddJsonField(name, json.WrittenSpan.ToArray());
            return;
        }

        var prefix = Uri.EscapeDataString(name) + "=";
        _query?.RemoveAll(q => q.StartsWith(prefix, StringComparison.Ordinal));
        Query(name, value);
    }

    /// <summary>The value of a paging parameter as the caller gave it, or null.</summary>
    internal string? PageParameter(string name, bool inBody)
    {
        if (inBody)
        {
            var field = JsonFieldList?.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.Ordinal)).Value;
            return field is null ? null : Encoding.UTF8.GetString(field).Trim('"');
        }

        var prefix = Uri.EscapeDataString(name) + "=";
        var entry = _query?.FirstOrDefault(q => q.StartsWith(prefix, StringComparison.Ordinal));
        return entry is null ? null : Uri.UnescapeDataString(entry[prefix.Length..]);
    }

    private HttpRequestMessage BuildMessage(Uri target)
    {
        var message = new ConnectorRequestMessage(Method, target);
        OperationRecord().AttachTo(message);
        if (Auth is not null)
        {
            message.Auth = Auth;
            message.Options.Set(OperationAuth.OptionKey, Auth);
        }

        try
        {
            message.Content = BuildContent();
            if (_headers is not null)
            {
                foreach (var (name, value) in _headers)
                {
                    if (message.Headers.TryAddWithoutValidation(name, value))
                    {
                        continue;
                    }

                    // Content-Range, Content-Type and friends belong to the content. An operation that declares one without
                    // a body (a zero-length chunk, say) still sends it, on empty content.
                    message.Content ??= new ByteArrayContent([]);
                    message.Content.Headers.Remove(name);
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            if (_cookies is { Count: > 0 })
            {
                message.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", _cookies));
            }

            if (CallOptions is not null)
            {
                CallOptions.AttachTo(message);
                foreach (var (name, value) in CallOptions.Headers)
                {
                    HeaderValidation.Ensure(name, value);
                    if (HeaderValidation.IsContentHeader(name))
                    {
                        message.Content ??= new ByteArrayContent([]);
                        message.Content.Headers.Remove(name);
                        message.Content.Headers.TryAddWithoutValidation(name, value);
                    }
                    else
                    {
                        HeaderValidation.Set(message, name, value);
                    }
                }
            }

            if (Accept is not null && !message.Headers.NonValidated.Contains("Accept"))
            {
                message.Headers.TryAddWithoutValidation("Accept", Accept);
            }

            return message;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The operation's record, shared by its calls: generated code names each operation by one string literal, so the
    /// record is kept per operation id (weakly) and made again only when the id comes with another template or key header.
    /// </summary>
    private OperationInfo OperationRecord()
    {
        if (OperationId is not { } id)
        {
            return new OperationInfo(null, PathTemplate, IdempotencyKeyHeader);
        }

        if (
            s_operations.TryGetValue(id, out var known)
            && string.Equals(known.PathTemplate, PathTemplate, StringComparison.Ordinal)
            && string.Equals(known.IdempotencyKeyHeader, IdempotencyKeyHeader, StringComparison.Ordinal)
        )
        {
            return known;
        }

        var record = new OperationInfo(id, PathTemplate, IdempotencyKeyHeader);
        s_operations.AddOrUpdate(id, record);
        return record;
    }

    internal static string CookieText(string name, string value)
    {
        if (!HeaderValidation.IsToken(name))
        {
            throw new ConnectorConfigurationException(name, $"'{name}' is not a valid cookie name.", null);
        }

        var builder = new StringBuilder(name.Length + value.Length + 1).Append(name).Append('=');
        foreach (var rune in value.EnumerateRunes())
        {
            // RFC 6265 cookie-octet: printable ASCII except space, DQUOTE, comma, semicolon and backslash.
            // '%' is escaped too so that servers which percent-decode cookies get the value back unchanged.
            if (rune.Value is > 0x20 and < 0x7F && rune.Value is not ('"' or ',' or ';' or '\\' or '%'))
            {
                builder.Append((char)rune.Value);
            }
            else
            {
                builder.Append(Uri.EscapeDataString(rune.ToString()));
            }
        }

        return builder.ToString();
    }

    private void TemplateBody(string contentType, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            throw new ArgumentException($"'{contentType}' is not a valid media type.", nameof(contentType));
        }

        SetBodyKind(BodyKind.Template);
        mediaType.CharSet = "utf-8";
        _body = new TemplateParts(text, mediaType);
    }

    private void AddJsonField(string name, byte[] json)
    {
        ArgumentNullException.ThrowIfNull(name);
        SetBodyKind(BodyKind.JsonFields);
        JsonFieldList ??= [];
        var index = JsonFieldList.FindIndex(f => string.Equals(f.Key, name, StringComparison.Ordinal));
        if (index >= 0)
        {
            // A duplicate member would be read differently by different JSON parsers; the last call wins instead.
            JsonFieldList[index] = new(name, json);
        }
        else
        {
            JsonFieldList.Add(new(name, json));
        }
    }

    private void SetBodyKind(BodyKind kind)
    {
        if (_bodyKind != BodyKind.None && _bodyKind != kind)
        {
            throw new InvalidOperationException($"The request already has a {_bodyKind} body; it cannot also have a {kind} body.");
        }

        _bodyKind = kind;
    }

    private HttpContent? BuildContent()
    {
        switch (_bodyKind)
        {
            case BodyKind.Json:
                return JsonContent(JsonBodyBytes!);
            case BodyKind.JsonFields:
                var buffer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    foreach (var (name, json) in JsonFieldList!)
                    {
                        writer.WritePropertyName(name);
                        writer.WriteRawValue(json, skipInputValidation: true);
                    }

                    writer.WriteEndObject();
                }

                return JsonContent(buffer.WrittenSpan.ToArray());
            case BodyKind.Form:
                return FormContent(FormFieldList ?? []);
            case BodyKind.Multipart:
                // RFC 7578: field and file names go as UTF-8 in a quoted string, not as RFC 2047 encoded words (which
                // MultipartFormDataContent writes for non-ASCII names), and any name the definition has is sent.
                var multipart = new MultipartContent("form-data") { HeaderEncodingSelector = static (_, _) => Encoding.UTF8 };
                foreach (var part in MultipartList ?? [])
                {
                    HttpContent partContent;
                    if (part.Stream is null)
                    {
                        partContent = new StringContent(part.Value!, Encoding.UTF8);
                    }
                    else
                    {
                        partContent = new CallerStreamContent(part.Stream);
                        partContent.Headers.ContentType = MediaTypeHeaderValue.Parse(part.ContentType ?? "application/octet-stream");
                    }

                    partContent.Headers.TryAddWithoutValidation("Content-Disposition", FormDataDisposition(part.Name, part.FileName));
                    multipart.Add(partContent);
                }

                return multipart;
            case BodyKind.Raw:
                return RawBodyContent;
            case BodyKind.Template:
                var (templateText, templateContentType) = (TemplateParts)_body!;
                var content = new ByteArrayContent(Encoding.UTF8.GetBytes(templateText));
                content.Headers.ContentType = new MediaTypeHeaderValue(templateContentType.MediaType!) { CharSet = "utf-8" };
                foreach (
                    var parameter in templateContentType.Parameters.Where(p =>
                        !string.Equals(p.Name, "charset", StringComparison.OrdinalIgnoreCase)
                    )
                )
                {
                    content.Headers.ContentType.Parameters.Add(new NameValueHeaderValue(parameter.Name, parameter.Value));
                }

                return content;
            default:
                return null;
        }
    }

    /// <summary>
    /// A part's <c>Content-Disposition</c> as RFC 7578 (and the HTML form encoding) writes it: names as quoted strings,
    /// with <c>"</c>, CR and LF percent-encoded so that no name can end the string or the header.
    /// </summary>
    internal static string FormDataDisposition(string name, string? fileName) =>
        "form-data; name=\"" + QuoteFormName(name) + "\"" + (fileName is null ? "" : "; filename=\"" + QuoteFormName(fileName) + "\"");

    private static string QuoteFormName(string name) =>
        name.Replace("\"", "%22", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>
    /// An <c>application/x-www-form-urlencoded</c> body, encoded as <see cref="FormUrlEncodedContent"/> encodes text
    /// (UTF-8; letters, digits and <c>-._~</c> as they are, space as <c>+</c>, every other byte as <c>%XX</c>), with a file's
    /// bytes encoded the same way. A seekable file is read from where it stands and put back, so a retry sends it again.
    /// </summary>
    private static ByteArrayContent FormContent(List<FormPart> fields)
    {
        var body = new StringBuilder();
        foreach (var field in fields)
        {
            if (body.Length > 0)
            {
                body.Append('&');
            }

            AppendFormEncoded(body, Encoding.UTF8.GetBytes(field.Name));
            body.Append('=');
            if (field.File is { } file)
            {
                var start = file.CanSeek ? file.Position : -1;
                using var buffer = new MemoryStream();
                file.CopyTo(buffer);
                if (start >= 0)
                {
                    file.Position = start;
                }

                AppendFormEncoded(body, buffer.ToArray());
            }
            else
            {
                AppendFormEncoded(body, Encoding.UTF8.GetBytes(field.Value!));
            }
        }

        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body.ToString()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return content;
    }

    private static void AppendFormEncoded(StringBuilder text, byte[] bytes)
    {
        foreach (var b in bytes)
        {
            if (
                b
                is (>= (byte)'a' and <= (byte)'z')
                    or (>= (byte)'A' and <= (byte)'Z')
                    or (>= (byte)'0' and <= (byte)'9')
                    or (byte)'-'
                    or (byte)'.'
                    or (byte)'_'
                    or (byte)'~'
            )
            {
                text.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                text.Append('+');
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    private static ByteArrayContent JsonContent(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private byte[]? JsonBodyBytes
    {
        get => _body as byte[];
        set => _body = value;
    }

    private List<KeyValuePair<string, byte[]>>? JsonFieldList
    {
        get => _body as List<KeyValuePair<string, byte[]>>;
        set => _body = value;
    }

    private List<FormPart>? FormFieldList
    {
        get => _body as List<FormPart>;
        set => _body = value;
    }

    private List<MultipartPart>? MultipartList
    {
        get => _body as List<MultipartPart>;
        set => _body = value;
    }

    private HttpContent? RawBodyContent
    {
        get => _body as HttpContent;
        set => _body = value;
    }

    private sealed record TemplateParts(string Text, MediaTypeHeaderValue ContentType);

    private sealed record FormPart(string Name, string? Value, Stream? File);

    private sealed record MultipartPart(string Name, string? Value, Stream? Stream, string? FileName, string? ContentType);
}
