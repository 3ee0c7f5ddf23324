using System.Globalization;

namespace TypedConnectors.Generator.Model;

/// <summary>
/// The names of the connector's JSON contracts (<c>CustomerTypeInfo</c>, <c>ListOfCustomerTypeInfo</c>, …) on its JSON
/// helper class: one for every type a generated call site can ask for — each model, then every type an operation or
/// a model mentions, with their items, each both as written and nullable. Models come first so each keeps the name
/// after it; later names that would repeat one get a number (a model called <c>ListOfPet</c> keeps
/// <c>ListOfPetTypeInfo</c>, a list of <c>Pet</c> gets <c>ListOfPetTypeInfo2</c>).
/// </summary>
internal static partial class SpecBinder
{
    /// <summary>Member names the JSON helper already declares.</summary>
    private static readonly string[] JsonHelperMembers = { "ToWire", "TypeInfoResolver", "Options" };

    internal static EquatableArray<TypeInfoName> BindTypeInfoNames(IReadOnlyList<TypeSpec> types, IReadOnlyList<OperationSpec> operations)
    {
        var byIdentifier = new Dictionary<string, TypeSpec>(types.Count, StringComparer.Ordinal);
        foreach (var type in types)
        {
            byIdentifier[type.Identifier] = type;
        }

        // Sized for each model in both forms, the least there will be: grown from empty, the table and list of a large
        // API's tens of thousands of names left every smaller copy behind.
        var expected = 2 * types.Count;
        var used = new HashSet<string>(JsonHelperMembers, StringComparer.Ordinal);
        var named = new Dictionary<TypeRef, string>(expected);
        var result = new List<TypeInfoName>(expected);

        void Add(TypeRef type)
        {
            if (named.ContainsKey(type))
            {
                return;
            }

            var name = Stem(type) + (type.Nullable ? "OrNull" : "") + "TypeInfo";
            var unique = name;
            for (var n = 2; !used.Add(unique); n++)
            {
                unique = name + n.ToString(CultureInfo.InvariantCulture);
            }

            named.Add(type, unique);
            result.Add(new TypeInfoName(type, unique));
        }

        // A type (equal by value) walked before has both forms of it and of its items named already: the walk would
        // only repeat lookups and allocate the other-nullability copies again.
        var walked = new HashSet<TypeRef>();

        void Walk(TypeRef? type)
        {
            for (var current = type; current is not null && walked.Add(current); current = current.Item)
            {
                Add(current.AsNullable(false));
                Add(current.AsNullable(true));
            }
        }

        string Stem(TypeRef type) =>
            type.Kind switch
            {
                TypeKind.Named => type.Name is { } n && byIdentifier.TryGetValue(n, out var spec)
                    ? Identifier.Bare(spec.Identifier)
                    : "Model",
                TypeKind.Array => "ListOf" + Stem(type.Item ?? TypeRef.Any) + ((type.Item?.Nullable ?? false) ? "OrNull" : ""),
                TypeKind.Map => "MapOf" + Stem(type.Item ?? TypeRef.Any) + ((type.Item?.Nullable ?? false) ? "OrNull" : ""),
                TypeKind.Any => "JsonElement",
                TypeKind.DateTime => "DateTimeOffset",
                TypeKind.Date => "DateOnly",
                TypeKind.Bytes => "Bytes",
                _ => type.Kind.ToString(),
            };

        // Every model has a contract, named after it, whether or not an operation uses it.
        foreach (var type in types)
        {
            Add(TypeRef.Named(type.Identifier));
        }

        foreach (var operation in operations)
        {
            foreach (var parameter in operation.Parameters)
            {
                Walk(parameter.Type);
            }

            Walk(operation.Body?.Type);
            Walk(operation.Response.Type);
            foreach (var error in operation.Response.Errors)
            {
                Walk(error.Type);
            }

            Walk(operation.Streaming?.EventType);
        }

        // A constant JSON body field the emitter cannot spell as a literal goes as a string.
        Walk(TypeRef.String);
        foreach (var type in types)
        {
            Walk(TypeRef.Named(type.Identifier));
            foreach (var property in type.Properties)
            {
                Walk(property.Type);
            }

            foreach (var variant in type.Variants)
            {
                Walk(variant);
            }

            Walk(type.AdditionalProperties);
        }

        return result.ToEquatableArray();
    }
}
