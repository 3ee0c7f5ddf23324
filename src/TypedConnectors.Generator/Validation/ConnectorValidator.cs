using System.Text.RegularExpressions;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Validation;

/// <summary>
/// Checks that need the whole model (variables, paths, auth defaults, limits, security smells). Runs on the model
/// every dialect produces; locations come from the JSON pointers readers record.
/// </summary>
internal static class ConnectorValidator
{
    // Databar's limits, the strictest of the platforms modelled.
    public const int MaxNameLength = 256;
    public const int MaxUrlLength = 512;
    public const int MaxBodyTemplateLength = 2048;

    private static readonly Regex Placeholder = new(@"\{\{\s*([^{}\s|]*)\s*(?:\|[^{}]*)?\}\}", RegexOptions.CultureInvariant);
    private static readonly Regex PathPlaceholder = new(@"\{([^{}]+)\}", RegexOptions.CultureInvariant);
    private static readonly Regex CredentialValue = new(@"^\s*(Bearer|Basic|Token|Bot|ApiKey|Api-Key|Key)\s+\S{4,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex CredentialName = new(@"(^|[-_])(api[-_]?key|apikey|token|secret|password|passwd|auth(orization)?|access[-_]?key|client[-_]?secret)($|[-_])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static void Validate(ConnectorSpec spec, DocContext context)
    {
        CheckLength(context, spec.Name, MaxNameLength, "/name", "name");

        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in spec.Variables)
        {
            declared.Add(variable.Name);
        }

        foreach (var field in spec.AuthMethods.SelectMany(a => a.Fields).Concat(spec.AccountFields))
        {
            declared.Add(field.Name);
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        if (spec.BaseUrl.Length > 0)
        {
            CheckUrl(context, spec.BaseUrl, BaseUrlPointer(spec), "the base URL", declared, used);
        }

        foreach (var header in spec.DefaultHeaders)
        {
            CheckHeader(context, header.Name, header.Value, header.Pointer, declared, used);
        }

        foreach (var variable in spec.Variables)
        {
            if (!used.Contains(variable.Name))
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusedVariable, context.Locate(variable.Pointer), variable.Name));
            }

            if (variable.Pattern is { } pattern && !IsValidRegex(pattern))
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, context.Locate(variable.Pointer + "/pattern"), "pattern", "is not a valid regular expression"));
            }
        }

        CheckLimits(spec, context);
        CheckAuth(spec, context);
        CheckOperations(spec, context, declared);
    }

    private static string BaseUrlPointer(ConnectorSpec spec) => spec.Dialect switch
    {
        SourceDialect.Scalekit => "/proxy_url",
        SourceDialect.Databar => "/url",
        _ => "/base_url",
    };

    private static void CheckLimits(ConnectorSpec spec, DocContext context)
    {
        if (spec.RateLimit is { } limit)
        {
            if (limit.Permits < 1)
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LimitBelowOne, LocateLimit(context, "rate_limit", "requests"), "rate_limit", limit.Permits.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            if (limit.WindowSeconds < 1)
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LimitBelowOne, LocateLimit(context, "rate_limit", "window_seconds"), "rate_limit window", limit.WindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        if (spec.MaxConcurrency is { } max && max < 1)
        {
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LimitBelowOne, context.Locate("/max_concurrency"), "max_concurrency", max.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static LocationInfo LocateLimit(DocContext context, string key, string inner)
    {
        var node = context.Resolve("/" + key, out _);
        return node is DocObject ? context.Locate("/" + key + "/" + inner) : context.File.Locate(node);
    }

    private static void CheckAuth(ConnectorSpec spec, DocContext context)
    {
        AuthMethodSpec? firstDefault = null;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in spec.AuthMethods)
        {
            if (!keys.Add(method.Key))
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateEndpoint, context.Locate(method.Pointer), method.Key));
            }

            if (method.IsDefault)
            {
                if (firstDefault is not null)
                {
                    context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SeveralDefaultAuthMethods, context.Locate(method.Pointer + "/default", preferKey: true), method.Key, firstDefault.Key));
                }
                else
                {
                    firstDefault = method;
                }
            }

            if (method.HeaderName is { } header && !IsToken(header))
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidHeader, context.Locate(method.Pointer + "/header"), "name", header, "contains characters HTTP header names may not contain"));
            }

            foreach (var field in method.Fields)
            {
                if (field.IsSecret && !string.IsNullOrEmpty(field.Default))
                {
                    context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LiteralCredential, context.Locate(field.Pointer + "/default"), "The default of secret field '" + field.Name + "'"));
                }
            }

            if (method.OAuth is { } oauth)
            {
                CheckOAuth(method, oauth, context);
            }
        }

        if (spec.AuthMethods.Count > 1 && firstDefault is null)
        {
            var first = spec.AuthMethods[0];
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoDefaultAuthMethod, context.Locate(first.Pointer), spec.AuthMethods.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), first.Key));
        }
    }

    private static void CheckOAuth(AuthMethodSpec method, OAuthSpec oauth, DocContext context)
    {
        // MCP servers publish their OAuth endpoints (RFC 8414/9728 discovery), so they may be left out.
        if (!method.IsMcp)
        {
            var grants = oauth.GrantTypes.IsEmpty ? new[] { "authorization_code" } : oauth.GrantTypes.ToArray();
            if (oauth.TokenUri is null)
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OAuthMissingEndpoint, context.Locate(oauth.Pointer), method.Key, "token_uri", grants[0]));
            }

            if (oauth.AuthorizeUri is null && grants.Contains("authorization_code"))
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OAuthMissingEndpoint, context.Locate(oauth.Pointer), method.Key, "authorize_uri", "authorization_code"));
            }

            if (oauth.Scopes.IsEmpty)
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OAuthNoScopes, context.Locate(oauth.Pointer), method.Key));
            }
        }

        foreach (var (uri, key) in new[] { (oauth.AuthorizeUri, "authorize_uri"), (oauth.TokenUri, "token_uri"), (oauth.UserInfoUri, "user_info_uri"), (oauth.RefreshUri, "refresh_uri") })
        {
            if (uri is not null)
            {
                CheckAbsoluteUrl(context, uri, oauth.Pointer + "/" + key);
            }
        }
    }

    private static void CheckOperations(ConnectorSpec spec, DocContext context, HashSet<string> declared)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in spec.Operations)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (!names.Add(operation.Name))
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateEndpoint, context.Locate(operation.Pointer + "/name"), operation.Name));
            }

            CheckLength(context, operation.Name, MaxNameLength, operation.Pointer + "/name", "name");
            if (operation.Path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || operation.Path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                CheckUrl(context, operation.Path, operation.Pointer + "/path", "the endpoint URL", declared, new HashSet<string>());
            }
            else
            {
                CheckLength(context, operation.Path, MaxUrlLength, operation.Pointer + "/path", "path");
            }

            var placeholders = PathPlaceholder.Matches(operation.Path).Cast<Match>()
                .Where(m => !m.Value.StartsWith("{{", StringComparison.Ordinal))
                .Select(m => m.Groups[1].Value)
                .ToList();
            foreach (var placeholder in placeholders)
            {
                if (!operation.Parameters.Any(p => p.Location == ParameterLocation.Path && p.Name == placeholder))
                {
                    context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PathPlaceholderNotDeclared, context.Locate(operation.Pointer + "/path"), placeholder));
                }
            }

            foreach (var parameter in operation.Parameters)
            {
                if (parameter.Location == ParameterLocation.Path && !placeholders.Contains(parameter.Name))
                {
                    context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PathParameterNotInPath, context.Locate(parameter.Pointer), parameter.Name, operation.Path));
                }

                if (parameter.Location == ParameterLocation.Header)
                {
                    CheckHeader(context, parameter.Name, parameter.Constant ?? parameter.Default ?? "", parameter.Pointer, declared, new HashSet<string>());
                }
                else if ((parameter.Constant ?? parameter.Default) is { Length: > 0 } literal && CredentialName.IsMatch(parameter.Name))
                {
                    context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LiteralCredential, context.Locate(parameter.Pointer), "The value of '" + parameter.Name + "' (" + Mask(literal) + ")"));
                }
            }

            if (operation.Body is { Kind: BodyKind.Template } body)
            {
                var length = body.Template.Sum(s => (s.Literal?.Length ?? 0) + (s.Variable?.Length + 4 ?? 0));
                if (length > MaxBodyTemplateLength)
                {
                    context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LengthLimitExceeded, context.Locate(body.Pointer), "body_template", length.ToString(System.Globalization.CultureInfo.InvariantCulture), MaxBodyTemplateLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
    }

    internal static void CheckHeader(DocContext context, string name, string value, string pointer, HashSet<string> declared, HashSet<string> used)
    {
        if (!IsToken(name))
        {
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidHeader, context.Locate(pointer + "/name"), "name", Printable(name), "contains characters HTTP header names may not contain (only letters, digits and !#$%&'*+-.^_`|~)"));
            return;
        }

        if (value.Any(c => c == '\r' || c == '\n' || c == '\0' || (c < ' ' && c != '\t') || c == '\u007f'))
        {
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidHeader, context.Locate(pointer + "/value"), "value of", name, "contains a line break or control character, which could inject headers"));
            return;
        }

        CheckVariables(context, value, pointer + "/value", "header '" + name + "'", declared, used);
        if (CredentialValue.IsMatch(value) && !Placeholder.IsMatch(value))
        {
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LiteralCredential, context.Locate(pointer + "/value"), "The value of header '" + name + "' (" + Mask(value) + ")"));
        }
        else if (value.Length > 0 && !Placeholder.IsMatch(value) && CredentialName.IsMatch(name) && !string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LiteralCredential, context.Locate(pointer + "/value"), "The value of header '" + name + "' (" + Mask(value) + ")"));
        }
    }

    private static void CheckUrl(DocContext context, string url, string pointer, string where, HashSet<string> declared, HashSet<string> used)
    {
        CheckLength(context, url, MaxUrlLength, pointer, "URL");
        CheckVariables(context, url, pointer, where, declared, used);
        CheckAbsoluteUrl(context, url, pointer);
    }

    private static void CheckAbsoluteUrl(DocContext context, string url, string pointer)
    {
        // Placeholders stand for one host label or path segment; check the URL with a harmless stand-in.
        var probe = Placeholder.Replace(url, "placeholder");
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.Host.Length == 0)
        {
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidUrl, context.Locate(pointer), Printable(url), url.Contains("{{") ? "; placeholders may only stand for host labels or path segments" : ""));
            return;
        }

        if (uri.Scheme == "http" && !uri.IsLoopback && uri.Host != "placeholder")
        {
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InsecureUrl, context.Locate(pointer), Printable(url)));
        }
    }

    private static void CheckVariables(DocContext context, string text, string pointer, string where, HashSet<string> declared, HashSet<string> used)
    {
        foreach (Match match in Placeholder.Matches(text))
        {
            var name = match.Groups[1].Value;
            used.Add(name);
            if (!declared.Contains(name))
            {
                var node = context.Resolve(pointer, out _);
                var location = node is DocScalar scalar
                    ? context.File.Locate(context.File.OffsetInString(scalar, match.Index), context.File.OffsetInString(scalar, match.Index + match.Length) - context.File.OffsetInString(scalar, match.Index))
                    : context.File.Locate(node);
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UndeclaredVariable, location, name, where));
            }
        }
    }

    private static void CheckLength(DocContext context, string value, int max, string pointer, string name)
    {
        if (value.Length > max)
        {
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LengthLimitExceeded, context.Locate(pointer), name, value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), max.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>RFC 9110 token: the characters allowed in a header name.</summary>
    internal static bool IsToken(string name)
        => name.Length > 0 && name.All(c => c < 127 && (char.IsLetterOrDigit(c) || "!#$%&'*+-.^_`|~".IndexOf(c) >= 0));

    private static bool IsValidRegex(string pattern)
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

    private static string Mask(string value) => value.Length <= 8 ? "***" : value.Substring(0, Math.Min(7, value.Length / 3)) + "***";

    private static string Printable(string value) => value.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");
}
