using System.Collections.Immutable;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Model;

/// <summary>
/// Gives every element of a read model its C# identifier: valid, conventional, keyword-escaped and unique in its
/// scope. Collisions are resolved in document order (the first keeps the name) and reported, so the result is
/// deterministic and the user learns why a name got a suffix.
/// </summary>
internal static partial class SpecBinder
{
    public static ConnectorSpec Bind(
        ConnectorSpec spec,
        ConnectorInput input,
        GeneratorSettings settings,
        List<DiagnosticInfo> diagnostics,
        DocContext? context = null
    )
    {
        // Collisions point at the second name (the one that gets the suffix), through the pointers readers record.
        LocationInfo At(bool preferKey, params string[] pointers)
        {
            foreach (var pointer in pointers)
            {
                if (context is not null && context.TryLocate(pointer, preferKey, out var location))
                {
                    return location;
                }
            }

            return LocationInfo.WholeFile(input.Path);
        }

        var slug = spec.Slug.Length > 0 ? spec.Slug : Naming.Slugify(spec.Name);
        var baseName = BaseName(slug, spec.DisplayName, spec.Name);
        var clientName = input.ClientName is { Length: > 0 } requested
            ? Naming.ToPascal(requested, baseName + "Client")
            : baseName + "Client";
        var names = GeneratedNames.For(clientName);
        var ns = input.Namespace is { Length: > 0 } nsOverride
            ? SanitizeNamespace(nsOverride)
            : SanitizeNamespace(
                (settings.RootNamespace.Length > 0 ? settings.RootNamespace : "TypedConnectors.Generated") + "." + baseName
            );

        var typeScope = new Naming.Scope(Naming.TypeNames.Concat(names.TypeNames));
        var typeNames = new Dictionary<string, string>(spec.Types.Count, StringComparer.Ordinal);
        foreach (var type in spec.Types)
        {
            var wanted = Naming.EscapeKeyword(Naming.ToPascal(type.Name, "Model"));
            var claimed = typeScope.Claim(wanted);
            typeNames[type.Name] = claimed;
            if (claimed != wanted && typeNames.Keys.FirstOrDefault(k => typeNames[k] == Naming.Unescaped(wanted)) is { } other)
            {
                var key = type.Name.Replace("~", "~0").Replace("/", "~1");
                diagnostics.Add(
                    DiagnosticInfo.Create(
                        DiagnosticDescriptors.IdentifierCollision,
                        At(true, "/types/" + key, "/components/schemas/" + key, "/definitions/" + key),
                        other,
                        type.Name,
                        Naming.Unescaped(wanted),
                        claimed
                    )
                );
            }
        }

        // A reference whose name is already its identifier (nearly all) is kept as it is, not copied.
        TypeRef Map(TypeRef type)
        {
            switch (type)
            {
                case { Kind: TypeKind.Named, Name: { } name }:
                    var identifier = typeNames.TryGetValue(name, out var id) ? id : Naming.ToPascal(name, "Model");
                    return identifier == name ? type : type with { Name = identifier };
                case { Item: { } item }:
                    var mapped = Map(item);
                    return ReferenceEquals(mapped, item) ? type : type with { Item = mapped };
                default:
                    return type;
            }
        }

        // One delegate for every type and operation (each use of the local function as a delegate would make another).
        Func<TypeRef, TypeRef> map = Map;
        var memberNames = new WantedNames();
        var types = spec.Types.Select(t => BindType(t, typeNames[t.Name], map, memberNames)).ToEquatableArray();

        var methodScope = new Naming.Scope(Naming.ClientMembers.Append(clientName));
        var identifiers = new string[spec.Operations.Count];
        var methodOwners = new Dictionary<string, string>(spec.Operations.Count, StringComparer.Ordinal);
        for (var i = 0; i < identifiers.Length; i++)
        {
            var operation = spec.Operations[i];
            var wanted = Naming.ToPascal(operation.Name, "Operation") + "Async";
            var claimed = methodScope.Claim(wanted);
            // Two endpoints of the same name are one mistake, already reported as a duplicate (TC0011).
            if (claimed != wanted && methodOwners.TryGetValue(wanted, out var owner) && owner != operation.Name)
            {
                diagnostics.Add(
                    DiagnosticInfo.Create(
                        DiagnosticDescriptors.IdentifierCollision,
                        At(false, operation.Pointer + "/name", operation.Pointer + "/operationId", operation.Pointer),
                        owner,
                        operation.Name,
                        wanted,
                        claimed
                    )
                );
            }

            methodOwners[claimed] = operation.Name;
            identifiers[i] = claimed;
        }

        // Derived methods are named after every operation has its own name, so adding them renames no operation; the
        // operation is bound then, so its record is copied once with both names.
        var operations = ImmutableArray.CreateBuilder<OperationSpec>(identifiers.Length);
        for (var i = 0; i < identifiers.Length; i++)
        {
            var identifier = identifiers[i];
            var responseIdentifier = methodScope.Claim(DerivedName(identifier, "WithResponseAsync"));
            operations.Add(
                Features.OperationFeatures.Bind(
                    BindOperation(spec.Operations[i], identifier, responseIdentifier, map, memberNames),
                    new Features.FeatureBinding(suffix => methodScope.Claim(DerivedName(identifier, suffix)), map)
                )
            );
        }

        // Each auth method gets a Create<Method> factory on the connection, so field properties must avoid those too.
        var methodIds = new Naming.Scope();
        var authIds = spec.AuthMethods.Select(a => methodIds.Claim(Naming.ToPascal(a.Key, "Auth"))).ToList();
        var connectionScope = new Naming.Scope(
            Naming.ConnectionMembers.Append(names.Connection).Concat(authIds.Select(id => "Create" + Naming.Unescaped(id)))
        );
        var fieldIds = new Dictionary<string, string>(StringComparer.Ordinal);
        string FieldId(string name, string? preferred = null)
        {
            if (!fieldIds.TryGetValue(name, out var id))
            {
                id = connectionScope.Claim(
                    preferred is not null && connectionScope.IsUsed(preferred)
                        ? "OAuth" + preferred
                        : preferred ?? Naming.ToPascal(name, "Value")
                );
                fieldIds[name] = id;
            }

            return id;
        }

        // Factory parameters: one name per value across the connection, so every factory's parameters are distinct.
        var parameterScope = new Naming.Scope(FactoryParameters);
        var parameterIds = new Dictionary<string, string>(StringComparer.Ordinal);
        string ParameterId(string name)
        {
            if (!parameterIds.TryGetValue(name, out var id))
            {
                id = parameterScope.Claim(Naming.ToCamel(name, "value"));
                parameterIds[name] = id;
            }

            return id;
        }

        FieldSpec BindField(FieldSpec field, string? preferred = null) =>
            field with
            {
                Identifier = FieldId(field.Name, preferred),
                Parameter = ParameterId(field.Name),
            };

        var authMethods = spec
            .AuthMethods.Select(
                (a, i) =>
                    a with
                    {
                        Identifier = authIds[i],
                        FactoryName = "Create" + Naming.Unescaped(authIds[i]),
                        Fields = a.Fields.Select(f => BindField(f)).ToEquatableArray(),
                        TypeLocation = a.Kind == AuthKind.Custom ? At(false, a.Pointer + "/type", a.Pointer) : null,
                    }
            )
            .ToList();
        var accountFields = spec.AccountFields.Select(f => BindField(f)).ToEquatableArray();
        var variables = spec
            .Variables.Select(v => v with { Identifier = FieldId(v.Name), Parameter = ParameterId(v.Name) })
            .ToEquatableArray();
        // Synthesised last, so a declared value keeps its name and the OAuth one gives way.
        var boundAuthMethods = authMethods.Select(m => WithOAuthClientFields(m, BindField)).ToEquatableArray();

        var boundOperations = operations.MoveToImmutable();
        return spec with
        {
            Slug = slug,
            Namespace = ns,
            Names = names with
            {
                Groups = BindGroups(spec, boundOperations, names, types, diagnostics, At),
                TypeInfos = BindTypeInfoNames(types, boundOperations),
            },
            Types = types,
            Operations = boundOperations,
            AuthMethods = boundAuthMethods,
            AccountFields = accountFields,
            Variables = variables,
        };
    }

    private static TypeSpec BindType(TypeSpec type, string identifier, Func<TypeRef, TypeRef> map, WantedNames wanted)
    {
        var scope = new Naming.Scope(Naming.RecordMemberSet, Naming.Unescaped(identifier));
        var properties = type.Properties.Map(p => p with { Identifier = scope.Claim(wanted.Property(p.JsonName)), Type = map(p.Type) });

        // Most types are not enums: they skip the grouping (and its iterators and delegates) altogether.
        var (values, unknown) = type.EnumValues.IsEmpty ? (type.EnumValues, "Unknown") : BindEnumMembers(type, wanted);
        return type with
        {
            Identifier = identifier,
            // Type identifiers are unique and the JSON helper's other members end in TypeInfo or are fixed, so the
            // suffix keeps converters apart from each other and from them.
            ConverterIdentifier = Naming.Unescaped(identifier) + "Converter",
            UnknownMember = unknown,
            Properties = properties,
            EnumValues = values,
            AdditionalProperties = type.AdditionalProperties is { } extra ? map(extra) : null,
            Variants = type.Variants.Map(map),
            BaseType = type.BaseType is { } baseType ? map(TypeRef.Named(baseType)).Name : null,
            DerivedTypes = type.DerivedTypes.IsEmpty
                ? type.DerivedTypes
                : type.DerivedTypes.Map(d => d with { TypeName = map(TypeRef.Named(d.TypeName)).Name ?? d.TypeName }),
        };
    }

    /// <summary>An enum's members, and its member for values it does not list.</summary>
    private static (EquatableArray<EnumValueSpec> Values, string Unknown) BindEnumMembers(TypeSpec type, WantedNames wanted)
    {
        var memberScope = new Naming.Scope(Naming.EnumMembers);
        // A value listed twice is one member (and two switch arms for one value would not compile).
        // An integer enum keeps the values a long can hold, once per number ("1" and "01" are one member), so every
        // member the model names is one the emitter declares.
        var distinct = type.EnumIsInteger
            ? type.EnumValues.Where(v => v.Number is not null).GroupBy(v => v.Number!.Value).Select(g => g.First())
            : type.EnumValues.GroupBy(v => v.Value, StringComparer.Ordinal).Select(g => g.First());
        var values = distinct.Select(v => v with { Identifier = memberScope.Claim(wanted.EnumMember(v.Value)) }).ToEquatableArray();

        var unknown = "Unknown";
        while (values.Any(v => Naming.Unescaped(v.Identifier) == unknown))
        {
            unknown = "_" + unknown;
        }

        return (values, unknown);
    }

    /// <summary><c>ListPetsAsync</c> with <c>WithResponseAsync</c> is <c>ListPetsWithResponseAsync</c>.</summary>
    internal static string DerivedName(string identifier, string suffix)
    {
        var bare = Naming.Unescaped(identifier);
        return (bare.EndsWith("Async", StringComparison.Ordinal) ? bare.Substring(0, bare.Length - "Async".Length) : bare) + suffix;
    }

    /// <summary>The parameters every method of an operation has besides its own; a constant table shared by every operation's scope.</summary>
    private static readonly HashSet<string> OperationLocals = new(
        new[] { "cancellationToken", "options", "paging" },
        StringComparer.Ordinal
    );

    private static OperationSpec BindOperation(
        OperationSpec operation,
        string identifier,
        string responseIdentifier,
        Func<TypeRef, TypeRef> map,
        WantedNames wanted
    )
    {
        // Locals of generated methods start with "__", so parameter names only need to avoid each other and the token.
        var scope = new Naming.Scope(OperationLocals);
        var parameters = operation.Parameters.Map(p =>
            p with
            {
                Type = map(p.Type),
                Identifier = p.Constant is null ? scope.Claim(wanted.Parameter(p.Name)) : "",
            }
        );
        var body = operation.Body is { } b
            ? b with
            {
                Type = b.Type is { } t ? map(t) : null,
                Identifier = b.Kind is BodyKind.Json or BodyKind.Binary or BodyKind.Text or BodyKind.Form or BodyKind.Multipart
                    ? scope.Claim(Naming.ToCamel(b.ParameterName, "body"))
                    : "",
            }
            : null;
        return operation with
        {
            Identifier = identifier,
            ResponseIdentifier = responseIdentifier,
            Parameters = parameters,
            Body = body,
            Response = operation.Response with
            {
                Type = operation.Response.Type is { } r ? map(r) : null,
                Errors = operation.Response.Errors.Map(e => e with { Type = map(e.Type) }),
            },
        };
    }

    /// <summary>
    /// The identifier each property, enum value and parameter name asks for before its scope is consulted, made once per
    /// binding: a large API repeats the same few names across its models and operations, and a string per use was
    /// megabytes kept with the bound model.
    /// </summary>
    private sealed class WantedNames
    {
        private readonly Dictionary<string, string> _properties = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _enumMembers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);

        public string Property(string jsonName) =>
            Naming.Once(_properties, jsonName, static n => Naming.EscapeKeyword(Naming.ToPascal(n, "Property")));

        public string EnumMember(string value) =>
            Naming.Once(
                _enumMembers,
                value,
                static v =>
                    Naming.EscapeKeyword(
                        Naming.ToPascal(v, "Empty") is var id && id.StartsWith("_", StringComparison.Ordinal) ? "Value" + id : id
                    )
            );

        public string Parameter(string name) => Naming.Once(_parameters, name, static n => Naming.ToCamel(n, "value"));
    }

    private static string SanitizeNamespace(string ns)
    {
        var parts = ns.Split('.')
            .Select(p => p.Trim())
            .Where(p => p.Length > 0)
            .Select(p =>
                Naming.EscapeKeyword(Naming.ToPascal(p, "Ns")) is var id
                && p.All(c => char.IsLetterOrDigit(c) || c == '_')
                && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsIdentifierStartCharacter(p[0])
                    ? Naming.EscapeKeyword(p)
                    : id
            );
        var result = string.Join(".", parts);
        return result.Length == 0 ? "TypedConnectors.Generated" : result;
    }
}
