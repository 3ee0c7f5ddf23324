using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TypedConnectors.Conformance.Reading;

/// <summary>
/// Canonical connector files (docs/connector-format.md) and the platform payloads of docs/dialects.md (Scalekit
/// providers, Databar connectors), read from the JSON tree.
/// </summary>
internal static partial class ConnectorDefinitionReader
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.\-]+)\s*(\|[^}]*)?\}\}")]
    private static partial Regex Placeholder();

    private static readonly Regex CredentialHeader = new(
        "(api[-_]?key|token|secret|auth)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    );

    public static bool IsScalekit(JsonNode? root) => root is JsonObject o && o.ContainsKey("auth_patterns");

    public static bool IsDatabar(JsonNode? root) =>
        root is JsonObject o && o.ContainsKey("url") && o.ContainsKey("method") && !o.ContainsKey("endpoints");

    public static Definition ReadCanonical(RefResolver refs, Func<string, RefResolver?> openDocument)
    {
        var root = refs.Main as JsonObject ?? new JsonObject();
        Definition definition;
        if (Json.Str(root, "openapi") is { } documentPath && openDocument(documentPath) is { } documentRefs)
        {
            var document = OpenApiDefinitionReader.Read(documentRefs);
            definition = new Definition { Kind = "canonical+openapi", IsMcp = Json.Bool(root, "is_mcp") == true };
            definition.NonCredentialValues.UnionWith(document.NonCredentialValues);
            definition.Auth.AddRange(document.Auth);
            var operations = root["operations"] as JsonObject;
            var include = Json.Items(operations, "include").Select(n => Json.Str(n)).OfType<string>().ToList();
            var exclude = Json.Items(operations, "exclude").Select(n => Json.Str(n)).OfType<string>().ToList();
            var tags = TagsOf(documentRefs);
            foreach (var op in document.Operations)
            {
                var name = op.OperationId ?? op.Label;
                tags.TryGetValue(op.Label, out var tag);
                if ((include.Count == 0 || include.Any(p => Matches(p, name, tag))) && !exclude.Any(p => Matches(p, name, tag)))
                {
                    // An overlay's block names the operation by its operationId and wins over the document.
                    if (
                        op.OperationId is { } id
                        && DefPagination.Read(Json.Props(operations, "pagination").FirstOrDefault(kv => kv.Key == id).Value) is { } overlay
                    )
                    {
                        op.Pagination = overlay;
                    }

                    definition.Operations.Add(op);
                }
            }
        }
        else
        {
            definition = new Definition { Kind = "canonical", IsMcp = Json.Bool(root, "is_mcp") == true };
        }

        foreach (var variable in Json.Items(root, "variables"))
        {
            if (Json.Str(variable, "name") is { } name)
            {
                definition.NonCredentialValues.Add(Json.Norm(name));
            }
        }

        foreach (var field in Json.Items(root, "account_fields"))
        {
            if (Json.Str(field, "field_name") is { } name)
            {
                definition.NonCredentialValues.Add(Json.Norm(name));
            }
        }

        foreach (var method in Json.Items(root, "auth"))
        {
            var auth = CanonicalAuth(method);
            definition.Auth.RemoveAll(a => a.Key == auth.Key);
            definition.Auth.Add(auth);
        }

        foreach (var endpoint in Json.Items(root, "endpoints"))
        {
            if (endpoint is JsonObject e && CanonicalEndpoint(refs, e) is { } op)
            {
                definition.Operations.Add(op);
            }
        }

        return definition;
    }

    public static Definition ReadScalekit(JsonNode? root)
    {
        var patterns = Json.Items(root, "auth_patterns").OfType<JsonObject>().ToList();
        var definition = new Definition
        {
            Kind = "scalekit",
            IsProxy = true,
            IsMcp = Json.Bool(root, "is_mcp") == true || patterns.Any(p => Json.Bool(p, "is_mcp") == true),
        };
        foreach (Match match in Placeholder().Matches(Json.Str(root, "proxy_url") ?? ""))
        {
            definition.NonCredentialValues.Add(Json.Norm(match.Groups[1].Value));
        }

        foreach (var field in Json.Items(root, "account_fields"))
        {
            if (Json.Str(field, "field_name") is { } name)
            {
                definition.NonCredentialValues.Add(Json.Norm(name));
            }
        }

        foreach (var pattern in patterns)
        {
            definition.Auth.Add(CanonicalAuth(pattern));
        }

        return definition;
    }

    public static Definition ReadDatabar(JsonNode? root)
    {
        var definition = new Definition { Kind = "databar" };
        var url = Json.Str(root, "url") ?? "/";
        var path = Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : url;
        var query = absolute?.Query.TrimStart('?') ?? "";
        var op = new DefOperation { Method = (Json.Str(root, "method") ?? "get").ToLowerInvariant(), Path = path };
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            op.Parameters.Add(
                new DefParameter(name, "query", true, "form", true, null)
                {
                    Constant = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]),
                }
            );
        }

        string? contentType = null;
        foreach (var header in Json.Items(root, "headers"))
        {
            var name = Json.Str(header, "name") ?? "";
            var value = Json.Str(header, "value") ?? "";
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
                continue;
            }

            if (value.Length == 0)
            {
                op.Parameters.Add(new DefParameter(name, "header", true, "simple", false, null));
                continue;
            }

            if (definition.Auth.Count == 0 && DatabarCredential(name, value) is { } auth)
            {
                definition.Auth.Add(auth);
                continue;
            }

            op.Parameters.Add(new DefParameter(name, "header", true, "simple", false, null) { Constant = value });
        }

        foreach (var parameter in Json.Items(root, "parameters"))
        {
            var name = Json.Str(parameter, "name") ?? "";
            op.Parameters.Add(new DefParameter(name, "query", string.IsNullOrEmpty(Json.Str(parameter, "value")), "form", true, null));
        }

        var media = contentType ?? "application/json";
        if (!string.IsNullOrEmpty(Json.Str(root, "body_template")))
        {
            var properties = new JsonObject();
            op.Body = new DefBody(true, new[] { media }, new Dictionary<string, JsonNode?> { [media] = null });
        }
        else if (Json.Items(root, "body").Any())
        {
            var properties = new JsonObject();
            var required = new JsonArray();
            foreach (var field in Json.Items(root, "body"))
            {
                var name = Json.Str(field, "name") ?? "";
                properties[name] = new JsonObject { ["type"] = "string" };
                if (string.IsNullOrEmpty(Json.Str(field, "value")))
                {
                    required.Add(name);
                }
            }

            op.Body = new DefBody(
                true,
                new[] { media },
                new Dictionary<string, JsonNode?>
                {
                    [media] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = properties,
                        ["required"] = required,
                    },
                }
            );
        }

        op.Responses.Add(new DefResponse("200", "application/json", null, null, false));
        op.Security = definition.Auth.Count == 0 ? null : new List<List<string>> { new() { definition.Auth[0].Key } };
        definition.Operations.Add(op);
        return definition;
    }

    private static DefAuth? DatabarCredential(string name, string value)
    {
        if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
        {
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            var word = space < 0 ? "" : value[..space];
            return word.Equals("Basic", StringComparison.OrdinalIgnoreCase)
                    ? new DefAuth("basic", "basic", "header", "Authorization", "Basic")
                : word.Length > 0 ? new DefAuth("bearer", "bearer", "header", "Authorization", word)
                : new DefAuth("api_key", "apiKey", "header", "Authorization", "");
        }

        return CredentialHeader.IsMatch(name) ? new DefAuth("api_key", "apiKey", "header", name, "") : null;
    }

    private static DefAuth CanonicalAuth(JsonNode? method)
    {
        var type = (Json.Str(method, "type") ?? "none").ToLowerInvariant();
        var kind = type switch
        {
            "oauth" or "oauth2" => "oauth2",
            "api_key" or "apikey" => "apiKey",
            "basic" => "basic",
            "bearer" => "bearer",
            "none" => "none",
            _ => "custom",
        };
        var key =
            Json.Str(method, "key")
            ?? kind switch
            {
                "oauth2" => "oauth2",
                "apiKey" => "api_key",
                _ => type,
            };
        var location = (Json.Str(method, "in") ?? "header").ToLowerInvariant();
        var header = Json.Str(method, "header") ?? Json.Str(method, "auth_header_key_override");
        var name = location == "header" ? header ?? "Authorization" : Json.Str(method, "parameter_name") ?? key;
        var prefix =
            Json.Str(method, "prefix")
            ?? kind switch
            {
                "basic" => "Basic",
                "bearer" or "oauth2" => "Bearer",
                _ => "",
            };
        return new DefAuth(key, kind, location, name, prefix);
    }

    private static DefOperation? CanonicalEndpoint(RefResolver refs, JsonObject endpoint)
    {
        var op = new DefOperation
        {
            Method = (Json.Str(endpoint, "method") ?? "get").ToLowerInvariant(),
            Path = Json.Str(endpoint, "path") ?? "/",
            OperationId = Json.Str(endpoint, "name"),
        };
        var bodyFields = new JsonObject();
        var bodyRequired = new JsonArray();
        foreach (var p in Json.Items(endpoint, "parameters"))
        {
            if (p is not JsonObject parameter || Json.Str(parameter, "name") is not { } name)
            {
                continue;
            }

            var location = (Json.Str(parameter, "in") ?? "query").ToLowerInvariant();
            var schema = parameter["schema"]?.DeepClone() ?? ShorthandSchema(parameter);
            var required = location == "path" || Json.Bool(parameter, "required") == true;
            var constant = parameter.ContainsKey("value") ? Json.Str(parameter, "value") ?? "" : null;
            if (location == "body")
            {
                bodyFields[name] = schema;
                if (required)
                {
                    bodyRequired.Add(name);
                }

                continue;
            }

            var style = Json.Str(parameter, "style") ?? (location is "query" or "cookie" ? "form" : "simple");
            op.Parameters.Add(
                new DefParameter(
                    name,
                    location,
                    required || constant is not null,
                    style,
                    // connector.schema.json: explode defaults to true (unlike OpenAPI, also for the delimited styles).
                    Json.Bool(parameter, "explode") ?? style is "form" or "spaceDelimited" or "pipeDelimited",
                    schema
                )
                {
                    Constant = constant,
                }
            );
        }

        var contentType = Json.Str(endpoint, "content_type");
        if (!string.IsNullOrEmpty(Json.Str(endpoint, "body_template")))
        {
            var media = MediaType(contentType ?? "application/json");
            op.Body = new DefBody(true, new[] { media }, new Dictionary<string, JsonNode?> { [media] = null });
        }
        else if (endpoint["request_body"] is JsonObject requestBody)
        {
            var media = MediaType(Json.Str(requestBody, "content_type") ?? "json");
            op.Body = new DefBody(
                Json.Bool(requestBody, "required") ?? true,
                new[] { media },
                new Dictionary<string, JsonNode?> { [media] = requestBody["schema"] }
            );
        }
        else if (bodyFields.Count > 0)
        {
            var media = MediaType(contentType ?? "json");
            op.Body = new DefBody(
                bodyRequired.Count > 0,
                new[] { media },
                new Dictionary<string, JsonNode?>
                {
                    [media] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = bodyFields,
                        ["required"] = bodyRequired,
                    },
                }
            );
        }

        var responseType = (Json.Str(endpoint, "response_type") ?? (endpoint.ContainsKey("response") ? "json" : "none")).ToLowerInvariant();
        var responseMedia = responseType switch
        {
            "json" => "application/json",
            "text" => "text/plain",
            "stream" => "application/octet-stream",
            _ => null,
        };
        op.Responses.Add(new DefResponse("200", responseMedia, responseType == "json" ? endpoint["response"] : null, null, false));

        op.Pagination = DefPagination.Read(endpoint["pagination"]);
        op.StreamFormat = Json.Str(endpoint, "stream_format") is { } format && format is "sse" or "json_lines" ? format : null;

        var auth = endpoint["auth"];
        if (auth is JsonValue v && v.TryGetValue<string>(out var text) && text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            op.Security = new List<List<string>>();
        }
        else if (auth is JsonArray keys)
        {
            op.Security = keys.Select(k => Json.Str(k)).OfType<string>().Select(k => new List<string> { k }).ToList();
        }

        _ = refs;
        return op;
    }

    private static JsonNode ShorthandSchema(JsonObject parameter)
    {
        var schema = new JsonObject();
        foreach (
            var key in new[] { "type", "format", "enum", "items", "minimum", "maximum", "minLength", "maxLength", "pattern", "default" }
        )
        {
            if (parameter[key] is { } value)
            {
                schema[key] = value.DeepClone();
            }
        }

        if (!schema.ContainsKey("type") && !schema.ContainsKey("enum"))
        {
            schema["type"] = "string";
        }

        return schema;
    }

    private static string MediaType(string contentType) =>
        contentType.ToLowerInvariant() switch
        {
            "json" => "application/json",
            "form" => "application/x-www-form-urlencoded",
            "multipart" => "multipart/form-data",
            "binary" => "application/octet-stream",
            "text" => "text/plain",
            var other => other,
        };

    private static Dictionary<string, string?> TagsOf(RefResolver refs)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (path, item) in Json.Props(refs.Main, "paths"))
        {
            foreach (var (method, op) in (refs.Object(item) ?? new JsonObject()).ToList())
            {
                result[method.ToUpperInvariant() + " " + path] = Json.Items(op, "tags").Select(t => Json.Str(t)).FirstOrDefault();
            }
        }

        return result;
    }

    private static bool Matches(string pattern, string name, string? tag)
    {
        if (pattern.StartsWith("tag:", StringComparison.Ordinal))
        {
            return string.Equals(pattern[4..], tag, StringComparison.Ordinal);
        }

        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(name, regex, RegexOptions.CultureInvariant);
    }
}
