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
internal static class ConnectorValidator
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

    private static void CheckAuth(ConnectorSpec spec, DocContext context)
    {
        AuthMethodSpec? firstDefault = null;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in spec.AuthMethods)
        {
            if (!keys.Add(method.Key))
            {
                Report(
                    context,
                    DiagnosticDescriptors.DuplicateAuthMethodKey,
                    LocateFirst(context, false, method.Pointer + "/key", method.Pointer + "/type", method.Pointer),
                    method.Key
                );
            }

            if (method.IsDefault)
            {
                if (firstDefault is not null)
                {
                    Report(
                        context,
                        DiagnosticDescriptors.SeveralDefaultAuthMethods,
                        context.Locate(method.Pointer + "/default", preferKey: true),
                        method.Key,
                        firstDefault.Key
                    );
                }
                else
                {
                    firstDefault = method;
                }
            }

            if (method.HeaderName is { } header && !TemplateSyntax.IsToken(header))
            {
                Report(
                    context,
                    DiagnosticDescriptors.InvalidHeader,
                    LocateFirst(context, false, method.Pointer + "/header", method.Pointer + "/auth_header_key_override", method.Pointer),
                    "name",
                    Printable(header),
                    "contains characters HTTP header names may not contain (only letters, digits and !#$%&'*+-.^_`|~)"
                );
            }

            foreach (var field in method.Fields)
            {
                CheckFieldDefault(context, field);
            }

            if (method.OAuth is { } oauth)
            {
                CheckOAuth(method, oauth, context);
            }
            else if (method.Kind == AuthKind.OAuth2 && !method.IsMcp)
            {
                Report(
                    context,
                    DiagnosticDescriptors.OAuthMissingEndpoint,
                    LocateFirst(context, false, method.Pointer + "/type", method.Pointer),
                    method.Key,
                    "an \"oauth\" object with authorize_uri and token_uri",
                    "authorization_code"
                );
            }
        }

        if (spec.AuthMethods.Count > 1 && firstDefault is null)
        {
            var first = spec.AuthMethods[0];
            Report(
                context,
                DiagnosticDescriptors.NoDefaultAuthMethod,
                LocateParentKey(context, first.Pointer),
                spec.AuthMethods.Count.ToString(CultureInfo.InvariantCulture),
                first.Key
            );
        }
    }

    private static void CheckFieldDefault(DocContext context, FieldSpec field)
    {
        if (!string.IsNullOrEmpty(field.Default) && (field.IsSecret || CredentialNames.IsCredentialName(field.Name)))
        {
            Report(
                context,
                DiagnosticDescriptors.LiteralCredential,
                LocateFirst(context, false, field.Pointer + "/default", field.Pointer),
                "The default of field '" + field.Name + "' (" + Mask(field.Default!) + ")"
            );
        }
    }

    private static void CheckOAuth(AuthMethodSpec method, OAuthSpec oauth, DocContext context)
    {
        // A reader that synthesised the OAuth configuration gives it the method's pointer: point at the method's type then.
        var where =
            oauth.Pointer.Length > method.Pointer.Length
                ? context.Locate(oauth.Pointer, preferKey: true)
                : LocateFirst(context, false, method.Pointer + "/type", method.Pointer);

        // MCP servers publish their OAuth endpoints (RFC 8414/9728 discovery), so they may be left out.
        if (!method.IsMcp)
        {
            var grants = oauth.GrantTypes.IsEmpty ? new[] { "authorization_code" } : oauth.GrantTypes.ToArray();
            if (oauth.TokenUri is null)
            {
                Report(context, DiagnosticDescriptors.OAuthMissingEndpoint, where, method.Key, "token_uri", grants[0]);
            }

            if (oauth.AuthorizeUri is null && grants.Contains("authorization_code"))
            {
                Report(context, DiagnosticDescriptors.OAuthMissingEndpoint, where, method.Key, "authorize_uri", "authorization_code");
            }

            if (oauth.Scopes.IsEmpty)
            {
                Report(context, DiagnosticDescriptors.OAuthNoScopes, where, method.Key);
            }
        }

        foreach (
            var (uri, key) in new[]
            {
                (oauth.AuthorizeUri, "authorize_uri"),
                (oauth.TokenUri, "token_uri"),
                (oauth.UserInfoUri, "user_info_uri"),
                (oauth.RefreshUri, "refresh_uri"),
            }
        )
        {
            if (uri is not null)
            {
                CheckAbsoluteUrl(context, uri, oauth.Pointer + "/" + key);
            }
        }

        foreach (
            var (parameters, key) in new[]
            {
                (oauth.ExtraAuthorizeParameters, "authorize_parameters"),
                (oauth.ExtraTokenParameters, "token_parameters"),
            }
        )
        {
            foreach (var parameter in parameters)
            {
                if (parameter.Value.Length > 0 && CredentialNames.IsCredentialName(parameter.Name) && !Placeholder.IsMatch(parameter.Value))
                {
                    Report(
                        context,
                        DiagnosticDescriptors.LiteralCredential,
                        context.Locate(oauth.Pointer + "/" + key + "/" + Escape(parameter.Name)),
                        "The value of OAuth parameter '" + parameter.Name + "' (" + Mask(parameter.Value) + ")"
                    );
                }
            }
        }
    }

    private static void CheckOperations(ConnectorSpec spec, DocContext context, HashSet<string> declared, HashSet<string> used)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var authKeys = spec.AuthMethods.Select(a => a.Key).ToList();
        foreach (var operation in spec.Operations)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var namePointers = new[] { operation.Pointer + "/name", operation.Pointer + "/operationId", operation.Pointer };
            if (!names.Add(operation.Name))
            {
                Report(context, DiagnosticDescriptors.DuplicateEndpoint, LocateFirst(context, false, namePointers), operation.Name);
            }

            CheckLength(context, operation.Name, MaxNameLength, "name", LocateFirst(context, false, namePointers));
            Features.OperationFeatures.Validate(spec, operation, context);
            var pathPointer = context.TryLocate(operation.Pointer + "/path", false, out _)
                ? operation.Pointer + "/path"
                : spec.BaseUrlPointer;
            if (
                operation.Path.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                || operation.Path.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            )
            {
                CheckUrl(context, operation.Path, pathPointer, "the endpoint URL", declared, new HashSet<string>());
            }
            else
            {
                CheckLength(context, operation.Path, MaxUrlLength, "path", context.Locate(pathPointer));
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
                        LocateInString(context, pathPointer, operation.Path, match.Index, match.Length),
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
                    CheckHeaderEnum(spec, context, parameter);
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

    /// <summary>An enum a header parameter takes must have values a header can carry: ASCII, no line breaks.</summary>
    private static void CheckHeaderEnum(ConnectorSpec spec, DocContext context, ParameterSpec parameter)
    {
        if (
            parameter.Type is not { Kind: Model.TypeKind.Named, Name: { } name }
            || spec.Types.FirstOrDefault(t => t.Name == name) is not { Kind: TypeSpecKind.Enum } type
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
