using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// The converters of a connector's models. A record's converter derives from the runtime's
/// <c>ConnectorObjectConverter&lt;T&gt;</c> (object check, braces) and reads and writes its properties by index through a
/// <c>ConnectorJsonShape</c> (UTF-8 names, required flags, the discriminator to pass over): one line per property each
/// way, typed, with no reflection and no boxing. A polymorphic root dispatches on its discriminator wherever it is in the
/// object and writes its subtypes with their discriminator first.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    private const string ShapeType = "global::TypedConnectors.ConnectorJsonShape";

    private void EmitRecordConverter(SourceWriter writer, TypeSpec type)
    {
        var qualified = _types.Qualified(type.Identifier);
        var helper = _types.Qualified(JsonHelperName);
        var properties = AllProperties(type);
        var root = PolymorphicRoot(type);
        var isRoot = root is not null && root.Identifier == type.Identifier;
        var extension = ExtensionData(type) is not null;
        var ignored = root?.Discriminator is { } discriminator && !HasProperty(properties, discriminator) ? discriminator : null;
        writer.Line();
        writer.Open($"internal sealed class {ConverterName(type)} : global::TypedConnectors.ConnectorObjectConverter<{qualified}>");
        writer.StartLine();
        writer.Part("private static readonly ");
        writer.Part(ShapeType);
        writer.Part(" __shape = new ");
        writer.Part(ShapeType);
        writer.Part("(typeof(");
        writer.Part(qualified);
        writer.Part("), ");
        if (properties.Length == 0)
        {
            writer.Part("global::System.Array.Empty<string>()");
        }
        else
        {
            writer.Part("new string[] { ");
            for (var i = 0; i < properties.Length; i++)
            {
                writer.Part(i == 0 ? null : ", ");
                writer.Part(NameLiteral(properties[i].JsonName));
            }

            writer.Part(" }");
        }

        writer.Part(", required: ");
        var anyRequired = false;
        for (var i = 0; i < properties.Length; i++)
        {
            if (properties[i].Required)
            {
                writer.Part(anyRequired ? ", " : "new int[] { ");
                writer.Part(i);
                anyRequired = true;
            }
        }

        writer.Part(anyRequired ? " }" : "global::System.Array.Empty<int>()");
        if (ignored is not null)
        {
            writer.Part(", discriminator: ");
            writer.Part(Literals.String(ignored));
        }

        writer.Part(");");
        writer.EndLine();
        if (isRoot)
        {
            // Only a polymorphic root lists its subtypes.
            var derivedTypes = new List<(int Index, TypeSpec Type)>();
            writer.Line(
                "private static readonly global::System.Text.Json.JsonEncodedText __d = global::System.Text.Json.JsonEncodedText.Encode("
                    + Literals.String(root!.Discriminator!)
                    + ");"
            );
            for (var i = 0; i < root.DerivedTypes.Count; i++)
            {
                writer.Line(
                    "private static readonly global::System.Text.Json.JsonEncodedText __d"
                        + i
                        + " = global::System.Text.Json.JsonEncodedText.Encode("
                        + Literals.String(root.DerivedTypes[i].Value)
                        + ");"
                );
                if (_types.Find(TypeRef.Named(root.DerivedTypes[i].TypeName)) is { Kind: TypeSpecKind.Object } derived)
                {
                    derivedTypes.Add((i, derived));
                }
            }

            EmitRootRead(writer, type, root, derivedTypes);
            EmitRootWrite(writer, type, derivedTypes);
        }

        // Read: the properties by index, then the required check and the record.
        writer.Line();
        writer.Open($"public override {qualified} ReadObject(ref {Reader} reader, {Options} options)");
        if (properties.Length > 0)
        {
            writer.StartLine();
            for (var i = 0; i < properties.Length; i++)
            {
                var property = properties[i];
                writer.Part(i == 0 ? null : " ");
                writer.Part(Json.Runtime(property.Type, DeclaredNullable(property)));
                writer.Part(" __v");
                writer.Part(i);
                writer.Part(" = ");
                writer.Part(
                    !property.Required && property.Default is { } d && ConstantDefault(property.Type, d) is { } literal
                        ? literal
                        : "default"
                );
                writer.Part(";");
            }

            writer.EndLine();
        }

        if (extension)
        {
            writer.Line("global::System.Collections.Generic.IDictionary<string, global::System.Text.Json.JsonElement> __extra = null;");
        }

        writer.Line($"global::System.Span<bool> __seen = stackalloc bool[{Literals.Int(properties.Length)}];");
        var next = extension
            ? "__shape.Next(ref reader, __seen, ref __extra, out var __i)"
            : "__shape.Next(ref reader, __seen, out var __i)";
        if (properties.Length == 0)
        {
            writer.Line($"while ({next}) {{ }}");
        }
        else
        {
            writer.Open($"while ({next})");
            writer.Open("switch (__i)");
            for (var i = 0; i < properties.Length; i++)
            {
                writer.Line(
                    $"case {i}: __v{i} = {Converters}.Read(ref reader, {Json.Converter(properties[i].Type, DeclaredNullable(properties[i]))}, options); break;"
                );
            }

            writer.Close();
            writer.Close();
        }

        if (anyRequired)
        {
            writer.Line("__shape.ThrowIfMissing(__seen);");
        }

        writer.StartLine();
        writer.Part("return new ");
        writer.Part(qualified);
        if (properties.Length == 0 && !extension)
        {
            writer.Part("();");
        }
        else
        {
            writer.Part(" { ");
            for (var i = 0; i < properties.Length; i++)
            {
                writer.Part(i == 0 ? null : ", ");
                writer.Part(properties[i].Identifier);
                writer.Part(" = __v");
                writer.Part(i);
            }

            if (extension)
            {
                writer.Part(properties.Length == 0 ? "AdditionalProperties = __extra" : ", AdditionalProperties = __extra");
            }

            writer.Part(" };");
        }

        writer.EndLine();
        writer.Close();

        // Write: required-and-nullable and plain value types always, everything else only when it has a value.
        writer.Line();
        writer.Open($"public override void WriteProperties({Writer} writer, {qualified} value, {Options} options)");
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            var nullable = DeclaredNullable(property);
            var always = property.Required && property.Type.Nullable || !nullable && _types.IsValueType(property.Type);
            writer.Line(
                $"__shape.{(always ? "Write" : "WriteIfNotNull")}(writer, {i}, value.{property.Identifier}, {Json.Converter(property.Type, nullable)}, options);"
            );
        }

        if (extension)
        {
            writer.Line(ShapeType + ".WriteExtra(writer, value.AdditionalProperties);");
        }

        writer.Close();
        writer.Close();
    }

    /// <summary>A root reads the subtype its discriminator names, wherever the discriminator is in the object.</summary>
    private void EmitRootRead(SourceWriter writer, TypeSpec type, TypeSpec root, List<(int Index, TypeSpec Type)> derivedTypes)
    {
        var qualified = _types.Qualified(type.Identifier);
        writer.Line();
        writer.Open(
            "public override " + qualified + " Read(ref " + Reader + " reader, global::System.Type typeToConvert, " + Options + " options)"
        );
        writer.Line(
            "if (reader.TokenType != "
                + TokenType
                + ".StartObject) throw "
                + Converters
                + ".ExpectedObject(typeof("
                + qualified
                + "), reader.TokenType);"
        );
        var cases = derivedTypes.Where(d => d.Type.Identifier != type.Identifier).ToList();
        if (cases.Count > 0)
        {
            writer.Open("switch (" + Converters + ".FindDiscriminator(reader, " + Utf8(root.Discriminator!) + "))");
            foreach (var (index, derived) in cases)
            {
                writer.Line(
                    "case "
                        + Literals.String(root.DerivedTypes[index].Value)
                        + ": return "
                        + Json.Converter(TypeRef.Named(derived.Identifier), nullable: false)
                        + ".ReadObject(ref reader, options);"
                );
            }

            writer.Close();
        }

        writer.Line("return ReadObject(ref reader, options);");
        writer.Close();
    }

    /// <summary>A root writes each subtype's discriminator value first, then the subtype's properties.</summary>
    private void EmitRootWrite(SourceWriter writer, TypeSpec type, List<(int Index, TypeSpec Type)> derivedTypes)
    {
        var qualified = _types.Qualified(type.Identifier);
        writer.Line();
        writer.Open("public override void Write(" + Writer + " writer, " + qualified + " value, " + Options + " options)");
        writer.Line("writer.WriteStartObject();");
        var own = derivedTypes.Where(d => d.Type.Identifier == type.Identifier).Select(d => (int?)d.Index).LastOrDefault();
        var ownWrite = (own is { } o ? "writer.WriteString(__d, __d" + o + "); " : "") + "WriteProperties(writer, value, options);";
        var others = derivedTypes.Where(d => d.Type.Identifier != type.Identifier).ToList();
        if (others.Count == 0)
        {
            writer.Line(ownWrite);
        }
        else
        {
            writer.Line("var __type = value.GetType();");
            var branch = "if";
            foreach (var (index, derived) in others)
            {
                var derivedQualified = _types.Qualified(derived.Identifier);
                writer.Line(
                    branch
                        + " (__type == typeof("
                        + derivedQualified
                        + ")) { writer.WriteString(__d, __d"
                        + index
                        + "); "
                        + Json.Converter(TypeRef.Named(derived.Identifier), nullable: false)
                        + ".WriteProperties(writer, ("
                        + derivedQualified
                        + ")value, options); }"
                );
                branch = "else if";
            }

            writer.Line("else { " + ownWrite + " }");
        }

        writer.Line("writer.WriteEndObject();");
        writer.Close();
    }

    private static bool HasProperty(PropertySpec[] properties, string jsonName)
    {
        foreach (var property in properties)
        {
            if (property.JsonName == jsonName)
            {
                return true;
            }
        }

        return false;
    }

    private readonly Dictionary<string, string> _nameLiterals = new(StringComparer.Ordinal);

    /// <summary>
    /// The literal of a text that recurs: JSON and parameter names across models, their records and converters and
    /// across operations; constraint messages across checks; HTTP methods and media types across requests.
    /// </summary>
    private string NameLiteral(string name)
    {
        if (!_nameLiterals.TryGetValue(name, out var literal))
        {
            literal = Literals.String(name);
            _nameLiterals.Add(name, literal);
        }

        return literal;
    }

    /// <summary>Integer enums travel as their numbers; values the client does not know are kept, as numbers are.</summary>
    private void EmitIntegerEnumConverter(SourceWriter writer, TypeSpec type)
    {
        var qualified = _types.Qualified(type.Identifier);
        var wide = type.EnumValues.Any(v => v.Number is < int.MinValue or > int.MaxValue);
        writer.Line();
        writer.Line("/// <summary>Reads and writes <see cref=\"" + qualified + "\"/> as its number.</summary>");
        writer.Open(
            "internal sealed class " + ConverterName(type) + " : global::System.Text.Json.Serialization.JsonConverter<" + qualified + ">"
        );
        writer.Line("/// <inheritdoc/>");
        writer.Line(
            "public override "
                + qualified
                + " Read(ref "
                + Reader
                + " reader, global::System.Type typeToConvert, "
                + Options
                + " options) => ("
                + qualified
                + ")"
                + (wide ? "reader.GetInt64()" : "reader.GetInt32()")
                + ";"
        );
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line(
            "public override void Write("
                + Writer
                + " writer, "
                + qualified
                + " value, "
                + Options
                + " options) => writer.WriteNumberValue(("
                + (wide ? "long" : "int")
                + ")value);"
        );
        writer.Close();
    }
}
