using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// Schema constraints (lengths, ranges, patterns, item counts) checked before a request is sent: on an operation's
/// parameters in its request builder, and on a model's properties in its <c>Validate</c> method.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    /// <summary>Properties of a model including those it inherits.</summary>
    private PropertySpec[] AllProperties(TypeSpec model) => PartsOf(model).Properties;

    /// <summary>What the model, its converter, its validation and the bodies built from it all ask, derived once.</summary>
    private sealed class ModelParts
    {
        public ModelParts(TypeSpec model, PropertySpec[] properties)
        {
            Model = model;
            Properties = properties;
        }

        public TypeSpec Model { get; }

        public PropertySpec[] Properties { get; }

        public bool? HasConstraints { get; set; }
    }

    // By identifier (unique among a connector's models): identity hashes of records turned out slow to compute.
    private readonly Dictionary<string, ModelParts> _modelParts = new(StringComparer.Ordinal);

    private ModelParts PartsOf(TypeSpec model)
    {
        if (_modelParts.TryGetValue(model.Identifier, out var parts) && ReferenceEquals(parts.Model, model))
        {
            return parts;
        }

        parts = new ModelParts(model, CollectProperties(model));
        _modelParts[model.Identifier] = parts;
        return parts;
    }

    // The JSON names CollectProperties has taken; one set for every model, emptied each time.
    private readonly HashSet<string> _collectedNames = new(StringComparer.Ordinal);

    /// <summary>The model's properties, then those it inherits that it does not redeclare, up its hierarchy.</summary>
    private PropertySpec[] CollectProperties(TypeSpec model)
    {
        var properties = new List<PropertySpec>(model.Properties.Count);
        _collectedNames.Clear();
        HashSet<string>? passed = null;
        for (var current = model; current is not null; current = NextBase(current, ref passed))
        {
            foreach (var property in current.Properties)
            {
                if (_collectedNames.Add(property.JsonName))
                {
                    properties.Add(property);
                }
            }
        }

        return properties.ToArray();
    }

    /// <summary>Schema constraints of parameters are checked before anything is sent.</summary>
    private void EmitValidation(SourceWriter writer, OperationSpec operation)
    {
        foreach (var parameter in operation.Parameters)
        {
            if (
                parameter.Constant is not null
                || parameter.Constraints is not { } constraints
                || parameter.Identifier.Length == 0
                || !HasChecks(constraints, parameter.Type)
            )
            {
                continue;
            }

            var target = parameter.Required ? parameter.Identifier : "__c_" + Identifier.Bare(parameter.Identifier);
            if (!parameter.Required)
            {
                writer.Open("if (" + parameter.Identifier + " is { } " + target + ")");
            }

            WriteConstraintChecks(writer, constraints, parameter.Type, target, Identifier.Bare(parameter.Identifier));
            if (!parameter.Required)
            {
                writer.Close();
            }
        }

        if (
            operation.Body is { Identifier.Length: > 0, Type: { } bodyType } body
            && _types.Find(bodyType) is { Kind: TypeSpecKind.Object } model
            && HasConstraints(model)
        )
        {
            writer.Line(body.Required ? body.Identifier + ".Validate();" : body.Identifier + "?.Validate();");
        }
    }

    /// <summary>
    /// Writes the checks of <paramref name="value"/> (named <paramref name="name"/> in the exception) against the
    /// constraints, one line each, straight into the writer; <see cref="HasChecks"/> tells beforehand whether there are any.
    /// </summary>
    private void WriteConstraintChecks(SourceWriter writer, ConstraintsSpec constraints, TypeRef type, string value, string name)
    {
        // Messages and names recur across a large API's models and parameters: their literals are made once.
        var literalName = NameLiteral(name);
        if (type.Kind == TypeKind.String)
        {
            if (constraints.MaxLength is { } max)
            {
                WriteSizeCheck(writer, value, ".Length > ", max, "must be at most " + max + " characters long", literalName);
            }

            if (constraints.MinLength is { } min && min > 0)
            {
                WriteSizeCheck(writer, value, ".Length < ", min, "must be at least " + min + " characters long", literalName);
            }
        }

        if (type.Kind is TypeKind.Int32 or TypeKind.Int64 or TypeKind.Double or TypeKind.Decimal)
        {
            if (
                constraints.Minimum is { } minimum
                && Literals.Bound(type.Kind, minimum, isMinimum: true, constraints.ExclusiveMinimum) is var (below, min)
            )
            {
                var rule = (constraints.ExclusiveMinimum ? "must be greater than " : "must be at least ") + minimum;
                writer.Line(
                    $"if ({value} {below} {min}) throw new global::System.ArgumentOutOfRangeException({literalName}, {NameLiteral(rule)});"
                );
            }

            if (
                constraints.Maximum is { } maximum
                && Literals.Bound(type.Kind, maximum, isMinimum: false, constraints.ExclusiveMaximum) is var (above, max)
            )
            {
                var rule = (constraints.ExclusiveMaximum ? "must be less than " : "must be at most ") + maximum;
                writer.Line(
                    $"if ({value} {above} {max}) throw new global::System.ArgumentOutOfRangeException({literalName}, {NameLiteral(rule)});"
                );
            }
        }

        if (type.Kind == TypeKind.Array)
        {
            if (constraints.MaxItems is { } maxItems)
            {
                WriteSizeCheck(writer, value, ".Count > ", maxItems, "may hold at most " + maxItems + " items", literalName);
            }

            if (constraints.MinItems is { } minItems && minItems > 0)
            {
                WriteSizeCheck(writer, value, ".Count < ", minItems, "must hold at least " + minItems + " items", literalName);
            }
        }
    }

    /// <summary>A check of a string's length or a list's count against a bound, throwing ArgumentException with the rule.</summary>
    private void WriteSizeCheck(SourceWriter writer, string value, string comparison, long limit, string rule, string literalName) =>
        writer.Line(
            $"if ({value}{comparison}{Literals.Int(limit)}) throw new global::System.ArgumentException({NameLiteral(rule)}, {literalName});"
        );

    private bool HasConstraints(TypeSpec model)
    {
        var parts = PartsOf(model);
        return parts.HasConstraints ??= parts.Properties.Any(p => p.Constraints is not null && HasChecks(p.Constraints, p.Type));
    }

    /// <summary>Whether <see cref="WriteConstraintChecks"/> writes any check of a value of <paramref name="type"/>.</summary>
    private static bool HasChecks(ConstraintsSpec constraints, TypeRef type) =>
        type.Kind switch
        {
            TypeKind.String => constraints.MaxLength is not null || constraints.MinLength > 0,
            TypeKind.Int32 or TypeKind.Int64 or TypeKind.Double or TypeKind.Decimal => (
                constraints.Minimum is { } minimum
                && Literals.Bound(type.Kind, minimum, isMinimum: true, constraints.ExclusiveMinimum) is not null
            )
                || (
                    constraints.Maximum is { } maximum
                    && Literals.Bound(type.Kind, maximum, isMinimum: false, constraints.ExclusiveMaximum) is not null
                ),
            TypeKind.Array => constraints.MaxItems is not null || constraints.MinItems > 0,
            _ => false,
        };
}
