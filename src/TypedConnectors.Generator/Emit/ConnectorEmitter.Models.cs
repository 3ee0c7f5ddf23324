using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

internal sealed partial class ConnectorEmitter
{
    private GeneratedText EmitModelsFile(CancellationToken cancellationToken)
    {
        var writer = Begin(_spec.Namespace);
        var first = true;
        var derived = new HashSet<string>(_spec.Types.Where(t => t.BaseType is not null).Select(t => t.BaseType!), StringComparer.Ordinal);
        foreach (var type in _spec.Types)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!first)
            {
                writer.Line();
            }

            first = false;
            switch (type.Kind)
            {
                case TypeSpecKind.Enum:
                    EmitEnum(writer, type);
                    break;
                case TypeSpecKind.Union:
                    EmitUnion(writer, type);
                    break;
                default:
                    EmitRecord(writer, type, isBase: derived.Contains(type.Name) || derived.Contains(type.Identifier));
                    break;
            }
        }

        var enums = _spec.Types.Where(t => t.Kind == TypeSpecKind.Enum && !t.EnumIsInteger).ToList();
        var unions = _spec.Types.Where(t => t.Kind == TypeSpecKind.Union).ToList();
        if (enums.Count > 0 || unions.Count > 0)
        {
            writer.Line();
            EmitJsonHelper(writer, enums, unions);
        }

        writer.Close();
        return writer.ToText();
    }

    private void EmitRecord(SourceWriter writer, TypeSpec type, bool isBase)
    {
        Literals.Element(writer, "summary", "", type.Description, "The " + Identifier.Bare(type.Identifier) + " model.");
        writer.Line(GeneratedCodeAttribute);
        if (type.Deprecated)
        {
            writer.Line("[global::System.Obsolete(\"This model is deprecated by the API.\")]");
        }

        if (type.Discriminator is { } discriminator && type.DerivedTypes.Count > 0)
        {
            writer.Line(
                "[global::System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "
                    + Literals.String(discriminator)
                    + ", UnknownDerivedTypeHandling = global::System.Text.Json.Serialization.JsonUnknownDerivedTypeHandling.FallBackToBaseType, IgnoreUnrecognizedTypeDiscriminators = true)]"
            );
            foreach (var mapping in type.DerivedTypes)
            {
                writer.Line(
                    "[global::System.Text.Json.Serialization.JsonDerivedType(typeof("
                        + _types.Qualified(mapping.TypeName)
                        + "), "
                        + Literals.String(mapping.Value)
                        + ")]"
                );
            }
        }

        writer.StartLine();
        writer.Part(isBase ? "public partial record " : "public sealed partial record ");
        writer.Part(type.Identifier);
        if (type.BaseType is { } baseType)
        {
            writer.Part(" : ");
            writer.Part(_types.Qualified(baseType));
        }

        writer.EndLine();
        writer.OpenBrace();
        var firstMember = true;
        // Properties follow each other without blank lines: each is a one-line summary and a one-line declaration.
        foreach (var property in type.Properties)
        {
            firstMember = false;
            Literals.Element(
                writer,
                "summary",
                "",
                property.Description,
                // Only a blank description falls back.
                string.IsNullOrWhiteSpace(property.Description)
                    ? FallbackDoc("The '", property.JsonName, "' property.")
                    : ""
            );
            var optional = !property.Required || property.Type.Nullable;
            var typeName = _types.Of(property.Type, nullable: optional);

            // The attributes share the property's line; they are for callers who serialise the models with reflection.
            // Required and nullable: always present on the wire, null included (the connector-wide options omit nulls).
            var ignore =
                property.Required && property.Type.Nullable
                    ? "[global::System.Text.Json.Serialization.JsonIgnore(Condition = global::System.Text.Json.Serialization.JsonIgnoreCondition.Never)] "
                    : "";
            var required = property.Required ? "required " : "";
            var initializer =
                property.Default is { } d && ConstantDefault(property.Type, d) is { } literal && required.Length == 0 ? literal : null;
            writer.Line(
                $"[global::System.Text.Json.Serialization.JsonPropertyName({NameLiteral(property.JsonName)})] {ignore}public {required}{typeName} {property.Identifier} {{ get; init; }}{(initializer is null ? "" : " = ")}{initializer}{(initializer is null ? "" : ";")}"
            );
        }

        if (type.AdditionalProperties is not null)
        {
            if (!firstMember)
            {
                writer.Line();
            }

            firstMember = false;
            writer.Line("/// <summary>Properties not declared by the schema, as sent by the server.</summary>");
            writer.Line("[global::System.Text.Json.Serialization.JsonExtensionData]");
            writer.Line(
                "public global::System.Collections.Generic.IDictionary<string, global::System.Text.Json.JsonElement>? AdditionalProperties { get; set; }"
            );
        }

        if (HasConstraints(type))
        {
            if (!firstMember)
            {
                writer.Line();
            }

            writer.Line("/// <summary>Checks the schema's constraints (lengths, ranges) so a bad value fails before it is sent.</summary>");
            writer.Line("/// <exception cref=\"global::System.ArgumentException\">A value breaks a constraint.</exception>");
            writer.Open(
                (
                    type.BaseType is not null && _types.Find(TypeRef.Named(type.BaseType)) is { } b && HasConstraints(b)
                        ? "public new void "
                        : "public void "
                ) + "Validate()"
            );
            foreach (var property in AllProperties(type))
            {
                if (property.Constraints is not { } constraints || !HasChecks(constraints, property.Type))
                {
                    continue;
                }

                var local = "__" + Identifier.Bare(property.Identifier);
                writer.Open($"if ({property.Identifier} is {{ }} {local})");
                WriteConstraintChecks(writer, constraints, property.Type.AsNullable(false), local, property.JsonName);
                writer.Close();
            }

            writer.Close();
        }

        writer.Close();
    }

    private void EmitEnum(SourceWriter writer, TypeSpec type)
    {
        Literals.Element(writer, "summary", "", type.Description, "Values of " + Identifier.Bare(type.Identifier) + ".");
        writer.Line(GeneratedCodeAttribute);
        if (!type.EnumIsInteger)
        {
            writer.Line(
                "[global::System.Text.Json.Serialization.JsonConverter(typeof("
                    + _types.Qualified(JsonHelperName)
                    + "."
                    + ConverterName(type)
                    + "))]"
            );
        }

        // An integer enum with a value outside int's range is backed by long (an int enum would not compile).
        var wide = type.EnumIsInteger && type.EnumValues.Any(v => v.Number is < int.MinValue or > int.MaxValue);
        writer.Open("public enum " + type.Identifier + (wide ? " : long" : ""));
        if (type.EnumIsInteger)
        {
            foreach (var value in type.EnumValues)
            {
                if (value.Number is { } number)
                {
                    Literals.Element(writer, "summary", "", value.Description, FallbackDoc("The value ", value.Value, "."));
                    writer.Line($"{value.Identifier} = {Literals.Int(number)},");
                }
            }
        }
        else
        {
            writer.Line(
                "/// <summary>A value this client does not know (sent by a newer server); also the value when none was given.</summary>"
            );
            writer.Line(type.UnknownMember + " = 0,");
            var index = 1;
            foreach (var value in type.EnumValues)
            {
                Literals.Element(writer, "summary", "", value.Description, FallbackDoc("The wire value \"", value.Value, "\"."));
                writer.Line($"{value.Identifier} = {index++},");
            }
        }

        writer.Close();
    }

    private static string ConverterName(TypeSpec type) => type.ConverterIdentifier;

    private void EmitUnion(SourceWriter writer, TypeSpec type)
    {
        Literals.Element(
            writer,
            "summary",
            "",
            type.Description,
            "One of several shapes; the JSON is kept as received and read as the variant you ask for."
        );
        writer.Line(GeneratedCodeAttribute);
        writer.Line(
            "[global::System.Text.Json.Serialization.JsonConverter(typeof("
                + _types.Qualified(JsonHelperName)
                + "."
                + ConverterName(type)
                + "))]"
        );
        writer.Open("public sealed partial record " + type.Identifier);
        writer.Line("/// <summary>Wraps raw JSON.</summary>");
        writer.Line("/// <param name=\"json\">The JSON value.</param>");
        writer.Line("public " + type.Identifier + "(global::System.Text.Json.JsonElement json) => Json = json;");
        writer.Line();
        writer.Line("/// <summary>The JSON value as received.</summary>");
        writer.Line("public global::System.Text.Json.JsonElement Json { get; }");
        var index = 0;
        foreach (var variant in type.Variants)
        {
            var typeName = _types.Of(variant.AsNullable(false));
            var label = VariantLabel(variant, index++);
            writer.Line();
            writer.Line(
                "/// <summary>Reads the value as <c>"
                    + Literals.Xml(typeName.Replace("global::", ""))
                    + "</c>; false when it does not have that shape.</summary>"
            );
            writer.Line("/// <param name=\"value\">The value read, when successful.</param>");
            writer.Line("/// <returns>True when the JSON could be read as this variant.</returns>");
            writer.Open(
                "public bool TryGet" + label + "([global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out " + typeName + "? value)"
            );
            writer.Open("try");
            writer.Line(
                "value = global::System.Text.Json.JsonSerializer.Deserialize(Json, " + TypeInfoOf(variant.AsNullable(false)) + ");"
            );
            writer.Line("return value is not null;");
            writer.Close();
            writer.Open("catch (global::System.Text.Json.JsonException)");
            writer.Line("value = default;");
            writer.Line("return false;");
            writer.Close();
            writer.Close();
        }

        writer.Line();
        writer.Line("/// <summary>Wraps a value of any variant.</summary>");
        writer.Line("/// <typeparam name=\"T\">The variant's type.</typeparam>");
        writer.Line("/// <param name=\"value\">The value.</param>");
        writer.Line("/// <returns>The union holding the value's JSON.</returns>");
        writer.Line(
            "public static "
                + type.Identifier
                + " From<T>(T value) => new(global::System.Text.Json.JsonSerializer.SerializeToElement(value, "
                + ProxyTypeInfo("T")
                + "));"
        );
        writer.Close();
    }

    private string VariantLabel(TypeRef variant, int index) =>
        variant.Kind switch
        {
            TypeKind.Named => Identifier.Bare(variant.Name ?? "Variant" + index),
            TypeKind.Array => "Array" + (index == 0 ? "" : index.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => variant.Kind + (index == 0 ? "" : index.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };

    private void EmitJsonHelper(SourceWriter writer, List<TypeSpec> enums, List<TypeSpec> unions)
    {
        // The class's documentation and attributes are on its part in the Json file, which every connector with models has.
        writer.Open("public static partial class " + JsonHelperName);
        var first = true;
        foreach (var type in enums)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            var qualified = _types.Qualified(type.Identifier);
            writer.Line($"/// <summary>The wire text of a <see cref=\"{qualified}\"/> value.</summary>");
            writer.Line("/// <param name=\"value\">The value.</param>");
            writer.Line("/// <returns>The text the API uses for it.</returns>");
            writer.Line(
                "/// <exception cref=\"global::System.ArgumentOutOfRangeException\">The value has no wire text (for example the unknown value).</exception>"
            );
            writer.Open($"public static string ToWire({qualified} value) => value switch");
            foreach (var value in type.EnumValues)
            {
                writer.Line($"{qualified}.{value.Identifier} => {NameLiteral(value.Value)},");
            }

            writer.Line(
                "_ => throw new global::System.ArgumentOutOfRangeException(nameof(value), value, \"This value has no wire text.\"),"
            );
            writer.Close(";");
            writer.Line();
            writer.Line(
                $"/// <summary>Reads and writes <see cref=\"{qualified}\"/> as its wire text; unknown text reads as the unknown value.</summary>"
            );
            writer.Open($"public sealed class {ConverterName(type)} : global::TypedConnectors.ConnectorEnumConverter<{qualified}>");
            writer.Line("/// <summary>Creates the converter.</summary>");
            writer.StartLine();
            writer.Part("public ");
            writer.Part(ConverterName(type));
            writer.Part("() : base(");
            for (var i = 0; i < type.EnumValues.Count; i++)
            {
                writer.Part(i == 0 ? null : ", ");
                writer.Part(NameLiteral(type.EnumValues[i].Value));
            }

            writer.Part(") { }");
            writer.EndLine();
            writer.Close();
        }

        foreach (var type in unions)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            var qualified = _types.Qualified(type.Identifier);
            writer.Line("/// <summary>Keeps <see cref=\"" + qualified + "\"/> as raw JSON.</summary>");
            writer.Open(
                "public sealed class " + ConverterName(type) + " : global::System.Text.Json.Serialization.JsonConverter<" + qualified + ">"
            );
            writer.Line("/// <inheritdoc/>");
            writer.Line(
                "public override "
                    + qualified
                    + " Read(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Type typeToConvert, global::System.Text.Json.JsonSerializerOptions options)"
            );
            writer.Line("    => new(global::System.Text.Json.JsonElement.ParseValue(ref reader));");
            writer.Line();
            writer.Line("/// <inheritdoc/>");
            writer.Line(
                "public override void Write(global::System.Text.Json.Utf8JsonWriter writer, "
                    + qualified
                    + " value, global::System.Text.Json.JsonSerializerOptions options)"
            );
            writer.Line("    => value.Json.WriteTo(writer);");
            writer.Close();
        }

        writer.Close();
    }
}
