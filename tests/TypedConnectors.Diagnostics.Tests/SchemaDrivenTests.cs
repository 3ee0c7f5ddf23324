using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using TypedConnectors.Generator;

namespace TypedConnectors.Diagnostics.Tests;

/// <summary>
/// connector.schema.json (the one at the repository root, which editors validate against) drives these tests: every
/// typed key the schema declares gets a value of a wrong type in a valid connector file and must produce one located
/// diagnostic at that value, and the keys the canonical reader accepts are the keys the schema declares, object by
/// object. The schema and the reader cannot drift apart without one of these failing.
/// </summary>
public class SchemaDrivenTests
{
    // Uses every object of the format once at least, and produces no diagnostic at all.
    private const string Valid = """
        {
          "$schema": "../connector.schema.json",
          "$comment": "c",
          "format_version": 1,
          "name": "Acme CRM",
          "slug": "acme-crm",
          "display_name": "Acme",
          "description": "Contacts.",
          "domain": "acme.com",
          "icon_url": "https://acme.com/icon.png",
          "visibility": "public",
          "version": "2",
          "type": "simple",
          "base_url": "https://{{tenant}}.acme.com/api",
          "variables": [ { "$comment": "c", "name": "tenant", "description": "Workspace", "default": "eu", "pattern": "^[a-z]+$" } ],
          "auth": [
            { "$comment": "c", "key": "key", "type": "api_key", "default": true, "display_name": "API key", "description": "Key.", "header": "X-Api-Key",
              "prefix": "Key", "in": "header", "token_field": "api_key",
              "fields": [ { "$comment": "c", "field_name": "api_key", "label": "API key", "input_type": "password", "hint": "Settings", "required": true } ],
              "auth_field_mutations": [ { "$comment": "c", "field": "api_key", "prefix": "k-", "suffix": "-k" } ] },
            { "key": "basic", "type": "basic", "username_field": "user", "fields": [ { "field_name": "user" } ],
              "auth_field_mutations": { "password": { "$comment": "c", "prefix": "p", "suffix": "s", "default": "X" } } },
            { "key": "oauth", "type": "oauth2",
              "oauth": { "$comment": "c", "authorize_uri": "https://login.acme.com/authorize", "token_uri": "https://login.acme.com/token",
                "user_info_uri": "https://login.acme.com/me", "refresh_uri": "https://login.acme.com/refresh",
                "available_scopes": [ { "$comment": "c", "scope": "read", "display_name": "Read", "description": "Reads.", "required": true }, "write" ],
                "pkce_enabled": true, "grant_types": [ "authorization_code" ], "client_authentication": "body",
                "authorize_parameters": { "prompt": "consent" }, "token_parameters": { "audience": "api" } } }
          ],
          "account_fields": [ { "field_name": "account_id" } ],
          "rate_limit": { "$comment": "c", "requests": 10, "per": "minute" },
          "max_concurrency": 2,
          "idempotency_key_header": "Idempotency-Key",
          "rate_limit_headers": { "remaining": "X-Calls-Left", "reset": "X-Calls-Reset-In" },
          "headers": [ { "$comment": "c", "name": "Accept", "value": "application/json" } ],
          "types": {
            "Contact": { "$comment": "c", "type": "object", "title": "Contact", "description": "A contact.", "required": [ "id" ], "nullable": false,
              "readOnly": false, "deprecated": false, "additionalProperties": false, "examples": [ { "id": "1" } ],
              "properties": { "id": { "type": "string", "minLength": 1, "maxLength": 10, "pattern": "^.+$" } } },
            "ContactPage": { "type": "object", "properties": { "data": { "type": "array", "items": { "$ref": "#/types/Contact" } },
              "next": { "type": "string" }, "has_more": { "type": "boolean" }, "total": { "type": "integer" } } }
          },
          "is_mcp": false,
          "endpoints": [
            { "$comment": "c", "name": "create_contact", "summary": "Creates.", "description": "Creates a contact.", "method": "post", "path": "/contacts/{id}",
              "group": "contacts", "deprecated": false, "response_type": "json", "content_type": "application/json",
              "parameters": [ { "$comment": "c", "name": "id", "in": "path", "type": "string", "format": "uuid", "description": "Id.", "required": true,
                "style": "simple", "explode": false, "minLength": 1, "maxLength": 40, "pattern": "^.+$", "minimum": 0, "maximum": 9, "default": "a" } ],
              "request_body": { "$comment": "c", "schema": { "$ref": "#/types/Contact" }, "content_type": "json", "required": true, "description": "The contact." },
              "response": { "$ref": "#/types/Contact" } },
            { "name": "list_contacts", "method": "get", "path": "/contacts",
              "parameters": [ { "name": "cursor", "in": "query" }, { "name": "offset", "in": "query", "type": "integer" },
                { "name": "page", "in": "query", "type": "integer" }, { "name": "limit", "in": "query", "type": "integer" } ],
              "response": { "$ref": "#/types/ContactPage" },
              "pagination": { "$comment": "c", "style": "cursor", "items": "/data", "cursor": "/next", "last_item_cursor": "/id",
                "cursor_param": "cursor", "next_url": "/next", "offset_param": "offset", "page_param": "page", "limit_param": "limit",
                "start": 0, "has_more": "/has_more", "total": "/total" } },
            { "name": "watch_contacts", "method": "get", "path": "/contacts/events", "response": { "$ref": "#/types/Contact" }, "stream_format": "sse" }
          ]
        }
        """;

    private static readonly JsonObject Schema = (JsonObject)
        JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "connector.schema.json")))!;

    [Fact]
    public void The_valid_connector_uses_the_whole_format_and_has_no_diagnostic()
    {
        var run = DiagnosticsRun.Of(Expect.File("crm.connector.json", Valid));
        Assert.True(run.Diagnostics.IsEmpty, run.ToString());
        Assert.NotEmpty(run.Sources);
        Assert.Empty(run.CompileDiagnostics);
    }

    [Fact]
    public void Every_typed_key_of_the_schema_given_a_wrong_type_is_one_diagnostic_at_that_value()
    {
        var walk = new Walk();
        walk.Visit(JsonNode.Parse(Valid)!, "", Schema, "#");
        var cases = walk.Cases();

        // Every key of every object the schema types is exercised (keys without a type, such as a schema's "default",
        // are typed relative to their schema and tested in KeywordTypeTests).
        var uncovered = walk.TypedKeys().Except(cases.Select(c => c.SchemaKey)).ToList();
        Assert.True(uncovered.Count == 0, "the valid connector does not reach: " + string.Join(", ", uncovered));
        Assert.True(cases.Count > 150, cases.Count + " cases");

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(
            cases,
            new ParallelOptions { MaxDegreeOfParallelism = 2 },
            c =>
            {
                var markup = Markup.Parse(c.Marked);
                var run = DiagnosticsRun.Of(Expect.File("crm.connector.json", markup.Text));
                var at = run.Diagnostics.Where(d => d.Span == markup.Span).ToList();
                var problem =
                    run.AnalyzerExceptions.Length > 0 ? "analyzer exception " + run.AnalyzerExceptions[0]
                    : at.Count != 1 ? at.Count + " diagnostics at the value"
                    : at[0].Id != c.ExpectedId ? at[0].Id + " instead of " + c.ExpectedId
                    : at[0].Severity != DiagnosticSeverity.Error || at[0].Reporter != Reporter.Generator ? "not a generator error"
                    : run.Diagnostics.Count(d => d.Id == c.ExpectedId) != 1 ? "more than one " + c.ExpectedId
                    : run.Diagnostics.FirstOrDefault(d => d.Id is "TC0036" or "TC0005" or "TC0024") is { } noise ? "also " + noise
                    : !run.Sources.IsEmpty ? "code was generated"
                    : null;
                if (problem is not null)
                {
                    failures.Add(c.SchemaKey + " = " + c.Value + ": " + problem + "\n  " + string.Join("\n  ", run.Diagnostics));
                }
            }
        );

        Assert.True(
            failures.IsEmpty,
            failures.Count + " of " + cases.Count + " failed:\n" + string.Join("\n", failures.OrderBy(f => f, StringComparer.Ordinal))
        );
    }

    [Fact]
    public void The_keys_the_reader_accepts_are_the_keys_the_schema_declares_at_every_level()
    {
        var readerType = typeof(ConnectorGenerator).Assembly.GetType(
            "TypedConnectors.Generator.Reading.Canonical.CanonicalReader",
            throwOnError: true
        )!;
        var keySets =
            (IReadOnlyDictionary<string, string[]>)
                readerType.GetProperty("KeySets", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;

        var objects = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal)
        {
            ["#"] = Schema,
            ["operations"] = (JsonObject)Schema["properties"]!["operations"]!,
        };
        foreach (var (name, definition) in (JsonObject)Schema["$defs"]!)
        {
            var obj = (JsonObject)definition!;
            var withProperties = obj["properties"] is not null
                ? obj
                : (obj["oneOf"] as JsonArray)?.OfType<JsonObject>().SingleOrDefault(b => b["properties"] is not null);
            if (withProperties is not null)
            {
                objects[name] = withProperties;
            }
        }

        Assert.Equal(objects.Keys, keySets.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, obj) in objects)
        {
            var declared = ((JsonObject)obj["properties"]!).Select(p => p.Key).ToList();

            // The rules the reader applies to every object: "$comment" anywhere, "$schema" at the root, "x-" keys, nothing else.
            Assert.Contains("$comment", declared);
            Assert.Equal(name == "#", declared.Contains("$schema"));
            Assert.Equal(JsonValue.Create(false).ToJsonString(), obj["additionalProperties"]!.ToJsonString());
            Assert.NotNull(obj["patternProperties"]?["^x-"]);

            var schemaKeys = declared.Where(k => k is not "$comment" and not "$schema").Order(StringComparer.Ordinal).ToList();
            var readerKeys = keySets[name].Order(StringComparer.Ordinal).ToList();
            Assert.True(
                schemaKeys.SequenceEqual(readerKeys),
                name
                    + ": only in the schema: "
                    + string.Join(", ", schemaKeys.Except(readerKeys))
                    + "; only in the reader: "
                    + string.Join(", ", readerKeys.Except(schemaKeys))
            );
        }
    }

    private sealed record Case(string SchemaKey, string Value, string ExpectedId, string Marked);

    /// <summary>Walks the valid connector with the schema, recording where each schema object first has an instance.</summary>
    private sealed class Walk
    {
        private const string Marker = "__value_under_test__";
        private readonly Dictionary<string, (string Pointer, JsonObject Schema)> _objects = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Pointer, JsonObject Schema)> _maps = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Pointer, JsonObject Schema)> _arrays = new(StringComparer.Ordinal);

        public void Visit(JsonNode instance, string pointer, JsonObject schema, string path)
        {
            (schema, path) = Resolve(schema, path);
            if (schema["oneOf"] is JsonArray branches)
            {
                for (var i = 0; i < branches.Count; i++)
                {
                    var (branch, branchPath) = Resolve((JsonObject)branches[i]!, path + "/oneOf/" + i);
                    if (Kinds(branch).Contains(KindOf(instance)) || (KindOf(instance) == "number" && Kinds(branch).Contains("integer")))
                    {
                        Visit(instance, pointer, branch, branchPath);
                        return;
                    }
                }

                return;
            }

            if (instance is JsonObject obj)
            {
                var properties = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"] as JsonObject;
                if (properties is not null)
                {
                    _objects.TryAdd(path, (pointer, schema));
                }
                else if (additional is not null && obj.Count > 0)
                {
                    _maps.TryAdd(path, (pointer + "/" + obj.First().Key, additional));
                }

                foreach (var (key, value) in obj)
                {
                    if (properties?[key] is JsonObject propertySchema)
                    {
                        Visit(value!, pointer + "/" + key, propertySchema, path + "/properties/" + key);
                    }
                    else if (properties is null && additional is not null)
                    {
                        Visit(value!, pointer + "/" + key, additional, path + "/additionalProperties");
                    }
                }
            }
            else if (instance is JsonArray array && schema["items"] is JsonObject items)
            {
                if (array.Count > 0)
                {
                    _arrays.TryAdd(path, (pointer + "/0", items));
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Visit(array[i]!, pointer + "/" + i, items, path + "/items");
                }
            }
        }

        /// <summary>Every typed key of every object schema reachable from the root (the operations overlay needs an OpenAPI document, and is left out).</summary>
        public IEnumerable<string> TypedKeys()
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<(JsonObject, string)>();
            pending.Push((Schema, "#"));
            while (pending.Count > 0)
            {
                var (schema, path) = pending.Pop();
                (schema, path) = Resolve(schema, path);
                if (!seen.Add(path) || path.StartsWith("#/properties/operations", StringComparison.Ordinal))
                {
                    continue;
                }

                if (schema["oneOf"] is JsonArray branches)
                {
                    for (var i = 0; i < branches.Count; i++)
                    {
                        pending.Push(((JsonObject)branches[i]!, path + "/oneOf/" + i));
                    }
                }

                if (schema["properties"] is JsonObject properties)
                {
                    foreach (var (key, value) in properties)
                    {
                        if (Kinds((JsonObject)value!).Count > 0)
                        {
                            yield return path + "/properties/" + key;
                        }

                        pending.Push(((JsonObject)value!, path + "/properties/" + key));
                    }
                }

                foreach (var nested in new[] { "items", "additionalProperties" })
                {
                    if (schema[nested] is JsonObject child)
                    {
                        pending.Push((child, path + "/" + nested));
                    }
                }
            }
        }

        public List<Case> Cases()
        {
            var cases = new List<Case>();
            foreach (var (path, (pointer, schema)) in _objects)
            {
                foreach (var (key, value) in (JsonObject)schema["properties"]!)
                {
                    AddCases(cases, path + "/properties/" + key, pointer + "/" + key, (JsonObject)value!);
                }
            }

            foreach (var (path, (pointer, schema)) in _maps)
            {
                AddCases(cases, path + "/additionalProperties", pointer, schema);
            }

            foreach (var (path, (pointer, schema)) in _arrays)
            {
                AddCases(cases, path + "/items", pointer, schema);
            }

            return cases;
        }

        private void AddCases(List<Case> cases, string schemaKey, string pointer, JsonObject schema)
        {
            var kinds = Kinds(schema);
            if (kinds.Count == 0)
            {
                return;
            }

            var n = cases.Count;
            var wrong = new (string Kind, string Json)[]
            {
                ("number", (900001 + n).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("string", "\"wrong-" + n + "\""),
                ("boolean", "true"),
                ("array", "[\"wrong-" + n + "\"]"),
                ("object", "{\"wrong-" + n + "\": 1}"),
            }.First(w => !kinds.Contains(w.Kind) && !(w.Kind == "number" && kinds.Contains("integer")));
            cases.Add(Make(schemaKey, pointer, wrong.Json, "TC0004"));

            if (kinds.Contains("integer") && !kinds.Contains("number"))
            {
                cases.Add(Make(schemaKey, pointer, "2.5", "TC0004"));
            }

            if (Enum(schema) is { } allowed && allowed.All(v => v is string))
            {
                cases.Add(Make(schemaKey, pointer, "\"not-allowed-" + n + "\"", "TC0006"));
            }

            // Where the schema bounds a value or its text, a value of the right type outside the bound is reported too.
            var (resolved, _) = Resolve(schema, "");
            var bounded = new[] { resolved }.Concat(
                (resolved["oneOf"] as JsonArray)?.OfType<JsonObject>() ?? Enumerable.Empty<JsonObject>()
            );
            if (bounded.Select(b => b["minimum"]).OfType<JsonValue>().FirstOrDefault() is { } minimum && kinds.Contains("integer"))
            {
                var below = (minimum.GetValue<int>() - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                cases.Add(Make(schemaKey, pointer, below, minimum.GetValue<int>() == 1 ? "TC0015" : "TC0029"));
            }

            if (resolved["pattern"] is JsonValue pattern)
            {
                // The one pattern of the format is that of "$ref"; a reference outside it names nothing.
                Assert.Equal("^#/types/.+", pattern.GetValue<string>());
                cases.Add(Make(schemaKey, pointer, "\"#/definitions/Contact\"", "TC0033"));
            }

            if (resolved["format"] is JsonValue { } format && format.GetValue<string>() == "regex")
            {
                cases.Add(Make(schemaKey, pointer, "\"[a-z\"", "TC0029"));
            }

            if (schemaKey == "#/properties/format_version")
            {
                // The one const of the format: another version is not a wrong type but a version this reader does not know.
                cases.Add(Make(schemaKey, pointer, "2", "TC0026"));
            }
        }

        private static Case Make(string schemaKey, string pointer, string json, string expectedId)
        {
            var document = JsonNode.Parse(Valid)!;
            var segments = pointer.Substring(1).Split('/');
            var parent = document;
            foreach (var segment in segments.Take(segments.Length - 1))
            {
                parent = parent is JsonArray a
                    ? a[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)]!
                    : parent[segment]!;
            }

            var last = segments[^1];
            if (parent is JsonArray array)
            {
                array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = Marker;
            }
            else
            {
                parent[last] = Marker;
            }

            var text = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            var marked = text.Replace("\"" + Marker + "\"", "[|" + json + "|]", StringComparison.Ordinal);
            return new Case(schemaKey, json, expectedId, marked);
        }

        private static (JsonObject Schema, string Path) Resolve(JsonObject schema, string path)
        {
            while (
                schema["$ref"] is JsonValue reference
                && reference.GetValue<string>() is { } target
                && target.StartsWith("#/$defs/", StringComparison.Ordinal)
            )
            {
                path = target;
                schema = (JsonObject)Schema["$defs"]![target.Substring("#/$defs/".Length)]!;
            }

            return (schema, path);
        }

        /// <summary>The JSON kinds a schema allows: its type(s), its const's kind, or those of its oneOf branches.</summary>
        private static HashSet<string> Kinds(JsonObject schema)
        {
            (schema, _) = Resolve(schema, "");
            var kinds = new HashSet<string>(StringComparer.Ordinal);
            switch (schema["type"])
            {
                case JsonValue single:
                    kinds.Add(single.GetValue<string>());
                    break;
                case JsonArray list:
                    kinds.UnionWith(list.Select(t => t!.GetValue<string>()));
                    break;
            }

            if (schema["const"] is JsonNode constant)
            {
                kinds.Add(KindOf(constant) == "number" && constant.ToJsonString().All(char.IsDigit) ? "integer" : KindOf(constant));
            }

            if (schema["oneOf"] is JsonArray branches)
            {
                foreach (var branch in branches)
                {
                    kinds.UnionWith(Kinds((JsonObject)branch!));
                }
            }

            return kinds;
        }

        /// <summary>The allowed values of a string enum (directly or in a oneOf branch), null when there is none.</summary>
        private static List<object?>? Enum(JsonObject schema)
        {
            (schema, _) = Resolve(schema, "");
            if (schema["enum"] is JsonArray values)
            {
                return values.Select(v => (object?)(v is JsonValue s && s.TryGetValue<string>(out var text) ? text : null)).ToList();
            }

            return (schema["oneOf"] as JsonArray)?.OfType<JsonObject>().Select(Enum).FirstOrDefault(e => e is not null);
        }

        private static string KindOf(JsonNode? node) =>
            node?.GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                JsonValueKind.Array => "array",
                JsonValueKind.Object => "object",
                _ => "null",
            };
    }
}
