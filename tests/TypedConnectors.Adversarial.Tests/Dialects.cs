using TypedConnectors.Testing;

namespace TypedConnectors.Adversarial.Tests;

/// <summary>Writes a <see cref="Doc"/> as an OpenAPI 2.0/3.0/3.1 document or a canonical connector file.</summary>
public static class Dialects
{
    public const string Host = "api.example.com";

    public static InputFile ToFile(Doc doc, string name)
    {
        var tree = doc.Kind == DocKind.Canonical ? Canonical(doc) : OpenApi(doc);
        var text = doc.Yaml ? TreeWriter.Yaml(tree) : TreeWriter.Json(tree);
        var extension = (doc.Kind, doc.Yaml) switch
        {
            (DocKind.Canonical, false) => ".connector.json",
            (DocKind.Canonical, true) => ".connector.yaml",
            (DocKind.Swagger20, false) => ".swagger.json",
            (DocKind.Swagger20, true) => ".swagger.yaml",
            (_, false) => ".openapi.json",
            (_, true) => ".openapi.yaml",
        };
        return new InputFile("/adversarial/" + name + extension, text);
    }

    /// <summary>A reference in the dialect's own place, with JSON-pointer escapes.</summary>
    private static string Ref(DocKind kind, string name)
    {
        var escaped = name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
        return kind switch
        {
            DocKind.Swagger20 => "#/definitions/" + escaped,
            DocKind.Canonical => "#/types/" + escaped,
            _ => "#/components/schemas/" + escaped,
        };
    }

    private static object Value(object value) =>
        value switch
        {
            Num or string or bool or int or long => value,
            _ => value.ToString()!,
        };

    public static Obj Schema(DocKind kind, Sch s)
    {
        var o = new Obj();
        if (s.Ref is { } r)
        {
            o.Add("$ref", Ref(kind, r));
            return o;
        }

        o.Maybe("type", s.Type).Maybe("format", s.Format).Maybe("description", s.Description);
        if (s.Enum is { } values)
        {
            o.Add("enum", values.Select(Value).ToList());
        }

        if (s.Default is { } d)
        {
            o.Add("default", Value(d));
        }

        Bounds(kind, o, s);
        o.Maybe("maxLength", s.MaxLength);
        if (s.Items is { } items)
        {
            o.Add("items", Schema(kind, items));
        }

        if (s.Properties is { } properties)
        {
            var props = new Obj();
            foreach (var p in properties.GroupBy(p => p.Name, StringComparer.Ordinal).Select(g => g.First()))
            {
                props.Add(p.Name, Schema(kind, p.Schema));
            }

            o.Add("properties", props);
            var required = properties.Where(p => p.Required).Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList();
            if (required.Count > 0)
            {
                o.Add("required", required);
            }
        }

        return o;
    }

    private static void Bounds(DocKind kind, Obj o, Sch s)
    {
        // 3.1 states an exclusive bound as a number of its own; 2.0 and 3.0 as a flag. The canonical format has neither.
        if (s.Minimum is { } min)
        {
            if (s.ExclusiveMinimum && kind == DocKind.OpenApi31)
            {
                o.Add("exclusiveMinimum", min);
            }
            else
            {
                o.Add("minimum", min);
                if (s.ExclusiveMinimum && kind is DocKind.Swagger20 or DocKind.OpenApi30)
                {
                    o.Add("exclusiveMinimum", true);
                }
            }
        }

        if (s.Maximum is { } max)
        {
            if (s.ExclusiveMaximum && kind == DocKind.OpenApi31)
            {
                o.Add("exclusiveMaximum", max);
            }
            else
            {
                o.Add("maximum", max);
                if (s.ExclusiveMaximum && kind is DocKind.Swagger20 or DocKind.OpenApi30)
                {
                    o.Add("exclusiveMaximum", true);
                }
            }
        }
    }

    private static Obj OpenApi(Doc doc)
    {
        var kind = doc.Kind;
        var root = new Obj();
        if (kind == DocKind.Swagger20)
        {
            root.Add("swagger", "2.0");
        }
        else
        {
            root.Add("openapi", kind == DocKind.OpenApi31 ? "3.1.0" : "3.0.3");
        }

        root.Add("info", new Obj().Maybe("title", doc.Title).Maybe("description", doc.Description).Maybe("version", "1.0"));
        if (kind == DocKind.Swagger20)
        {
            root.Add("host", Host);
            root.Add("basePath", doc.BasePath.Length == 0 ? "/" : doc.BasePath);
            root.Add("schemes", new List<object> { "https" });
        }
        else
        {
            root.Add("servers", new List<object> { new Obj { { "url", "https://" + Host + doc.BasePath } } });
        }

        var paths = new Obj();
        foreach (var group in doc.Ops.GroupBy(o => o.Path, StringComparer.Ordinal))
        {
            var item = new Obj();
            foreach (var op in group)
            {
                item.Add(op.Method, Operation(kind, op));
            }

            paths.Add(group.Key, item);
        }

        root.Add("paths", paths);
        var schemas = new Obj();
        foreach (var named in doc.Schemas)
        {
            schemas.Add(named.Name, Schema(kind, named.Schema));
        }

        Obj? security = doc.Auth switch
        {
            "apiKey" => new Obj
            {
                {
                    "key",
                    new Obj
                    {
                        { "type", "apiKey" },
                        { "in", "header" },
                        { "name", "X-Api-Key" },
                    }
                },
            },
            "bearer" when kind != DocKind.Swagger20 => new Obj
            {
                {
                    "key",
                    new Obj { { "type", "http" }, { "scheme", "bearer" } }
                },
            },
            "basic" when kind != DocKind.Swagger20 => new Obj
            {
                {
                    "key",
                    new Obj { { "type", "http" }, { "scheme", "basic" } }
                },
            },
            "basic" => new Obj
            {
                {
                    "key",
                    new Obj { { "type", "basic" } }
                },
            },
            _ => null,
        };
        if (kind == DocKind.Swagger20)
        {
            root.Add("definitions", schemas);
            root.Maybe("securityDefinitions", security);
        }
        else
        {
            var components = new Obj { { "schemas", schemas } };
            components.Maybe("securitySchemes", security);
            root.Add("components", components);
        }

        if (security is not null)
        {
            root.Add("security", new List<object> { new Obj { { "key", new List<object>() } } });
        }

        return root;
    }

    private static Obj Operation(DocKind kind, Op op)
    {
        var o = new Obj();
        o.Maybe("operationId", op.Id).Maybe("description", op.Description);
        if (op.Tag is { } tag)
        {
            o.Add("tags", new List<object> { tag });
        }

        var parameters = new List<object>();
        foreach (var p in op.Params)
        {
            var po = new Obj { { "name", p.Name }, { "in", p.In } };
            po.Maybe("description", p.Description);
            if (p.Required || p.In == "path")
            {
                po.Add("required", true);
            }

            if (kind == DocKind.Swagger20)
            {
                // 2.0 parameters carry the schema inline; arrays say collectionFormat instead of style.
                foreach (var pair in Schema(kind, p.Schema.Ref is null ? p.Schema : new Sch { Type = "string" }))
                {
                    po.Add(pair.Key, pair.Value);
                }

                if (p.Schema.Type == "array")
                {
                    po.Add(
                        "collectionFormat",
                        p.Style switch
                        {
                            "spaceDelimited" => "ssv",
                            "pipeDelimited" => "pipes",
                            _ => p.Explode == true ? "multi" : "csv",
                        }
                    );
                }
            }
            else
            {
                po.Add("schema", Schema(kind, p.Schema));
                po.Maybe("style", p.Style);
                po.Maybe("explode", p.Explode);
            }

            parameters.Add(po);
        }

        if (op.Body is { } body && kind == DocKind.Swagger20)
        {
            if (body.Kind == "json")
            {
                parameters.Add(
                    new Obj
                    {
                        { "name", "body" },
                        { "in", "body" },
                        { "required", body.Required },
                        { "schema", Schema(kind, body.Schema) },
                    }
                );
            }
            else
            {
                o.Add("consumes", new List<object> { body.Kind == "form" ? "application/x-www-form-urlencoded" : "multipart/form-data" });
                foreach (var p in body.Schema.Properties ?? Array.Empty<Prop>())
                {
                    var po = new Obj
                    {
                        { "name", p.Name },
                        { "in", "formData" },
                        { "required", p.Required },
                    };
                    var schema =
                        p.Schema.Format == "binary" ? new Sch { Type = "file" }
                        : p.Schema.IsPrimitive ? p.Schema
                        : new Sch { Type = "string" };
                    foreach (var pair in Schema(kind, schema))
                    {
                        po.Add(pair.Key, pair.Value);
                    }

                    parameters.Add(po);
                }
            }
        }

        if (parameters.Count > 0)
        {
            o.Add("parameters", parameters);
        }

        if (op.Body is { } b && kind != DocKind.Swagger20)
        {
            var media = b.Kind switch
            {
                "form" => "application/x-www-form-urlencoded",
                "multipart" => "multipart/form-data",
                _ => "application/json",
            };
            o.Add(
                "requestBody",
                new Obj
                {
                    { "required", b.Required },
                    {
                        "content",
                        new Obj
                        {
                            {
                                media,
                                new Obj { { "schema", Schema(kind, b.Schema) } }
                            },
                        }
                    },
                }
            );
        }

        var responses = new Obj();
        if (op.Response is { } response)
        {
            var ok = new Obj { { "description", "ok" } };
            if (kind == DocKind.Swagger20)
            {
                ok.Add("schema", Schema(kind, response));
            }
            else
            {
                ok.Add(
                    "content",
                    new Obj
                    {
                        {
                            "application/json",
                            new Obj { { "schema", Schema(kind, response) } }
                        },
                    }
                );
            }

            responses.Add("200", ok);
        }
        else
        {
            responses.Add("204", new Obj { { "description", "no content" } });
        }

        o.Add("responses", responses);
        return o;
    }

    private static Obj Canonical(Doc doc)
    {
        var root = new Obj { { "format_version", 1 }, { "name", doc.Title } };
        root.Maybe("description", doc.Description);
        root.Add("base_url", "https://" + Host + doc.BasePath);
        var auth = doc.Auth switch
        {
            "apiKey" => new Obj
            {
                { "type", "api_key" },
                { "header", "X-Api-Key" },
                {
                    "fields",
                    new List<object>
                    {
                        new Obj { { "field_name", "api_key" }, { "input_type", "password" } },
                    }
                },
            },
            "bearer" => new Obj
            {
                { "type", "bearer" },
                {
                    "fields",
                    new List<object>
                    {
                        new Obj { { "field_name", "token" }, { "input_type", "password" } },
                    }
                },
            },
            "basic" => new Obj
            {
                { "type", "basic" },
                {
                    "fields",
                    new List<object>
                    {
                        new Obj { { "field_name", "username" } },
                        new Obj { { "field_name", "password" }, { "input_type", "password" } },
                    }
                },
            },
            _ => null,
        };
        if (auth is not null)
        {
            root.Add("auth", new List<object> { auth });
        }

        if (doc.Schemas.Count > 0)
        {
            var types = new Obj();
            foreach (var named in doc.Schemas)
            {
                types.Add(named.Name, Schema(DocKind.Canonical, named.Schema));
            }

            root.Add("types", types);
        }

        var endpoints = new List<object>();
        var index = 0;
        foreach (var op in doc.Ops)
        {
            var e = new Obj
            {
                { "name", op.Id ?? "operation_" + index },
                { "method", op.Method },
                { "path", op.Path },
            };
            index++;
            e.Maybe("description", op.Description);
            if (op.Params.Count > 0)
            {
                var parameters = new List<object>();
                foreach (var p in op.Params)
                {
                    var po = new Obj { { "name", p.Name }, { "in", p.In } };
                    if (p.Required && p.In != "path")
                    {
                        po.Add("required", true);
                    }

                    po.Maybe("description", p.Description);
                    if (p.Schema.Ref is not null || !p.Schema.IsPrimitive && p.Schema.Type != "array")
                    {
                        po.Add("schema", Schema(DocKind.Canonical, p.Schema));
                    }
                    else
                    {
                        foreach (var pair in Schema(DocKind.Canonical, p.Schema))
                        {
                            po.Add(pair.Key, pair.Value);
                        }
                    }

                    po.Maybe("style", p.Style);
                    po.Maybe("explode", p.Explode);
                    parameters.Add(po);
                }

                e.Add("parameters", parameters);
            }

            if (op.Body is { } body)
            {
                e.Add(
                    "request_body",
                    new Obj
                    {
                        { "schema", Schema(DocKind.Canonical, body.Schema) },
                        { "content_type", body.Kind },
                        { "required", body.Required },
                    }
                );
            }

            if (op.Response is { } response)
            {
                e.Add("response", Schema(DocKind.Canonical, response));
            }

            endpoints.Add(e);
        }

        root.Add("endpoints", endpoints);
        return root;
    }
}
