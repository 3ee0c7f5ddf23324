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
                // A long where one holds the value (what readers expect of a JSON integer), else the exact decimal.
                var whole = Number(s, integer: true);
                return whole is >= long.MinValue and <= long.MaxValue ? JsonValue.Create((long)whole) : JsonValue.Create(whole);
            case "number":
                return JsonValue.Create(Number(s, integer: false));
            case "boolean":
                return JsonValue.Create(true);
            case "null":
                return JsonValue.Create("x");
        }

        return JsonValue.Create(StringValue(s, "s"));
    }

    /// <summary>
    /// A number the schema allows, near 2, within <paramref name="low"/>..<paramref name="high"/> (the range of the C#
    /// type that receives it) and the range its format names. Bounds are read exactly (a decimal, not a double, so
    /// 9223372036854775807 stays itself); a bound beyond decimal's range is beyond the type's and clamps to it.
    /// </summary>
    public static decimal Number(JsonObject s, bool integer, decimal low = decimal.MinValue, decimal high = decimal.MaxValue)
    {
        switch (Json.Str(s, "format"))
        {
            case "int32":
                (low, high) = (Math.Max(low, int.MinValue), Math.Min(high, int.MaxValue));
                integer = true;
                break;
            case "int64":
                (low, high) = (Math.Max(low, long.MinValue), Math.Min(high, long.MaxValue));
                integer = true;
                break;
        }

        var min = Bound(s, "minimum", low, high);
        var max = Bound(s, "maximum", low, high);
        var exclusiveMin =
            s["exclusiveMinimum"] is JsonValue em && em.TryGetValue<bool>(out var b1)
                ? (b1 ? min : null)
                : Bound(s, "exclusiveMinimum", low, high);
        var exclusiveMax =
            s["exclusiveMaximum"] is JsonValue ex && ex.TryGetValue<bool>(out var b2)
                ? (b2 ? max : null)
                : Bound(s, "exclusiveMaximum", low, high);
        var lower = exclusiveMin ?? min;
        var upper = exclusiveMax ?? max;
        try
        {
            var value = Math.Clamp(2m, low, high);
            if (lower is { } lo && (value < lo || (exclusiveMin is not null && value == lo)))
            {
                value =
                    exclusiveMin is null ? lo
                    : integer ? decimal.Floor(lo) + 1
                    : upper is { } u ? lo + (u - lo) / 2
                    : lo + 0.5m;
            }

            if (integer)
            {
                value = decimal.Ceiling(value);
            }

            if (upper is { } hi && (value > hi || (exclusiveMax is not null && value == hi)))
            {
                value =
                    exclusiveMax is null ? hi
                    : integer ? decimal.Ceiling(hi) - 1
                    : lower is { } l ? l + (hi - l) / 2
                    : hi - 0.5m;
                if (integer)
                {
                    value = decimal.Floor(value);
                }
            }

            if (Json.Num(s, "multipleOf") is > 0 and < 1e20 and var multiple && (decimal)multiple is var m)
            {
                value = decimal.Ceiling(value / m) * m;
            }

            return value;
        }
        catch (OverflowException)
        {
            return lower ?? upper ?? 2m;
        }
    }

    /// <summary>A bound of the schema clamped to <paramref name="low"/>..<paramref name="high"/>; null when not a number.</summary>
    private static decimal? Bound(JsonObject s, string key, decimal low, decimal high)
    {
        if (s[key] is not JsonValue v)
        {
            return null;
        }

        var text = v.ToJsonString().Trim('"');
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
        {
            return Math.Clamp(exact, low, high);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var approximate) && !double.IsNaN(approximate)
            ? (approximate < 0 ? low : high)
            : null;
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

    public static string Invariant(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
