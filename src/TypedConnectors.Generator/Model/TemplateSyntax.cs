using System.Text.RegularExpressions;

namespace TypedConnectors.Generator.Model;

/// <summary>
/// The one home of the lexical rules every step shares: <c>{{placeholder}}</c> syntax, <c>{param}</c> path templates,
/// header-name tokens and regular-expression patterns. Readers, the validator and the emitter all match with these, so a
/// value the validator accepted is the value the emitter prints.
/// </summary>
internal static class TemplateSyntax
{
    /// <summary>
    /// A <c>{{ name }}</c> placeholder of a base URL, header or body template; group 1 is the name (empty when
    /// missing, which the validator reports), an optional <c>| filter</c> follows it (body templates only).
    /// </summary>
    public static readonly Regex Placeholder = new(@"\{\{\s*([^{}\s|]*)\s*(?:\|[^{}]*)?\}\}", RegexOptions.CultureInvariant);

    /// <summary>A <c>{name}</c> parameter of a path template or an OpenAPI server URL; group 1 is the name.</summary>
    public static readonly Regex PathParameter = new(@"\{([^{}]+)\}", RegexOptions.CultureInvariant);

    /// <summary>RFC 9110 token: the characters allowed in a header name.</summary>
    public static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => c < 127 && (char.IsLetterOrDigit(c) || "!#$%&'*+-.^_`|~".IndexOf(c) >= 0));

    /// <summary>Whether .NET can compile the pattern (the runtime checks values against it).</summary>
    public static bool IsValidRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
