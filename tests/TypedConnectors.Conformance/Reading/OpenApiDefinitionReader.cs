using System.Text.Json.Nodes;

namespace TypedConnectors.Conformance.Reading;

/// <summary>OpenAPI 2.0 / 3.0 / 3.1 read straight from the JSON tree, as a server implementing the document would.</summary>
internal static class OpenApiDefinitionReader
{
    private static readonly string[] Methods = { "get", "put", "post", "delete", "options", "head", "patch", "trace" };
    private static readonly HashSet<string> IgnoredHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept",
        "Content-Type",
        "Authorization",
    };

    public static Definition Read(RefResolver refs)
    {
        var root = refs.Main as JsonObject ?? new JsonObject();
        var isV2 = Json.Str(root, "swagger") is not null;
        var definition = new Definition { Kind = isV2 ? "openapi2" : "openapi3" };
        ReadAuth(refs, root, isV2, definition);
        ReadServerVariables(root, definition);

        var docSecurity = ReadSecurity(root["security"]);
        var docConsumes = Json.Items(root, "consumes").Select(n => Json.Str(n)).OfType<string>().ToList();
        var docProduces = Json.Items(root, "produces").Select(n => Json.Str(n)).OfType<string>().ToList();
        foreach (var (path, rawItem) in Json.Props(root, "paths"))
        {
            var item = refs.Object(rawItem);
            if (item is null)
            {
                continue;
            }

            var pathServer = FirstServer(item);
            foreach (var method in Methods)
            {
                if (refs.Object(item[method]) is not { } op)
                {
                    continue;
                }

                var operation = new DefOperation
                {
                    Method = method,
                    Path = path,
                    OperationId = Json.Str(op, "operationId"),
                    OwnServer = FirstServer(op) ?? pathServer,
                };
                operation.Security = op.ContainsKey("security") ? ReadSecurity(op["security"]) : docSecurity;

                var parameters = new Dictionary<(string, string), JsonObject>();
                foreach (var p in Json.Items(item, "parameters").Concat(Json.Items(op, "parameters")))
                {
                    if (refs.Object(p) is { } param && Json.Str(param, "name") is { } name && Json.Str(param, "in") is { } location)
                    {
                        parameters[(name, location.ToLowerInvariant())] = param;
                    }
                }

                var consumes = op["consumes"] is JsonArray c ? c.Select(n => Json.Str(n)).OfType<string>().ToList() : docConsumes;
                var formFields = new JsonObject();
                var formRequired = new JsonArray();
                foreach (var ((name, location), param) in parameters)
                {
                    if (isV2 && location == "body")
                    {
                        var media = consumes.Count > 0 ? consumes : new List<string> { "application/json" };
                        var schema = param["schema"];
                        operation.Body = new DefBody(
                            Json.Bool(param, "required") ?? false,
                            media,
                            media.ToDictionary(m => m, _ => schema, StringComparer.OrdinalIgnoreCase)
                        );
                        continue;
                    }

                    if (isV2 && location == "formdata")
                    {
                        formFields[name] = V2Schema(param);
                        if (Json.Bool(param, "required") == true)
                        {
                            formRequired.Add(name);
                        }

                        continue;
                    }

                    if (
                        location is not ("path" or "query" or "header" or "cookie")
                        || (location == "header" && IgnoredHeaders.Contains(name))
                    )
                    {
                        continue;
                    }

                    operation.Parameters.Add(isV2 ? V2Parameter(name, location, param) : V3Parameter(refs, name, location, param));
                }

                // What a server receives for a key like /total?since={since}: the query parameter 'since', whatever
                // "in" the document gives the placeholder's parameter.
                var question = path.IndexOf('?', StringComparison.Ordinal);
                foreach (var pair in question < 0 ? [] : path[(question + 1)..].Split('&'))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0 || !pair.EndsWith('}') || pair.IndexOf('{', StringComparison.Ordinal) != equals + 1)
                    {
                        continue;
                    }

                    var placeholder = pair[(equals + 2)..^1];
                    var index = operation.Parameters.FindIndex(p => p.Name == placeholder && p.In == "path");
                    if (index >= 0)
                    {
                        operation.Parameters[index] = operation.Parameters[index] with { Name = pair[..equals], In = "query" };
                    }
                }

                if (formFields.Count > 0)
                {
                    var media = consumes.Where(m => m.Contains("form", StringComparison.OrdinalIgnoreCase)).ToList();
                    if (media.Count == 0)
                    {
                        media.Add("application/x-www-form-urlencoded");
                    }

                    var schema = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = formFields,
                        ["required"] = formRequired,
                    };
                    operation.Body = new DefBody(
                        formRequired.Count > 0,
                        media,
                        media.ToDictionary(m => m, _ => (JsonNode?)schema, StringComparer.OrdinalIgnoreCase)
                    );
                }

                if (!isV2 && refs.Object(op["requestBody"]) is { } requestBody)
                {
                    var schemas = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
                    foreach (var (media, content) in Json.Props(requestBody, "content"))
                    {
                        schemas[media] = (content as JsonObject)?["schema"];
                    }

                    if (schemas.Count > 0)
                    {
                        operation.Body = new DefBody(Json.Bool(requestBody, "required") ?? false, schemas.Keys.ToList(), schemas);
                    }
                }

                var produces = op["produces"] is JsonArray pr ? pr.Select(n => Json.Str(n)).OfType<string>().ToList() : docProduces;
                foreach (var (status, rawResponse) in Json.Props(op, "responses"))
                {
                    if (refs.Object(rawResponse) is not { } response)
                    {
                        continue;
                    }

                    if (isV2)
                    {
                        var schema = response["schema"];
                        var media = schema is null
                            ? null
                            : produces.FirstOrDefault(IsJson) ?? produces.FirstOrDefault() ?? "application/json";
                        var example = response["examples"] is JsonObject ex && media is not null && ex[media] is { } e ? e : null;
                        operation.Responses.Add(new DefResponse(status, media, schema, example, example is not null));
                        continue;
                    }

                    var contents = Json.Props(response, "content").ToList();
                    if (contents.Count == 0)
                    {
                        operation.Responses.Add(new DefResponse(status, null, null, null, false));
                        continue;
                    }

                    if (status.StartsWith('2') && operation.StreamFormat is null)
                    {
                        ReadStream(refs, operation, contents);
                    }

                    var chosen = contents.FirstOrDefault(c => IsJson(c.Key) && StreamFraming(c.Key) is null);
                    if (chosen.Key is null)
                    {
                        chosen = contents.FirstOrDefault(c => IsJson(c.Key));
                    }

                    if (chosen.Key is null)
                    {
                        chosen = contents[0];
                    }

                    var body = chosen.Value as JsonObject;
                    JsonNode? exampleNode = null;
                    var hasExample = false;
                    if (body is not null && body.ContainsKey("example"))
                    {
                        exampleNode = body["example"];
                        hasExample = true;
                    }
                    else if (
                        body?["examples"] is JsonObject examples
                        && examples.Count > 0
                        && refs.Object(examples.First().Value) is { } first
                        && first.ContainsKey("value")
                    )
                    {
                        exampleNode = first["value"];
                        hasExample = true;
                    }

                    operation.Responses.Add(new DefResponse(status, chosen.Key, body?["schema"], exampleNode, hasExample));
                }

                operation.StreamFlagDeclaration = op["x-stream-flag"];
                operation.Pagination = PaginationRules.For(refs, root, op, operation);
                definition.Operations.Add(operation);
            }
        }

        return definition;
    }

    /// <summary>
    /// The framing of a streamed media type, as docs/streaming.md lists them ("From OpenAPI"), or null for a media
    /// type that is not a stream.
    /// </summary>
    public static string? StreamFraming(string media)
    {
        var bare = media.Split(';')[0].Trim().ToLowerInvariant();
        return bare switch
        {
            "text/event-stream" => "sse",
            "application/x-ndjson"
            or "application/ndjson"
            or "application/jsonl"
            or "application/x-jsonl"
            or "application/jsonlines"
            or "application/x-jsonlines"
            or "application/stream+json"
            or "application/x-json-stream" => "json_lines",
            "application/json-seq" => "json_seq",
            _ => null,
        };
    }

    /// <summary>
    /// A success response's first streamed media type: its framing and one event's schema — the media's itemSchema
    /// (for an SSE item schema that describes the event, its <c>data</c> or that one's contentSchema), else its schema;
    /// an array is unwrapped to its items.
    /// </summary>
    private static void ReadStream(RefResolver refs, DefOperation operation, List<KeyValuePair<string, JsonNode?>> contents)
    {
        foreach (var (media, content) in contents)
        {
            if (StreamFraming(media) is not { } framing)
            {
                continue;
            }

            var body = content as JsonObject;
            JsonNode? schema;
            if (body?["itemSchema"] is { } item)
            {
                schema = item;
                if (
                    framing == "sse"
                    && refs.Object(item)?["properties"] is JsonObject eventProperties
                    && eventProperties["data"] is { } data
                )
                {
                    schema = refs.Object(data)?["contentSchema"] ?? data;
                }
            }
            else
            {
                schema = body?["schema"];
            }

            if (refs.Object(schema) is { } resolved && Json.Str(resolved, "type") == "array")
            {
                schema = resolved["items"];
            }

            if (refs.Object(schema) is { } s && Json.Str(s, "type") == "string")
            {
                schema = null;
            }

            operation.StreamFormat = framing;
            operation.StreamMediaType = media;
            operation.StreamSchema = schema;
            return;
        }
    }

    public static bool IsJson(string media) => media.Contains("json", StringComparison.OrdinalIgnoreCase) || media == "*/*";

    private static string? FirstServer(JsonObject node) =>
        node["servers"] is JsonArray servers && servers.Count > 0 && Json.Str(servers[0], "url") is { } url ? url : null;

    private static DefParameter V3Parameter(RefResolver refs, string name, string location, JsonObject param)
    {
        var schema = param["schema"];
        if (schema is null && param["content"] is JsonObject content && content.Count > 0)
        {
            schema = (content.First().Value as JsonObject)?["schema"];
        }

        var style = Json.Str(param, "style") ?? (location is "query" or "cookie" ? "form" : "simple");
        var explode = Json.Bool(param, "explode") ?? style == "form";
        var required = location == "path" || (Json.Bool(param, "required") ?? false);
        _ = refs;
        return new DefParameter(name, location, required, style, explode, schema);
    }

    private static DefParameter V2Parameter(string name, string location, JsonObject param)
    {
        var (style, explode) = (Json.Str(param, "collectionFormat") ?? "csv") switch
        {
            "multi" => ("form", true),
            "ssv" => ("spaceDelimited", false),
            "pipes" => ("pipeDelimited", false),
            "tsv" => ("tsv", false),
            _ => (location is "query" ? "form" : "simple", false),
        };
        var required = location == "path" || (Json.Bool(param, "required") ?? false);
        return new DefParameter(name, location, required, style, explode, V2Schema(param));
    }

    /// <summary>A 2.0 non-body parameter's inline type as a schema.</summary>
    private static JsonNode V2Schema(JsonObject param)
    {
        var schema = new JsonObject();
        foreach (
            var key in new[]
            {
                "type",
                "format",
                "enum",
                "items",
                "minimum",
                "maximum",
                "minLength",
                "maxLength",
                "minItems",
                "maxItems",
                "pattern",
                "default",
                "exclusiveMinimum",
                "exclusiveMaximum",
            }
        )
        {
            if (param[key] is { } value)
            {
                schema[key] = value.DeepClone();
            }
        }

        return schema;
    }

    private static List<List<string>>? ReadSecurity(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            return null;
        }

        var result = new List<List<string>>();
        foreach (var requirement in array)
        {
            result.Add(requirement is JsonObject obj ? obj.Select(p => p.Key).ToList() : new List<string>());
        }

        return result;
    }

    private static void ReadAuth(RefResolver refs, JsonObject root, bool isV2, Definition definition)
    {
        var schemes = isV2 ? Json.Props(root, "securityDefinitions") : Json.Props(root["components"], "securitySchemes");
        foreach (var (key, raw) in schemes)
        {
            if (refs.Object(raw) is not { } scheme)
            {
                continue;
            }

            var type = (Json.Str(scheme, "type") ?? "").ToLowerInvariant();
            switch (type)
            {
                case "apikey":
                    definition.Auth.Add(
                        new DefAuth(
                            key,
                            "apiKey",
                            (Json.Str(scheme, "in") ?? "header").ToLowerInvariant(),
                            Json.Str(scheme, "name") ?? key,
                            ""
                        )
                    );
                    break;
                case "basic":
                    definition.Auth.Add(new DefAuth(key, "basic", "header", "Authorization", "Basic"));
                    break;
                case "http":
                    var httpScheme = (Json.Str(scheme, "scheme") ?? "").ToLowerInvariant();
                    definition.Auth.Add(
                        httpScheme == "basic" ? new DefAuth(key, "basic", "header", "Authorization", "Basic")
                        : httpScheme == "bearer" ? new DefAuth(key, "bearer", "header", "Authorization", "Bearer")
                        : new DefAuth(key, "unsupported:" + httpScheme, "header", "Authorization", "")
                    );
                    break;
                case "oauth2":
                    definition.Auth.Add(new DefAuth(key, "oauth2", "header", "Authorization", "Bearer"));
                    break;
                case "openidconnect":
                    definition.Auth.Add(new DefAuth(key, "bearer", "header", "Authorization", "Bearer"));
                    break;
                default:
                    definition.Auth.Add(new DefAuth(key, "unsupported:" + type, "header", "", ""));
                    break;
            }
        }
    }

    private static void ReadServerVariables(JsonObject root, Definition definition)
    {
        definition.NonCredentialValues.Add("host");
        foreach (var server in Json.Items(root, "servers"))
        {
            foreach (var (name, _) in Json.Props(server, "variables"))
            {
                definition.NonCredentialValues.Add(Json.Norm(name));
            }
        }
    }
}
