namespace TypedConnectors.Generator.Model;

/// <summary>
/// Follows a JSON pointer through a response's schema, for the validator (does the property exist, of which type) and
/// the emitter (the item type of a paged list). One walk, so both read a pointer the same way.
/// </summary>
internal static class ResponsePointers
{
    internal enum Outcome
    {
        /// <summary>The pointer names a declared property; its type is known.</summary>
        Found,

        /// <summary>The schema is open (untyped, a union, a map) at some step: nothing can be said.</summary>
        Unknown,

        /// <summary>The schema declares its properties and this one is not among them.</summary>
        Missing,
    }

    /// <param name="find">The type a named reference stands for.</param>
    public static (Outcome Outcome, TypeRef? Type, string? MissingToken) Resolve(
        TypeRef root,
        string pointer,
        Func<TypeRef, TypeSpec?> find
    )
    {
        var type = root;
        if (pointer.Length == 0)
        {
            return (Outcome.Found, type, null);
        }

        foreach (var raw in pointer.Substring(1).Split('/'))
        {
            var token = raw.Replace("~1", "/").Replace("~0", "~");
            if (type.Kind == TypeKind.Array)
            {
                if (!int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    return (Outcome.Missing, null, token);
                }

                type = type.Item ?? TypeRef.Any;
                continue;
            }

            if (type.Kind == TypeKind.Map)
            {
                type = type.Item ?? TypeRef.Any;
                continue;
            }

            if (type.Kind != TypeKind.Named || find(type) is not { Kind: TypeSpecKind.Object } model)
            {
                return (Outcome.Unknown, null, null);
            }

            if (Property(model, token, find) is { } property)
            {
                type = property.Type;
                continue;
            }

            if (model.AdditionalProperties is { } extra)
            {
                type = extra;
                continue;
            }

            return model.Properties.IsEmpty && model.BaseType is null ? (Outcome.Unknown, null, null) : (Outcome.Missing, null, token);
        }

        return (Outcome.Found, type, null);
    }

    private static PropertySpec? Property(TypeSpec model, string name, Func<TypeRef, TypeSpec?> find)
    {
        for (var (current, depth) = (model, 0); current is not null && depth < 32; depth++)
        {
            if (current.Properties.FirstOrDefault(p => p.JsonName == name) is { } property)
            {
                return property;
            }

            current = current.BaseType is { } b ? find(TypeRef.Named(b)) : null;
        }

        return null;
    }
}
