using System.Globalization;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator.Validation;

/// <summary>Auth methods: defaults, field defaults, OAuth endpoints and scopes, credentials written as literals.</summary>
internal static partial class ConnectorValidator
{
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
}
