using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Validation;

/// <summary>
/// Checks that need the whole model (variables, paths, auth defaults, limits, security smells). Runs on the model
/// every dialect produces; locations come from the JSON pointers readers record, and point at the offending key,
/// value or character inside a value.
/// </summary>
internal static partial class ConnectorValidator
{
    // Databar's limits, the strictest of the platforms modelled.
    public const int MaxNameLength = 256;
    public const int MaxUrlLength = 512;
    public const int MaxBodyTemplateLength = 2048;

    private static readonly Regex Placeholder = TemplateSyntax.Placeholder;
    private static readonly Regex PathPlaceholder = TemplateSyntax.PathParameter;
    private static readonly Regex CredentialValue = new(
        @"^\s*(Bearer|Basic|Token|Bot|ApiKey|Api-Key|Key)\s+\S{4,}",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    );

    public static void Validate(ConnectorSpec spec, DocContext context)
    {
        CheckLength(context, spec.Name, MaxNameLength, "name", LocateFirst(context, false, "/name", "/display_name"));

        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in spec.Variables)
        {
            declared.Add(variable.Name);
        }

        foreach (var field in spec.AuthMethods.SelectMany(a => a.Fields).Concat(spec.AccountFields))
        {
            declared.Add(field.Name);
        }

        // What the runtime fills from connection values: the base URL, connector-wide headers and endpoint header constants.
        var used = new HashSet<string>(StringComparer.Ordinal);
        if (spec.BaseUrl.Length > 0)
        {
            CheckUrl(context, spec.BaseUrl, spec.BaseUrlPointer, "the base URL", declared, used);
        }

        foreach (var header in spec.DefaultHeaders)
        {
            CheckHeader(context, header.Name, header.Value, header.Pointer, declared, used);
        }

        foreach (var header in spec.CredentialHeaders)
        {
            CheckHeader(context, header.Name, header.Value, header.Pointer, new HashSet<string>(), new HashSet<string>());
        }
        CheckHeaderName(context, spec.IdempotencyKeyHeader, "/idempotency_key_header");
        CheckHeaderName(context, spec.RateLimitHeaders?.Remaining, "/rate_limit_headers/remaining");
        CheckHeaderName(context, spec.RateLimitHeaders?.Reset, "/rate_limit_headers/reset");

        // Endpoint header constants are filled from connection values too, so they count as uses.
        CheckOperations(spec, context, declared, used);

        foreach (var variable in spec.Variables)
        {
            if (!used.Contains(variable.Name))
            {
                Report(
                    context,
                    DiagnosticDescriptors.UnusedVariable,
                    LocateFirst(context, false, variable.Pointer + "/name", variable.Pointer),
                    variable.Name
                );
            }

            if (variable.Pattern is { } pattern && !TemplateSyntax.IsValidRegex(pattern))
            {
                Report(
                    context,
                    DiagnosticDescriptors.ValueOutOfRange,
                    context.Locate(variable.Pointer + "/pattern"),
                    "pattern",
                    "is not a valid regular expression"
                );
            }

            if (!string.IsNullOrEmpty(variable.Default) && CredentialNames.IsCredentialName(variable.Name))
            {
                Report(
                    context,
                    DiagnosticDescriptors.LiteralCredential,
                    LocateFirst(context, false, variable.Pointer + "/default", variable.Pointer),
                    "The default of variable '" + variable.Name + "' (" + Mask(variable.Default!) + ")"
                );
            }
        }

        foreach (var field in spec.AccountFields)
        {
            CheckFieldDefault(context, field);
        }

        CheckLimits(spec, context);
        CheckAuth(spec, context);
    }

    private static void CheckLimits(ConnectorSpec spec, DocContext context)
    {
        if (spec.RateLimit is { } limit)
        {
            if (limit.Permits < 1)
            {
                Report(
                    context,
                    DiagnosticDescriptors.LimitBelowOne,
                    LocateLimit(context, "rate_limit", "requests"),
                    "rate_limit",
                    limit.Permits.ToString(CultureInfo.InvariantCulture)
                );
            }

            if (limit.WindowSeconds < 1)
            {
                Report(
                    context,
                    DiagnosticDescriptors.LimitBelowOne,
                    LocateLimit(context, "rate_limit", "window_seconds"),
                    "rate_limit window",
                    limit.WindowSeconds.ToString(CultureInfo.InvariantCulture)
                );
            }
        }

        if (spec.MaxConcurrency is { } max && max < 1)
        {
            Report(
                context,
                DiagnosticDescriptors.LimitBelowOne,
                context.Locate("/max_concurrency"),
                "max_concurrency",
                max.ToString(CultureInfo.InvariantCulture)
            );
        }
    }

    private static LocationInfo LocateLimit(DocContext context, string key, string inner)
    {
        var node = context.Resolve("/" + key, out _);
        return node is DocObject ? context.Locate("/" + key + "/" + inner) : context.File.Locate(node);
    }

    private static void CheckLength(DocContext context, string value, int max, string name, LocationInfo location) =>
        CheckLength(context, value.Length, max, name, location);

    private static void CheckLength(DocContext context, int length, int max, string name, LocationInfo location)
    {
        if (length > max)
        {
            Report(
                context,
                DiagnosticDescriptors.LengthLimitExceeded,
                location,
                name,
                length.ToString(CultureInfo.InvariantCulture),
                max.ToString(CultureInfo.InvariantCulture)
            );
        }
    }

    private static void Report(DocContext context, DiagnosticDescriptor descriptor, LocationInfo location, params string[] arguments) =>
        context.Diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    /// <summary>The first of <paramref name="pointers"/> that exists in the document; the last one's nearest ancestor otherwise.</summary>
    private static LocationInfo LocateFirst(DocContext context, bool preferKey, params string[] pointers)
    {
        foreach (var pointer in pointers)
        {
            if (context.TryLocate(pointer, preferKey, out var location))
            {
                return location;
            }
        }

        return context.Locate(pointers[pointers.Length - 1], preferKey);
    }

    /// <summary>The key that holds the array an element pointer names (<c>/auth/0</c> → the <c>"auth"</c> key).</summary>
    private static LocationInfo LocateParentKey(DocContext context, string pointer)
    {
        var slash = pointer.LastIndexOf('/');
        return slash > 0 && context.TryLocate(pointer.Substring(0, slash), true, out var location) ? location : context.Locate(pointer);
    }

    /// <summary>
    /// Points at <paramref name="length"/> characters from <paramref name="index"/> of <paramref name="value"/> inside the
    /// string the pointer names, through escapes; the whole node when the value is not that string as written.
    /// </summary>
    private static LocationInfo LocateInString(DocContext context, string pointer, string value, int index, int length)
    {
        var node = context.Resolve(pointer, out _);
        if (node is DocScalar { Kind: ScalarKind.String } scalar && scalar.Text == value)
        {
            var start = context.File.OffsetInString(scalar, index);
            var end = context.File.OffsetInString(scalar, index + length);
            return context.File.Locate(start, end - start);
        }

        return context.File.Locate(node);
    }

    private static string Escape(string segment) => segment.Replace("~", "~0").Replace("/", "~1");

    private static string Mask(string value) => value.Length <= 8 ? "***" : value.Substring(0, Math.Min(7, value.Length / 3)) + "***";

    private static string Printable(string value) => value.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");
}
