using System.Globalization;
using System.Text.Json.Nodes;
using TypedConnectors.Conformance.Reading;

namespace TypedConnectors.Conformance.Synthesis;

/// <summary>A JSON value that satisfies a schema: every property present, enums, ranges, lengths and formats respected.</summary>
internal sealed class JsonSynthesizer(RefResolver refs)
{
    private const int MaxDepth = 12;

    public JsonNode? Value(JsonNode? schema, int depth = 0, HashSet<JsonNode>? inProgress = null)
    {
        inProgress ??= new HashSet<JsonNode>(ReferenceEqualityComparer.Instance);
        var resolved = refs.Resolve(schema);
        if (resolved is not JsonObject s)
        {
            return resolved is JsonValue v && v.TryGetValue<bool>(out _) ? JsonValue.Create("x") : JsonValue.Create("x");
        }

        if (s.ContainsKey("const"))
        {
            return s["const"]?.DeepClone();
        }

        // An enum of scalars on an array or object schema contradicts its type; the type wins (the value must read).
        if (
            s["enum"] is JsonArray values
            && values.Count > 0
            && !(Type(s) is "array" or "object" && values.All(v => v is null or JsonValue))
        )
        {
            return (
                values.FirstOrDefault(v => v is not null && Json.Str(v) is { Length: > 0 })
                ?? values.FirstOrDefault(v => v is not null)
                ?? values[0]
            )?.DeepClone();
        }

        if (!inProgress.Add(s) || depth > MaxDepth)
        {
            // Recursion: the nullable or empty form of the type ends the cycle.
            return Type(s) switch
            {
                "array" => new JsonArray(),
                "object" or null => null,
                _ => Primitive(s, Type(s)!),
            };
        }

        try
        {
            if (
                s["discriminator"] is JsonObject discriminator
                && Json.Str(discriminator, "propertyName") is { } property
                && Json.Props(discriminator, "mapping").FirstOrDefault() is { Key: not null } first
                && Json.Str(first.Value) is { } target
                && refs.Resolve(
                    new JsonObject { ["$ref"] = target.Contains('#', StringComparison.Ordinal) ? target : "#/components/schemas/" + target }
                )
                    is JsonObject mapped
                && !ReferenceEquals(mapped, s)
                && !inProgress.Contains(mapped)
            )
            {
                var variant = Value(mapped, depth, inProgress) as JsonObject ?? new JsonObject();
                variant[property] = first.Key;
                return variant;
            }

            foreach (var union in new[] { "oneOf", "anyOf" })
            {
                if (s[union] is JsonArray branches && branches.Count > 0)
                {
                    var branch = branches.FirstOrDefault(b => Type(refs.Resolve(b) as JsonObject) != "null") ?? branches[0];
                    var value = Value(branch, depth, inProgress);
                    if (value is JsonObject obj && s["discriminator"] is JsonObject d && Json.Str(d, "propertyName") is { } prop)
                    {
                        obj[prop] = DiscriminatorValue(d, branch);
                    }

                    if (value is JsonObject merged && s["properties"] is JsonObject)
                    {
                        MergeProperties(merged, s, depth, inProgress);
                    }

                    return value;
                }
            }

            if (s["allOf"] is JsonArray parts && parts.Count > 0)
            {
                var merged = new JsonObject();
                JsonNode? nonObject = null;
                foreach (var part in parts)
                {
                    var value = Value(part, depth, inProgress);
                    if (value is JsonObject o)
                    {
                        foreach (var (k, v) in o.ToList())
                        {
                            o.Remove(k);
                            merged[k] = v;
                        }
                    }
                    else
                    {
                        nonObject ??= value;
                    }
                }

                MergeProperties(merged, s, depth, inProgress);
                // Parts that only add a description say nothing about the shape.
                return
                    merged.Count == 0
                    && nonObject is not null
                    && parts.Any(p => Type(refs.Resolve(p) as JsonObject) is not null and not "object")
                    ? nonObject
                    : merged;
            }

            var type = Type(s);
            if (type == "array" || (type is null && s.ContainsKey("items")))
            {
                var array = new JsonArray();
                var count = Math.Max(1, (int)(Json.Num(s, "minItems") ?? 1));
                for (var i = 0; i < count; i++)
                {
                    array.Add(Value(s["items"], depth + 1, inProgress));
                }

                return array;
            }

            if (type == "object" || (type is null && (s.ContainsKey("properties") || s.ContainsKey("additionalProperties"))))
            {
                var obj = new JsonObject();
                MergeProperties(obj, s, depth, inProgress);
                if (obj.Count == 0 && s["additionalProperties"] is JsonObject extra)
                {
                    obj["key1"] = Value(extra, depth + 1, inProgress);
                }

                return obj;
            }

            return type is null ? JsonValue.Create("x") : Primitive(s, type);
        }
        finally
        {
            inProgress.Remove(s);
        }
    }

    private void MergeProperties(JsonObject target, JsonObject schema, int depth, HashSet<JsonNode> inProgress)
    {
        foreach (var (name, propertySchema) in Json.Props(schema, "properties"))
        {
            if (!target.ContainsKey(name))
            {
                target[name] = Value(propertySchema, depth + 1, inProgress);
            }
        }

        if (schema["discriminator"] is JsonObject d && Json.Str(d, "propertyName") is { } prop && target[prop] is null)
        {
            target[prop] = Json.Props(d, "mapping").Select(m => m.Key).FirstOrDefault() ?? "x";
        }
    }

    private static JsonNode DiscriminatorValue(JsonObject discriminator, JsonNode? branch)
    {
        var reference = branch is JsonObject b ? Json.Str(b, "$ref") : null;
        foreach (var (key, value) in Json.Props(discriminator, "mapping"))
        {
            if (
                reference is not null
                && (Json.Str(value) == reference || reference.EndsWith("/" + Json.Str(value), StringComparison.Ordinal))
            )
            {
                return JsonValue.Create(key);
            }
        }

        return JsonValue.Create(RefResolver.RefName(branch) ?? "x");
    }

    /// <summary>The schema's type, the first non-null one of a 3.1 type list.</summary>
    public static string? Type(JsonObject? s) =>
        s?["type"] switch
        {
            JsonValue v => Json.Str(v),
            JsonArray a => a.Select(t => Json.Str(t)).FirstOrDefault(t => t != "null") ?? "null",
            _ => null,
        };

    public static JsonNode Primitive(JsonObject s, string type)
    {
        switch (type)
        {
            case "integer":
                return JsonValue.Create((long)Number(s, integer: true));
            case "number":
                return JsonValue.Create(Number(s, integer: false));
            case "boolean":
                return JsonValue.Create(true);
            case "null":
                return JsonValue.Create("x");
        }

        return JsonValue.Create(StringValue(s, "s"));
    }

    public static double Number(JsonObject s, bool integer)
    {
        var min = Json.Num(s, "minimum");
        var max = Json.Num(s, "maximum");
        var exclusiveMin =
            s["exclusiveMinimum"] is JsonValue em && em.TryGetValue<bool>(out var b1) ? (b1 ? min : null) : Json.Num(s, "exclusiveMinimum");
        var exclusiveMax =
            s["exclusiveMaximum"] is JsonValue ex && ex.TryGetValue<bool>(out var b2) ? (b2 ? max : null) : Json.Num(s, "exclusiveMaximum");
        double value = 2;
        if (min is { } lo)
        {
            value = lo;
        }
        else if (max is { } hi && hi < 2)
        {
            value = hi;
        }

        if (exclusiveMin is { } elo && value <= elo)
        {
            value = integer ? Math.Floor(elo) + 1 : elo + 0.5;
        }

        if (exclusiveMax is { } ehi && value >= ehi)
        {
            value = integer ? Math.Ceiling(ehi) - 1 : ehi - 0.5;
        }

        if (integer)
        {
            value = Math.Ceiling(value);
        }

        var multiple = Json.Num(s, "multipleOf");
        if (multiple is > 0)
        {
            value = Math.Ceiling(value / multiple.Value) * multiple.Value;
        }

        return value;
    }

    /// <summary>A string for the schema's format and length limits; <paramref name="seed"/> keeps values distinguishable.</summary>
    public static string StringValue(JsonObject? s, string seed)
    {
        var format = Json.Str(s, "format");
        var text = format switch
        {
            "date-time" => "2024-01-02T03:04:05Z",
            "date" => "2024-01-02",
            "time" => "03:04:05",
            "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "uri" or "url" => "https://example.com/x",
            "email" => "user@example.com",
            "byte" => "AQID",
            "ipv4" => "127.0.0.1",
            "hostname" => "example.com",
            "int64" or "int32" or "integer" => "2",
            "number" or "double" or "float" or "decimal" => "2",
            _ => seed,
        };
        var min = (int)(Json.Num(s, "minLength") ?? 0);
        var max = (int?)Json.Num(s, "maxLength");
        if (text.Length < min)
        {
            text = text.PadRight(min, 'x');
        }

        if (max is { } m && text.Length > m && m >= 0)
        {
            text = text[..m];
        }

        return text;
    }

    public static string Invariant(double d) => d.ToString(CultureInfo.InvariantCulture);
}
