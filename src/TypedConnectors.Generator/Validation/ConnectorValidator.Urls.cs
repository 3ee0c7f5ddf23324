using System.Text.RegularExpressions;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Validation;

/// <summary>URLs, headers and template variables: absolute http(s), placeholders declared and used, header names and values.</summary>
internal static partial class ConnectorValidator
{
    /// <summary>A header name the runtime sends or reads (idempotency key, rate-limit headers) must be an HTTP token.</summary>
    private static void CheckHeaderName(DocContext context, string? name, string pointer)
    {
        if (name is not null && !TemplateSyntax.IsToken(name))
        {
            Report(
                context,
                DiagnosticDescriptors.InvalidHeader,
                LocateFirst(context, false, pointer),
                "name",
                Printable(name),
                "contains characters HTTP header names may not contain (only letters, digits and !#$%&'*+-.^_`|~)"
            );
        }
    }

    private static void CheckHeader(
        DocContext context,
        string name,
        string value,
        string pointer,
        HashSet<string> declared,
        HashSet<string> used
    )
    {
        if (!TemplateSyntax.IsToken(name))
        {
            Report(
                context,
                DiagnosticDescriptors.InvalidHeader,
                LocateFirst(context, false, pointer + "/name", pointer),
                "name",
                Printable(name),
                "contains characters HTTP header names may not contain (only letters, digits and !#$%&'*+-.^_`|~)"
            );
            return;
        }

        var valuePointer = context.TryLocate(pointer + "/value", false, out _) ? pointer + "/value" : pointer + "/default";
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\r' || c == '\n' || c == '\0' || (c < ' ' && c != '\t') || c == '\u007f')
            {
                Report(
                    context,
                    DiagnosticDescriptors.InvalidHeader,
                    LocateInString(context, valuePointer, value, i, 1),
                    "value of",
                    name,
                    "contains a line break or control character, which could inject headers"
                );
                return;
            }
        }

        // Placeholders are filled at run time; the literal text around them is sent as written, and HTTP clients reject non-ASCII.
        var literal = Placeholder.Replace(value, m => new string(' ', m.Length));
        for (var i = 0; i < literal.Length; i++)
        {
            if (literal[i] > '\u007e')
            {
                Report(
                    context,
                    DiagnosticDescriptors.InvalidHeader,
                    LocateInString(context, valuePointer, value, i, char.IsHighSurrogate(literal[i]) ? 2 : 1),
                    "value of",
                    name,
                    "contains the non-ASCII character '"
                        + value.Substring(i, char.IsHighSurrogate(literal[i]) && i + 1 < value.Length ? 2 : 1)
                        + "', which HTTP clients refuse to send"
                );
                return;
            }
        }

        CheckVariables(context, value, valuePointer, "header '" + name + "'", declared, used);
        if (
            !Placeholder.IsMatch(value)
            && (
                CredentialValue.IsMatch(value)
                || (
                    value.Length > 0
                    && CredentialNames.IsCredentialName(name)
                    && !string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase)
                )
            )
        )
        {
            Report(
                context,
                DiagnosticDescriptors.LiteralCredential,
                LocateFirst(context, false, valuePointer, pointer),
                "The value of header '" + name + "' (" + Mask(value) + ")"
            );
        }
    }

    private static void CheckUrl(
        DocContext context,
        string url,
        string pointer,
        string where,
        HashSet<string> declared,
        HashSet<string> used
    )
    {
        CheckLength(context, url, MaxUrlLength, "URL", context.Locate(pointer));
        CheckVariables(context, url, pointer, where, declared, used);
        CheckAbsoluteUrl(context, url, pointer);
    }

    private static void CheckAbsoluteUrl(DocContext context, string url, string pointer)
    {
        // Placeholders stand for one host label or path segment; check the URL with a harmless stand-in.
        var probe = Placeholder.Replace(url, "placeholder");
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.Host.Length == 0)
        {
            Report(
                context,
                DiagnosticDescriptors.InvalidUrl,
                context.Locate(pointer),
                Printable(url),
                url.Contains("{{") ? "; placeholders may only stand for host labels or path segments" : ""
            );
            return;
        }

        if (uri.Scheme == "http" && !uri.IsLoopback && uri.Host != "placeholder")
        {
            Report(context, DiagnosticDescriptors.InsecureUrl, context.Locate(pointer), Printable(url));
        }
    }

    private static void CheckVariables(
        DocContext context,
        string text,
        string pointer,
        string where,
        HashSet<string> declared,
        HashSet<string> used
    )
    {
        foreach (Match match in Placeholder.Matches(text))
        {
            var name = match.Groups[1].Value;
            used.Add(name);
            if (!declared.Contains(name))
            {
                Report(
                    context,
                    DiagnosticDescriptors.UndeclaredVariable,
                    LocateInString(context, pointer, text, match.Index, match.Length),
                    name,
                    where
                );
            }
        }
    }
}
