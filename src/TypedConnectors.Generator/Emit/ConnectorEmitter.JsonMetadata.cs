using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// System.Text.Json metadata for every type a connector reads or writes, so generated clients never use reflection
/// (trimmed and native AOT apps work, and nothing is discovered at run time). Each model gets a converter written with
/// <c>Utf8JsonReader</c>/<c>Utf8JsonWriter</c>; the connector's resolver turns them into <c>JsonTypeInfo</c> through
/// <c>JsonMetadataServices</c>. Call sites ask <see cref="TypeInfoOf"/> for the contract they need, which records the
/// type; the Json file is emitted last and declares everything that was recorded.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    private const string Converters = "global::TypedConnectors.ConnectorJsonConverters";
    private const string Metadata = "global::System.Text.Json.Serialization.Metadata.JsonMetadataServices";
    private const string Reader = "global::System.Text.Json.Utf8JsonReader";
    private const string Writer = "global::System.Text.Json.Utf8JsonWriter";
    private const string Options = "global::System.Text.Json.JsonSerializerOptions";
    private const string TokenType = "global::System.Text.Json.JsonTokenType";

    private JsonRegistry? _json;

    private JsonRegistry Json => _json ??= new JsonRegistry(this);

    /// <summary>The expression for the contract of <paramref name="type"/> spelled as <see cref="TypeNames.Of"/> spells it.</summary>
    private string TypeInfoOf(TypeRef type, bool nullable = false) => Json.TypeInfo(type, nullable);

    /// <summary>The connector's read-only options (its resolver first), for the paths that take options.</summary>
    private string JsonOptions
    {
        get
        {
            _ = Json;
            return _types.Qualified(JsonHelperName) + ".Options";
        }
    }

    private GeneratedText EmitJsonFile(CancellationToken cancellationToken)
    {
        var json = Json;

        // Converters first: writing them records the converters of their property types.
        var converters = new SourceWriter(indent: 2);
        foreach (var type in _spec.Types)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (type.Kind == TypeSpecKind.Object)
            {
                EmitRecordConverter(converters, type);
            }
            else if (type.Kind == TypeSpecKind.Enum && type.EnumIsInteger)
            {
                EmitIntegerEnumConverter(converters, type);
            }
        }

        var writer = Begin(_spec.Namespace);
        writer.Line(
            "/// <summary>JSON contracts, converters and wire names for the "
                + Literals.Xml(ConnectorTitle)
                + " models, with no reflection.</summary>"
        );
        writer.Line(GeneratedCodeAttribute);
        writer.Open("public static partial class " + JsonHelperName);
        writer.Line(
            "/// <summary>Contracts for every type the connector reads or writes; combine it with your own through <see cref=\"global::System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(global::System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver[])\"/>.</summary>"
        );
        writer.Line(
            "public static global::System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver TypeInfoResolver { get; } = new __Resolver();"
        );
        writer.Line();
        writer.Line(
            "/// <summary>The options the client uses: <see cref=\"global::TypedConnectors.ConnectorJson.Options\"/>'s settings with <see cref=\"TypeInfoResolver\"/>; read-only.</summary>"
        );
        writer.Line("public static " + Options + " Options { get; } = __CreateOptions();");
        writer.Line();
        foreach (var info in json.TypeInfos)
        {
            if (info.Public)
            {
                writer.Line($"/// <summary>The JSON contract of <c>{Literals.Xml(info.Declared.Replace("global::", ""))}</c>.</summary>");
            }

            writer.Line(
                $"{(info.Public ? "public" : "internal")} static global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<{info.Declared}> {info.Property} => __t{info.Index} ??= (global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<{info.Declared}>)Options.GetTypeInfo(typeof({info.Runtime}));"
            );
        }

        writer.Line();
        writer.Open("private static " + Options + " __CreateOptions()");
        writer.Line("var options = global::TypedConnectors.ConnectorJson.CreateOptions(TypeInfoResolver);");
        writer.Line("options.MakeReadOnly();");
        writer.Line("return options;");
        writer.Close();
        foreach (var info in json.TypeInfos)
        {
            writer.Line($"private static global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<{info.Declared}>? __t{info.Index};");
        }

        // The converters' own code is nullable-oblivious: a converter of List<Pet> serves both List<Pet> and List<Pet?>.
        writer.Line("#nullable disable");
        var helper = _types.Qualified(JsonHelperName);
        foreach (var converter in json.ConverterFields)
        {
            if (converter.ModelConverter is { } model)
            {
                writer.Line($"private static readonly {helper}.{model} __c{converter.Index} = new {helper}.{model}();");
            }
            else
            {
                writer.Line(
                    $"private static readonly global::System.Text.Json.Serialization.JsonConverter<{converter.Runtime}> __c{converter.Index} = {converter.Create};"
                );
            }
        }

        writer.Line();
        writer.Open("private sealed class __Resolver : global::System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver");
        writer.Open(
            "public global::System.Text.Json.Serialization.Metadata.JsonTypeInfo GetTypeInfo(global::System.Type type, "
                + Options
                + " options)"
        );
        foreach (var converter in json.RuntimeTypes)
        {
            writer.Line(
                $"if (type == typeof({converter.Runtime})) return {Converters}.TypeInfo<{converter.Runtime}>(options, {converter.Expression});"
            );
        }

        writer.Line("return null;");
        writer.Close();
        writer.Close();
        writer.Append(converters);
        writer.Line("#nullable restore");
        writer.Close();
        writer.Close();
        return writer.ToText();
    }

    /// <summary>
    /// Sets a JSON body. A body whose type derives from a polymorphic record is written through the root's contract, which
    /// writes the discriminator the server needs to know what it received. Optional bodies are written only when present,
    /// so a reference type's contract is the non-null one.
    /// </summary>
    private string JsonBody(BodySpec body)
    {
        var type = body.Type ?? TypeRef.Any;
        if (
            type is { Kind: TypeKind.Named, Nullable: false }
            && _types.Find(type) is { } spec
            && PolymorphicRoot(spec) is { } root
            && root.Identifier != spec.Identifier
            && root.DerivedTypes.Any(d => d.TypeName == spec.Identifier)
        )
        {
            return "__request.JsonBody<"
                + _types.Qualified(root.Identifier)
                + ">("
                + body.Identifier
                + ", "
                + TypeInfoOf(TypeRef.Named(root.Identifier))
                + ");";
        }

        return "__request.JsonBody(" + body.Identifier + ", " + InputTypeInfo(type, guarded: !body.Required) + ");";
    }

    /// <summary>
    /// The contract for a value passed in: as declared when it is not checked for null first; after an
    /// <c>is not null</c> check a reference type's non-null contract, a value type's nullable one.
    /// </summary>
    private string InputTypeInfo(TypeRef type, bool guarded) =>
        !guarded ? TypeInfoOf(type)
        : _types.IsValueType(type) ? TypeInfoOf(type, nullable: true)
        : TypeInfoOf(type.AsNullable(false));

    /// <summary>The contract of a generic helper's type argument, from the connector's options (its models, then reflection where allowed).</summary>
    private string ProxyTypeInfo(string typeParameter) =>
        "(global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<"
        + typeParameter
        + ">)"
        + JsonOptions
        + ".GetTypeInfo(typeof("
        + typeParameter
        + "))";

    /// <summary>
    /// The <c>Accept</c> header for what the generated method reads: JSON for a typed response, text for a string. The
    /// readers do not keep an operation's response media types, so a binary download (any type) and a bodiless response
    /// send none.
    /// </summary>
    private static string? AcceptFor(ResponseKind kind) =>
        kind switch
        {
            ResponseKind.None or ResponseKind.Stream => null,
            ResponseKind.Text => "text/plain, */*;q=0.5",
            _ => "application/json",
        };

    /// <summary>The root of the polymorphic hierarchy <paramref name="type"/> belongs to, if any.</summary>
    private TypeSpec? PolymorphicRoot(TypeSpec type)
    {
        TypeSpec? root = null;
        HashSet<string>? seen = null;
        for (var current = type; current is not null; current = NextBase(current, ref seen))
        {
            if (current.Discriminator is not null && current.DerivedTypes.Count > 0)
            {
                root = current;
            }
        }

        return root;
    }

    private TypeRef? ExtensionData(TypeSpec type)
    {
        HashSet<string>? seen = null;
        for (var current = type; current is not null; current = NextBase(current, ref seen))
        {
            if (current.AdditionalProperties is { } extra)
            {
                return extra;
            }
        }

        return null;
    }

    /// <summary>
    /// The base model of <paramref name="current"/> on a walk up its hierarchy; null at the top or when the walk comes
    /// back to a model it has passed (a cycle). The set of passed models is made when the walk first goes up.
    /// </summary>
    private TypeSpec? NextBase(TypeSpec current, ref HashSet<string>? seen)
    {
        if (current.BaseType is not { } baseType || _types.Find(TypeRef.Named(baseType)) is not { } next)
        {
            return null;
        }

        seen ??= new HashSet<string>(StringComparer.Ordinal);
        seen.Add(current.Identifier);
        return seen.Add(next.Identifier) ? next : null;
    }

    /// <summary>Whether a model property is declared with <c>?</c> (optional or nullable), as EmitRecord declares it.</summary>
    private static bool DeclaredNullable(PropertySpec property) => !property.Required || property.Type.Nullable;

    /// <summary>A UTF-8 literal of a JSON name; names that are not valid UTF-16 are compared as strings.</summary>
    private static string Utf8(string name) => name.Any(char.IsSurrogate) ? Literals.String(name) : Literals.String(name) + "u8";

    /// <summary>The types, converters and contracts a connector's generated code uses, in the order first asked for.</summary>
    private sealed class JsonRegistry
    {
        private readonly ConnectorEmitter _emitter;
        private readonly Dictionary<string, TypeInfoEntry> _typeInfos = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ConverterEntry> _converters = new(StringComparer.Ordinal);
        private readonly Dictionary<TypeRef, string> _bound;
        private readonly Dictionary<TypeRef, string> _runtime = new();
        private readonly Dictionary<TypeRef, string> _nullableRuntime = new();
        private readonly string _helper;

        public JsonRegistry(ConnectorEmitter emitter)
        {
            _emitter = emitter;
            _helper = emitter._types.Qualified(emitter.JsonHelperName);
            // Sized up front: grown step by step, a large API's thousands of names left every smaller table behind.
            _bound = new Dictionary<TypeRef, string>(emitter._spec.Names.TypeInfos.Count);
            foreach (var name in emitter._spec.Names.TypeInfos)
            {
                _bound[name.Type] = name.Name;
            }

            // Every model has a contract, named after it, whether or not an operation uses it.
            foreach (var type in emitter._spec.Types)
            {
                Register(TypeRef.Named(type.Identifier), nullable: false);
            }
        }

        public List<TypeInfoEntry> TypeInfos { get; } = new();

        public List<ConverterEntry> ConverterFields { get; } = new();

        /// <summary>Every converter, in the order first asked for: the resolver's types.</summary>
        public List<ConverterEntry> RuntimeTypes { get; } = new();

        private TypeNames Types => _emitter._types;

        /// <summary>The expression for the contract of <paramref name="type"/>, recording it.</summary>
        public string TypeInfo(TypeRef type, bool nullable) => Register(type, nullable).Expression;

        private TypeInfoEntry Register(TypeRef type, bool nullable)
        {
            var declared = Types.Of(type, nullable);
            if (!_typeInfos.TryGetValue(declared, out var entry))
            {
                ConverterOf(type, nullable);
                // Named by the binder; a type it did not foresee gets an internal contract no user sees.
                var key = type.AsNullable(type.Nullable || nullable);
                var isBound = _bound.TryGetValue(key, out var bound);
                var unique = bound ?? "__TypeInfo" + TypeInfos.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                entry = new TypeInfoEntry(declared, Runtime(type, nullable), unique, TypeInfos.Count, isBound, _helper);
                _typeInfos.Add(declared, entry);
                TypeInfos.Add(entry);
            }

            return entry;
        }

        /// <summary>The C# type as the run time sees it: reference types lose <c>?</c>, value types keep it.</summary>
        public string Runtime(TypeRef type, bool nullable)
        {
            // A model's runtime type is its qualified name, which TypeNames caches by identifier.
            if (type is { Kind: TypeKind.Named, Nullable: false } && !nullable)
            {
                return Types.Of(type);
            }

            var cache = nullable ? _nullableRuntime : _runtime;
            if (!cache.TryGetValue(type, out var runtime))
            {
                runtime = SpellRuntime(type, nullable);
                cache.Add(type, runtime);
            }

            return runtime;
        }

        private string SpellRuntime(TypeRef type, bool nullable)
        {
            var name = type.Kind switch
            {
                TypeKind.Array => "global::System.Collections.Generic.IReadOnlyList<" + Item(type) + ">",
                TypeKind.Map => "global::System.Collections.Generic.IReadOnlyDictionary<string, " + Item(type) + ">",
                _ => Types.Of(type.AsNullable(false)),
            };
            return (nullable || type.Nullable) && Types.IsValueType(type) ? name + "?" : name;
        }

        private string Item(TypeRef type) => Runtime(type.Item ?? TypeRef.Any, type.Item?.Nullable ?? false);

        /// <summary>An expression for the converter of <paramref name="type"/>, recording it (and what it is built on).</summary>
        public string Converter(TypeRef type, bool nullable) => ConverterOf(type, nullable).Expression;

        private ConverterEntry ConverterOf(TypeRef type, bool nullable)
        {
            var runtime = Runtime(type, nullable);
            if (_converters.TryGetValue(runtime, out var existing))
            {
                return existing;
            }

            string? create = null;
            string? model = null;
            string? builtin;
            if ((nullable || type.Nullable) && Types.IsValueType(type))
            {
                var inner = type.AsNullable(false);
                create = Converters + ".Nullable<" + Runtime(inner, nullable: false) + ">(" + Converter(inner, nullable: false) + ")";
                builtin = null;
            }
            else
            {
                builtin = type.Kind switch
                {
                    TypeKind.String => Metadata + ".StringConverter",
                    TypeKind.Boolean => Metadata + ".BooleanConverter",
                    TypeKind.Int32 => Metadata + ".Int32Converter",
                    TypeKind.Int64 => Metadata + ".Int64Converter",
                    TypeKind.Double => Metadata + ".DoubleConverter",
                    TypeKind.Decimal => Metadata + ".DecimalConverter",
                    TypeKind.DateTime => Metadata + ".DateTimeOffsetConverter",
                    TypeKind.Date => Metadata + ".DateOnlyConverter",
                    TypeKind.Guid => Metadata + ".GuidConverter",
                    TypeKind.Uri => Metadata + ".UriConverter",
                    TypeKind.Bytes => Metadata + ".ByteArrayConverter",
                    TypeKind.Stream => Converters + ".Stream",
                    TypeKind.Any => Metadata + ".JsonElementConverter",
                    _ => null,
                };
                if (builtin is null)
                {
                    switch (type.Kind)
                    {
                        case TypeKind.Array or TypeKind.Map:
                            create =
                                Converters
                                + (type.Kind == TypeKind.Array ? ".List<" : ".Map<")
                                + Item(type)
                                + ">("
                                + Converter(type.Item ?? TypeRef.Any, type.Item?.Nullable ?? false)
                                + ")";
                            break;
                        default:
                            // A model's converter is kept as its own class: a polymorphic root calls its subtypes' ReadObject/WriteProperties.
                            model = ConverterFor(type);
                            break;
                    }
                }
            }

            var entry = new ConverterEntry(runtime, builtin is null ? ConverterFields.Count : -1, create, model, builtin, _helper);
            if (builtin is null)
            {
                ConverterFields.Add(entry);
            }

            _converters.Add(runtime, entry);
            RuntimeTypes.Add(entry);
            return entry;
        }

        private string ConverterFor(TypeRef type) =>
            Types.Find(type) is { } spec
                ? ConnectorEmitter.ConverterName(spec)
                : throw new InvalidOperationException("Unknown type " + type.Name);
    }

    // The entries keep what the Json file declares; the expressions call sites write are made when first asked for, so a
    // large API's thousands of contracts and converters do not each hold a string from the first file to the last.

    /// <summary>A contract: its property <see cref="Property"/> and the field <c>__t</c><see cref="Index"/> caching it.</summary>
    private sealed class TypeInfoEntry(string declared, string runtime, string property, int index, bool isPublic, string helper)
    {
        private string? _expression;

        public string Declared { get; } = declared;

        public string Runtime { get; } = runtime;

        public string Property { get; } = property;

        public int Index { get; } = index;

        public bool Public { get; } = isPublic;

        /// <summary>The qualified property, as call sites write it.</summary>
        public string Expression => _expression ??= helper + "." + Property;
    }

    /// <summary>
    /// A converter: one of System.Text.Json's (its expression is <paramref name="builtin"/>), or the field <c>__c</c><see cref="Index"/>,
    /// created by <see cref="Create"/> or a model's own converter class, named by <see cref="ModelConverter"/>.
    /// </summary>
    private sealed class ConverterEntry(string runtime, int index, string? create, string? modelConverter, string? builtin, string helper)
    {
        private string? _expression = builtin;

        public string Runtime { get; } = runtime;

        public int Index { get; } = index;

        public string? Create { get; } = create;

        public string? ModelConverter { get; } = modelConverter;

        /// <summary>The converter as call sites write it.</summary>
        public string Expression => _expression ??= helper + ".__c" + Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
