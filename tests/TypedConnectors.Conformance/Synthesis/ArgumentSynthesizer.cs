using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TypedConnectors.Conformance.Reading;

namespace TypedConnectors.Conformance.Synthesis;

/// <summary>
/// Arguments for generated methods: from the definition's schema where one is known (enum, range, length, format),
/// else from the .NET type (records through their properties, enums' first member, one- or two-item lists, streams).
/// </summary>
internal sealed class ArgumentSynthesizer(RefResolver refs)
{
    private const int MaxDepth = 5;
    private readonly JsonSynthesizer _json = new(refs);
    private int _counter;

    /// <summary>With <c>true</c>, records get only their required members (the "required arguments only" call).</summary>
    public bool RequiredOnly { get; set; }

    public object? Create(Type type, JsonNode? schema, int depth = 0)
    {
        var s = refs.Resolve(schema) as JsonObject;
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            type = underlying;
        }

        if (type == typeof(string))
        {
            if (
                s?["enum"] is JsonArray values
                && (
                    values.FirstOrDefault(v => v is not null && Json.Str(v) is { Length: > 0 }) ?? values.FirstOrDefault(v => v is not null)
                )
                    is { } first
            )
            {
                return Json.Str(first);
            }

            if (s is not null && (Json.Str(s, "format") is not null || s.ContainsKey("minLength") || s.ContainsKey("maxLength")))
            {
                return JsonSynthesizer.StringValue(s, "v" + Next());
            }

            var type0 = JsonSynthesizer.Type(s);
            if (type0 is "integer" or "number")
            {
                return JsonSynthesizer.Invariant(JsonSynthesizer.Number(s!, type0 == "integer"));
            }

            return "v" + Next();
        }

        if (type == typeof(bool))
        {
            return true;
        }

        if (
            type == typeof(int)
            || type == typeof(long)
            || type == typeof(short)
            || type == typeof(byte)
            || type == typeof(uint)
            || type == typeof(ulong)
            || type == typeof(sbyte)
            || type == typeof(ushort)
        )
        {
            var (low, high) = IntegerRange(type);
            var n = s is null ? 2 : JsonSynthesizer.Number(s, integer: true, low, high);
            if (
                s?["enum"] is JsonArray ints
                && ints.FirstOrDefault() is JsonValue iv
                && decimal.TryParse(
                    iv.ToJsonString(),
                    System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out var first
                )
                && first >= low
                && first <= high
            )
            {
                n = first;
            }

            return Convert.ChangeType(n, type, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            var n = s is null ? 2.5m : JsonSynthesizer.Number(s, integer: false);
            return Convert.ChangeType(n, type, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (type == typeof(Guid))
        {
            return Guid.Parse("3fa85f64-5717-4562-b3fc-2c963f66afa6");
        }

        if (type == typeof(DateTimeOffset))
        {
            return new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
        }

        if (type == typeof(DateTime))
        {
            return new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        }

        if (type == typeof(DateOnly))
        {
            return new DateOnly(2024, 1, 2);
        }

        if (type == typeof(TimeOnly))
        {
            return new TimeOnly(3, 4, 5);
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.FromSeconds(5);
        }

        if (type == typeof(Uri))
        {
            return new Uri("https://example.com/x");
        }

        if (type == typeof(byte[]))
        {
            return new byte[] { 1, 2, 3 };
        }

        if (typeof(Stream).IsAssignableFrom(type))
        {
            return new MemoryStream(new byte[] { 1, 2, 3 });
        }

        if (type == typeof(JsonElement))
        {
            return JsonSerializer.SerializeToElement(_json.Value(schema) ?? JsonValue.Create("x"));
        }

        if (type == typeof(JsonNode) || type == typeof(JsonObject))
        {
            return _json.Value(schema) ?? new JsonObject();
        }

        if (type == typeof(object))
        {
            return "v" + Next();
        }

        if (type.IsEnum)
        {
            return EnumValue(type, s);
        }

        if (depth > MaxDepth)
        {
            return null;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            dictionary["key1"] = Create(valueType, (s?["additionalProperties"] as JsonObject), depth + 1);
            return dictionary;
        }

        if (ElementType(type) is { } elementType)
        {
            // Two items where the schema allows, so a delimiter style shows on the wire.
            var max = (int?)Json.Num(s, "maxItems") ?? 2;
            var count = Math.Max(1, Math.Min(2, max));
            count = Math.Max(count, (int)(Json.Num(s, "minItems") ?? 0));
            var array = Array.CreateInstance(elementType, count);
            var itemSchema = s?["items"];
            for (var i = 0; i < count; i++)
            {
                array.SetValue(Create(elementType, itemSchema, depth + 1), i);
            }

            if (type.IsArray)
            {
                return array;
            }

            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
            foreach (var item in array)
            {
                list.Add(item);
            }

            return list;
        }

        return CreateObject(type, s, depth);
    }

    private int Next() => Interlocked.Increment(ref _counter);

    /// <summary>The values an integer type holds, as decimals (every integer type's range fits in decimal's).</summary>
    private static (decimal Low, decimal High) IntegerRange(Type type) =>
        (
            Convert.ToDecimal(type.GetField("MinValue")!.GetValue(null), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToDecimal(type.GetField("MaxValue")!.GetValue(null), System.Globalization.CultureInfo.InvariantCulture)
        );

    private static object EnumValue(Type type, JsonObject? schema)
    {
        // The member for 0 is the generated "unknown" sentinel, which has no wire text, whatever it is called.
        var members = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(m => Convert.ToInt64(m.GetValue(null), System.Globalization.CultureInfo.InvariantCulture) != 0)
            .ToArray();
        if (
            schema?["enum"] is JsonArray values
            && (values.FirstOrDefault(v => v is not null && Json.Str(v) is { Length: > 0 }) ?? values.FirstOrDefault(v => v is not null))
                is { } wire
        )
        {
            var text = Json.Str(wire);
            var match =
                members.FirstOrDefault(m =>
                    m.GetCustomAttributes()
                        .Any(a =>
                            a.GetType().GetProperty("Name")?.GetValue(a) as string == text
                            || a.GetType().GetProperty("Value")?.GetValue(a) as string == text
                        )
                ) ?? members.FirstOrDefault(m => Json.Norm(m.Name) == Json.Norm(text ?? ""));
            if (match is not null)
            {
                return match.GetValue(null)!;
            }
        }

        var chosen = members.FirstOrDefault();
        return chosen is null ? Activator.CreateInstance(type)! : chosen.GetValue(null)!;
    }

    private object? CreateObject(Type type, JsonObject? schema, int depth)
    {
        var concrete = type;
        if (type.IsAbstract || type.IsInterface)
        {
            var derived =
                type.GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType).FirstOrDefault(t => !t.IsAbstract)
                ?? type.Assembly.GetTypes().FirstOrDefault(t => !t.IsAbstract && type.IsAssignableFrom(t) && t.IsPublic);
            if (derived is null)
            {
                return null;
            }

            concrete = derived;
        }

        if (concrete.GetConstructor(Type.EmptyTypes) is null)
        {
            // Unions without a discriminator: a static factory taking one variant.
            var factory = concrete
                .GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Where(m => m.ReturnType == concrete && m.GetParameters().Length == 1 && !m.IsGenericMethodDefinition && !m.IsSpecialName)
                .OrderBy(m => m.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (factory is not null)
            {
                var branch =
                    schema?["oneOf"] is JsonArray one && one.Count > 0 ? one[0]
                    : schema?["anyOf"] is JsonArray any && any.Count > 0 ? any[0]
                    : null;
                return factory.Invoke(null, new[] { Create(factory.GetParameters()[0].ParameterType, branch, depth + 1) });
            }

            var ctor = concrete.GetConstructors().OrderBy(c => c.GetParameters().Length).FirstOrDefault();
            if (ctor is null)
            {
                return null;
            }

            return ctor.Invoke(ctor.GetParameters().Select(p => Create(p.ParameterType, null, depth + 1)).ToArray());
        }

        var instance = Activator.CreateInstance(concrete)!;
        var properties = MergedProperties(schema);
        foreach (var property in concrete.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (
                property.SetMethod is null
                || property.GetIndexParameters().Length > 0
                || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null
                || property.GetCustomAttribute<JsonExtensionDataAttribute>() is not null
            )
            {
                continue;
            }

            var required = property.GetCustomAttribute<RequiredMemberAttribute>() is not null;
            if (RequiredOnly && !required)
            {
                continue;
            }

            var wire = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? property.Name;
            properties.TryGetValue(wire, out var propertySchema);
            var value = Create(property.PropertyType, propertySchema, depth + 1);
            if (value is null && required && property.PropertyType.IsValueType)
            {
                continue;
            }

            try
            {
                property.SetValue(instance, value);
            }
            catch (ArgumentException)
            {
                // A value of another type than the property (a union factory's variant): leave the default.
            }
        }

        return instance;
    }

    private Dictionary<string, JsonNode?> MergedProperties(JsonObject? schema, int depth = 0)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (schema is null || depth > 8)
        {
            return result;
        }

        foreach (var (name, value) in Json.Props(schema, "properties"))
        {
            result.TryAdd(name, value);
        }

        foreach (var part in Json.Items(schema, "allOf").Concat(Json.Items(schema, "oneOf")).Concat(Json.Items(schema, "anyOf")))
        {
            foreach (var (name, value) in MergedProperties(refs.Resolve(part) as JsonObject, depth + 1))
            {
                if (
                    !result.TryAdd(name, value)
                    && refs.Resolve(result[name]) is JsonObject own
                    && refs.Resolve(value) is JsonObject inherited
                )
                {
                    // A property restated beside allOf keeps the constraints of the part it comes from (minLength, enum, …).
                    var merged = (JsonObject)own.DeepClone();
                    foreach (var (key, constraint) in inherited)
                    {
                        if (!merged.ContainsKey(key))
                        {
                            merged[key] = constraint?.DeepClone();
                        }
                    }

                    result[name] = merged;
                }
            }
        }

        return result;
    }

    public static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            if (
                definition == typeof(IReadOnlyList<>)
                || definition == typeof(IEnumerable<>)
                || definition == typeof(List<>)
                || definition == typeof(IList<>)
                || definition == typeof(ICollection<>)
                || definition == typeof(IReadOnlyCollection<>)
            )
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return
            (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>))
            && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;
    }
}
