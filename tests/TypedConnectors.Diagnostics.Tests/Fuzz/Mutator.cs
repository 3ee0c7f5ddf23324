using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TypedConnectors.Diagnostics.Tests.Fuzz;

/// <summary>
/// Seeded mutations of real connector payloads: structural ones on the JSON tree (delete, duplicate, retype, rename
/// keys, hostile strings in values, extra endpoints and auth methods) and textual ones on the raw text (truncate,
/// inject, delete spans). Deterministic for a seed, so a failure can be replayed.
/// </summary>
public sealed class Mutator(int seed)
{
    /// <summary>Strings that have broken code generators: quotes, comment and XML-doc terminators, line breaks, template braces, unicode.</summary>
    public static readonly string[] Hostile =
    {
        "\"",
        "\\",
        "\"\"\"",
        "*/",
        "/*",
        "//",
        "</summary>",
        "<summary>",
        "<![CDATA[",
        "&amp;",
        "&",
        "<",
        ">",
        "\n",
        "\r\n",
        "\r",
        "\u2028",
        "\u0085",
        "\t",
        "\0",
        "\u0001",
        "\u007f",
        "{{x}}",
        "{{",
        "}}",
        "{{ a | upper }}",
        "{id}",
        "{",
        "}",
        "{{domain}}",
        "#region",
        "#if DEBUG",
        "#error boom",
        "@class",
        "class",
        "namespace",
        "global::System",
        "default",
        "void",
        "'",
        "$\"{x}\"",
        "é",
        "ß",
        "\u0130",
        "\U0001F600",
        "\uD800",
        "\uDC00",
        "中文",
        "\u200B",
        "\u202E",
        " ",
        "",
        "123abc",
        "_",
        "-",
        "__",
        "%",
        "../",
        "http://evil.example",
        "https://x.example/{{a}}",
        "${x}",
        "null",
        "true",
        "0",
        "-1",
        "Bearer sk_live_1234567890",
        "X-Api Key",
        "Content-Type",
        "Authorization",
        "cancellationToken",
        "__request",
        "Equals",
        "GetHashCode",
        "ToString",
    };

    private static readonly string[] Words =
    {
        "GET",
        "get",
        "POST",
        "delete",
        "PATCH",
        "FETCH",
        "oauth2",
        "OAUTH",
        "API_KEY",
        "api_key",
        "BEARER",
        "bearer",
        "BASIC",
        "basic",
        "none",
        "custom",
        "password",
        "text",
        "path",
        "query",
        "header",
        "body",
        "cookie",
        "form",
        "enrichment",
        "exporter",
        "simple",
        "json",
        "stream",
        "string",
        "integer",
        "number",
        "boolean",
        "object",
        "array",
        "int64",
        "date-time",
        "uuid",
        "binary",
        "minute",
        "second",
        "#/types/Contact",
        "#/types/missing",
        "application/json",
        "authorization_code",
        "client_credentials",
    };

    private static readonly string[] Keys =
    {
        "format_version",
        "name",
        "slug",
        "display_name",
        "description",
        "base_url",
        "variables",
        "auth",
        "auth_patterns",
        "account_fields",
        "rate_limit",
        "max_concurrency",
        "headers",
        "endpoints",
        "types",
        "is_mcp",
        "proxy_url",
        "url",
        "method",
        "path",
        "parameters",
        "body",
        "body_template",
        "type",
        "default",
        "fields",
        "field_name",
        "input_type",
        "oauth",
        "oauth_config",
        "available_scopes",
        "authorize_uri",
        "token_uri",
        "value",
        "in",
        "required",
        "response",
        "request_body",
        "schema",
        "items",
        "properties",
        "enum",
        "key",
        "header",
        "auth_header_key_override",
        "auth_field_mutations",
        "pattern",
        "$ref",
        "grant_types",
        "prefix",
        "suffix",
    };

    private readonly Random _random = new(seed);

    public string Mutate(string text, bool isJson)
    {
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            text = isJson && _random.Next(10) < 7 ? MutateTree(text) : MutateText(text, isJson);
        }

        return text;
    }

    private string MutateText(string text, bool isJson)
    {
        if (text.Length == 0)
        {
            return Pick(Hostile);
        }

        var at = _random.Next(text.Length + 1);
        switch (_random.Next(isJson ? 7 : 9))
        {
            case 0:
                return text.Substring(0, at);
            case 1:
                return text.Insert(at, Pick(Hostile));
            case 2:
                return text.Remove(
                    Math.Min(at, text.Length - 1),
                    Math.Min(1 + _random.Next(40), text.Length - Math.Min(at, text.Length - 1))
                );
            case 3:
                return text.Insert(at, ((char)_random.Next(0, 0x3000)).ToString());
            case 4:
            case 7:
                return WithLines(
                    text,
                    lines =>
                    {
                        var line = _random.Next(lines.Count);
                        lines.Insert(line, lines[line]);
                    }
                );
            case 5:
            case 8:
                return WithLines(
                    text,
                    lines =>
                    {
                        var line = _random.Next(lines.Count);
                        var colon = lines[line].IndexOf(": ", StringComparison.Ordinal);
                        lines[line] =
                            colon < 0
                                ? lines[line] + Pick(Hostile)
                                : lines[line].Substring(0, colon + 2)
                                    + Quote(Pick(Hostile), isJson)
                                    + (isJson && lines[line].TrimEnd().EndsWith(',') ? "," : "");
                    }
                );
            default:
                return WithLines(text, lines => lines.RemoveAt(_random.Next(lines.Count)));
        }
    }

    private string MutateTree(string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(
                text,
                documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }
            );
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            // Not JSON any more, or a lone surrogate System.Text.Json refuses: keep mutating the text.
            return MutateText(text, isJson: true);
        }

        if (root is null)
        {
            return MutateText(text, isJson: true);
        }

        var nodes = new List<JsonNode>();
        try
        {
            Collect(root, nodes);
        }
        catch (ArgumentException)
        {
            // Duplicate keys (an earlier mutation): JsonObject refuses them, the text mutations do not.
            return MutateText(text, isJson: true);
        }

        var target = Pick(nodes);
        switch (_random.Next(10))
        {
            case 0 when target.Parent is JsonObject parent:
                parent.Remove(target.GetPropertyName());
                break;
            case 1 when target.Parent is JsonObject parent:
                var name = target.GetPropertyName();
                parent.Remove(name);
                parent[Typo(name)] = target;
                break;
            case 2:
                Replace(target, RandomValue(0));
                break;
            case 3 when target is JsonValue value && value.TryGetValue<string>(out var s):
                Replace(
                    target,
                    JsonValue.Create(
                        _random.Next(3) switch
                        {
                            0 => Pick(Hostile),
                            1 => s + Pick(Hostile) + s,
                            _ => Pick(Hostile) + s,
                        }
                    )
                );
                break;
            case 4 when target is JsonValue:
                Replace(target, JsonValue.Create(Pick(Words)));
                break;
            case 5 when target is JsonArray array && array.Count > 0:
                array.Add(array[_random.Next(array.Count)]?.DeepClone());
                break;
            case 6 when target is JsonObject obj:
                obj[Pick(Keys)] = RandomValue(0);
                break;
            case 7 when root is JsonObject rootObject:
                AddEndpoint(rootObject);
                break;
            case 8 when root is JsonObject rootObject:
                AddAuth(rootObject);
                break;
            case 9:
                Replace(target, Nest(target.DeepClone(), 60 + _random.Next(10)));
                break;
            default:
                return MutateText(text, isJson: true);
        }

        try
        {
            return root.ToJsonString(
                new JsonSerializerOptions
                {
                    WriteIndented = true,
                    Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                    MaxDepth = 1024,
                }
            );
        }
        catch (ArgumentException)
        {
            // A lone surrogate cannot be written as JSON by System.Text.Json; put it into the text instead.
            return MutateText(text, isJson: true);
        }
    }

    private void AddEndpoint(JsonObject root)
    {
        if (root["endpoints"] is not JsonArray endpoints)
        {
            endpoints = new JsonArray();
            root["endpoints"] = endpoints;
        }

        var name =
            _random.Next(2) == 0
                ? Pick(Hostile) + "list"
                : Pick(new[] { "list_contacts", "get-contact", "class", "delete", "ToString", "list contacts" });
        var placeholder = _random.Next(2) == 0 ? "id" : Pick(Hostile);
        var endpoint = new JsonObject
        {
            ["name"] = name,
            ["description"] = Pick(Hostile) + " docs " + Pick(Hostile),
            ["method"] = Pick(new[] { "get", "post", "put", "delete", "patch" }),
            ["path"] = "/items/{" + placeholder + "}" + Pick(new[] { "", "/sub", "?x=1", Pick(Hostile) }),
            ["parameters"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = placeholder,
                    ["in"] = "path",
                    ["type"] = Pick(new[] { "string", "integer", "boolean", "array" }),
                },
                new JsonObject
                {
                    ["name"] = Pick(Hostile) + "q",
                    ["in"] = Pick(new[] { "query", "header", "body", "cookie" }),
                    ["default"] = Pick(Hostile),
                    ["description"] = Pick(Hostile),
                }
            ),
        };
        if (_random.Next(2) == 0)
        {
            endpoint["body_template"] =
                "{\"a\": \"{{ " + Pick(new[] { "a", "b_c", "x" }) + " }}\", \"n\": {{ n | tojson }}" + Pick(Hostile) + "}";
        }
        else
        {
            endpoint["response"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = Pick(Hostile),
                ["properties"] = new JsonObject
                {
                    [Pick(Hostile) + "id"] = new JsonObject { ["type"] = "string", ["description"] = Pick(Hostile) },
                    ["status"] = new JsonObject
                    {
                        ["type"] = "string",
                        ["enum"] = new JsonArray(Pick(Hostile), "active", Pick(Hostile) + "x"),
                    },
                },
            };
        }

        endpoints.Add(endpoint);
    }

    private void AddAuth(JsonObject root)
    {
        var key = root.ContainsKey("auth_patterns") ? "auth_patterns" : "auth";
        if (root[key] is not JsonArray methods)
        {
            methods = new JsonArray();
            root[key] = methods;
        }

        var type =
            key == "auth"
                ? Pick(new[] { "api_key", "bearer", "basic", "oauth2", "none" })
                : Pick(new[] { "API_KEY", "BEARER", "BASIC", "OAUTH" });
        var method = new JsonObject
        {
            ["type"] = type,
            ["display_name"] = Pick(Hostile),
            ["description"] = Pick(Hostile),
            ["fields"] = new JsonArray(
                new JsonObject
                {
                    ["field_name"] = Pick(new[] { "api_key", "token", "username", Pick(Hostile) + "secret", "domain" }),
                    ["label"] = Pick(Hostile),
                    ["hint"] = Pick(Hostile),
                    ["input_type"] = Pick(new[] { "text", "password" }),
                }
            ),
        };
        if (_random.Next(2) == 0)
        {
            method[key == "auth" ? "oauth" : "oauth_config"] = new JsonObject
            {
                ["authorize_uri"] = Pick(new[] { "https://login.example.com/authorize", Pick(Hostile) }),
                ["token_uri"] = "https://login.example.com/token",
                ["available_scopes"] = new JsonArray(
                    new JsonObject
                    {
                        ["scope"] = Pick(Hostile),
                        ["description"] = Pick(Hostile),
                        ["required"] = true,
                    }
                ),
            };
        }

        methods.Add(method);
    }

    private JsonNode? RandomValue(int depth) =>
        _random.Next(depth > 1 ? 9 : 12) switch
        {
            0 => JsonValue.Create(0),
            1 => JsonValue.Create(-1),
            2 => JsonValue.Create(1.5),
            3 => JsonNode.Parse("99999999999999999999999"),
            4 => JsonValue.Create(true),
            5 => null,
            6 => JsonValue.Create(Pick(Hostile)),
            7 => JsonValue.Create(Pick(Words)),
            8 => JsonValue.Create(new string('x', 3000)),
            9 => new JsonArray(RandomValue(depth + 1), RandomValue(depth + 1)),
            10 => new JsonObject { [Pick(Keys)] = RandomValue(depth + 1), [Pick(Keys) + "_"] = RandomValue(depth + 1) },
            _ => new JsonArray(),
        };

    private static JsonNode Nest(JsonNode? inner, int depth)
    {
        var node = new JsonArray(inner);
        for (var i = 1; i < depth; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }

    private static void Replace(JsonNode target, JsonNode? replacement)
    {
        switch (target.Parent)
        {
            case JsonObject obj:
                obj[target.GetPropertyName()] = replacement;
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = replacement;
                break;
        }
    }

    private string Typo(string name)
    {
        if (name.Length < 2)
        {
            return name + "_";
        }

        var i = _random.Next(name.Length - 1);
        return _random.Next(3) switch
        {
            0 => name.Remove(i, 1),
            1 => name.Substring(0, i) + name[i + 1] + name[i] + name.Substring(i + 2),
            _ => name.ToUpper(CultureInfo.InvariantCulture),
        };
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    if (value is not null)
                    {
                        Collect(value, nodes);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Collect(item, nodes);
                    }
                }

                break;
        }
    }

    private static string WithLines(string text, Action<List<string>> edit)
    {
        var lines = text.Split('\n').ToList();
        edit(lines);
        return string.Join("\n", lines);
    }

    private static string Quote(string value, bool isJson) =>
        isJson
            ? "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    public static string Describe(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Length > 4000 ? text.Substring(0, 4000) + "…" : text)
        {
            builder.Append(
                c is '\n' or '\t' || (c >= ' ' && c < 0x7f) ? c.ToString() : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)
            );
        }

        return builder.ToString();
    }
}
