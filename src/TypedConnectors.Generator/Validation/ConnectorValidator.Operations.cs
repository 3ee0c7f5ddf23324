using System.Globalization;
using System.Text.RegularExpressions;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Validation;

/// <summary>Operations: names, paths, parameters, header enums, and each operation-level feature's own checks (Features/).</summary>
internal static partial class ConnectorValidator
{
    private static void CheckOperations(ConnectorSpec spec, DocContext context, HashSet<string> declared, HashSet<string> used)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var authKeys = spec.AuthMethods.Select(a => a.Key).ToList();
        Dictionary<string, TypeSpec>? types = null;
        foreach (var operation in spec.Operations)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            // Locations are looked up only for a diagnostic: this loop runs for every operation of a large document.
            if (!names.Add(operation.Name))
            {
                Report(context, DiagnosticDescriptors.DuplicateEndpoint, LocateName(context, operation), operation.Name);
            }

            if (operation.Name.Length > MaxNameLength)
            {
                CheckLength(context, operation.Name, MaxNameLength, "name", LocateName(context, operation));
            }

            Features.OperationFeatures.Validate(spec, operation, context);
            if (
                operation.Path.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                || operation.Path.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            )
            {
                CheckUrl(
                    context,
                    operation.Path,
                    PathPointer(spec, context, operation),
                    "the endpoint URL",
                    declared,
                    new HashSet<string>()
                );
            }
            else if (operation.Path.Length > MaxUrlLength)
            {
                CheckLength(context, operation.Path, MaxUrlLength, "path", context.Locate(PathPointer(spec, context, operation)));
            }

            var placeholders = new List<string>();
            foreach (Match match in PathPlaceholder.Matches(operation.Path))
            {
                // {{variable}} is a connection value, not a path parameter.
                if (match.Index > 0 && operation.Path[match.Index - 1] == '{' || match.Value.StartsWith("{{", StringComparison.Ordinal))
                {
                    continue;
                }

                var placeholder = match.Groups[1].Value;
                placeholders.Add(placeholder);
                if (!operation.Parameters.Any(p => p.Location == ParameterLocation.Path && p.Name == placeholder))
                {
                    Report(
                        context,
                        DiagnosticDescriptors.PathPlaceholderNotDeclared,
                        LocateInString(context, PathPointer(spec, context, operation), operation.Path, match.Index, match.Length),
                        placeholder
                    );
                }
            }

            foreach (var parameter in operation.Parameters)
            {
                if (parameter.Location == ParameterLocation.Path && !placeholders.Contains(parameter.Name))
                {
                    Report(
                        context,
                        DiagnosticDescriptors.PathParameterNotInPath,
                        LocateFirst(context, false, parameter.Pointer + "/name", parameter.Pointer),
                        parameter.Name,
                        operation.Path
                    );
                }

                if (parameter.Location == ParameterLocation.Header)
                {
                    CheckHeader(context, parameter.Name, parameter.Constant ?? parameter.Default ?? "", parameter.Pointer, declared, used);
                    CheckHeaderEnum(types ??= TypesByName(spec), context, parameter);
                }
                else if (parameter.Location == ParameterLocation.Cookie && !TemplateSyntax.IsToken(parameter.Name))
                {
                    Report(
                        context,
                        DiagnosticDescriptors.InvalidHeader,
                        LocateFirst(context, false, parameter.Pointer + "/name", parameter.Pointer),
                        "cookie name",
                        Printable(parameter.Name),
                        "is not a cookie name (only letters, digits and !#$%&'*+-.^_`|~), so no request can carry it"
                    );
                }
                else if (
                    (parameter.Constant ?? parameter.Default) is { Length: > 0 } literal
                    && CredentialNames.IsCredentialName(parameter.Name)
                    && !Placeholder.IsMatch(literal)
                )
                {
                    var valuePointer = parameter.Constant is not null ? "/value" : "/default";
                    Report(
                        context,
                        DiagnosticDescriptors.LiteralCredential,
                        LocateFirst(context, false, parameter.Pointer + valuePointer, parameter.Pointer),
                        "The value of '" + parameter.Name + "' (" + Mask(literal) + ")"
                    );
                }
            }

            for (var i = 0; i < operation.AuthMethods.Count; i++)
            {
                if (!authKeys.Contains(operation.AuthMethods[i]))
                {
                    var allowed = authKeys.Count == 0 ? "(this connector declares no auth methods)" : string.Join(", ", authKeys);
                    Report(
                        context,
                        DiagnosticDescriptors.InvalidEnumValue,
                        LocateFirst(
                            context,
                            false,
                            operation.Pointer + "/auth/" + i.ToString(CultureInfo.InvariantCulture),
                            operation.Pointer
                        ),
                        operation.AuthMethods[i],
                        "auth method key",
                        allowed
                    );
                }
            }

            if (operation.Body is { Kind: BodyKind.Template } body)
            {
                // The limit is on the template as written, so measure the source text when the reader recorded where it is.
                var length =
                    context.Resolve(body.Pointer, out _) is DocScalar { Kind: ScalarKind.String } written
                    && context.TryLocate(body.Pointer, false, out _)
                        ? written.Text.Length
                        : body.Template.Sum(s => (s.Literal?.Length ?? 0) + (s.Variable?.Length + 4 ?? 0));
                CheckLength(context, length, MaxBodyTemplateLength, "body_template", context.Locate(body.Pointer));
            }
        }
    }

    private static LocationInfo LocateName(DocContext context, OperationSpec operation) =>
        LocateFirst(context, false, operation.Pointer + "/name", operation.Pointer + "/operationId", operation.Pointer);

    /// <summary>Where the operation's path is written: its own key, else the base URL.</summary>
    private static string PathPointer(ConnectorSpec spec, DocContext context, OperationSpec operation) =>
        context.TryLocate(operation.Pointer + "/path", false, out _) ? operation.Pointer + "/path" : spec.BaseUrlPointer;

    /// <summary>The first model of each name.</summary>
    private static Dictionary<string, TypeSpec> TypesByName(ConnectorSpec spec)
    {
        var types = new Dictionary<string, TypeSpec>(StringComparer.Ordinal);
        foreach (var type in spec.Types)
        {
            if (!types.ContainsKey(type.Name))
            {
                types.Add(type.Name, type);
            }
        }

        return types;
    }

    /// <summary>An enum a header parameter takes must have values a header can carry: ASCII, no line breaks.</summary>
    private static void CheckHeaderEnum(Dictionary<string, TypeSpec> types, DocContext context, ParameterSpec parameter)
    {
        if (
            parameter.Type is not { Kind: Model.TypeKind.Named, Name: { } name }
            || !types.TryGetValue(name, out var type)
            || type.Kind != TypeSpecKind.Enum
        )
        {
            return;
        }

        foreach (var value in type.EnumValues)
        {
            if (value.Value.Any(c => c < ' ' || c > '\u007e'))
            {
                Report(
                    context,
                    DiagnosticDescriptors.InvalidHeader,
                    LocateFirst(context, false, parameter.Pointer + "/schema/enum", parameter.Pointer + "/enum", parameter.Pointer),
                    "value of",
                    parameter.Name,
                    "may be the enum value '"
                        + Printable(value.Value)
                        + "', which holds a line break, control or non-ASCII character no HTTP header can carry"
                );
                return;
            }
        }
    }
}
