using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// OAuth 2.0 and custom auth: the <c>[OAuth2]</c> attribute, the client id/secret values and connection id of OAuth
/// factories, the typed <c>OAuth</c> session property, and the <c>I…CustomAuth</c> interface a project implements
/// with the factory adapter and DI registration that wire the implementation in.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    private EquatableArray<CustomAuthImplementation> _customAuthImplementations = EquatableArray<CustomAuthImplementation>.Empty;

    private string CustomAuthInterface => _spec.Names.CustomAuthInterface;

    private IEnumerable<AuthMethodSpec> CustomAuthMethods => _spec.AuthMethods.Where(m => m.Kind == AuthKind.Custom);

    private bool HasManagedOAuth => _spec.AuthMethods.Any(m => m.IsManagedOAuth);

    private CustomAuthImplementation? CustomAuthImplementation =>
        CustomAuthDiscovery.Find(_customAuthImplementations, _spec.Namespace, CustomAuthInterface);

    /// <summary>A method's connection values; SpecBinder has added the client id and secret of managed OAuth methods.</summary>
    private static IEnumerable<FieldSpec> AuthFields(AuthMethodSpec method) => method.Fields;

    private void EmitOAuthAttribute(SourceWriter writer, AuthMethodSpec method)
    {
        if (!method.IsManagedOAuth)
        {
            return;
        }

        var oauth = method.OAuth!;
        var args = new List<string> { Literals.String(method.Key) };
        void Text(string name, string? value)
        {
            if (value is not null)
            {
                args.Add(name + " = " + Literals.String(value));
            }
        }

        void Strings(string name, IEnumerable<string> values)
        {
            var list = values.ToList();
            if (list.Count > 0)
            {
                args.Add(name + " = new string[] { " + string.Join(", ", list.Select(Literals.String)) + " }");
            }
        }

        Text("AuthorizeUri", oauth.AuthorizeUri);
        Text("TokenUri", oauth.TokenUri);
        Text("UserInfoUri", oauth.UserInfoUri);
        Text("RefreshUri", oauth.RefreshUri);
        Strings("Scopes", oauth.Scopes.Select(s => s.Scope));
        Strings("RequiredScopes", oauth.Scopes.Where(s => s.Required).Select(s => s.Scope));
        if (oauth.PkceEnabled)
        {
            args.Add("PkceEnabled = true");
        }

        Strings("GrantTypes", oauth.GrantTypes);
        if (oauth.ClientAuthentication == OAuthClientAuthentication.BasicHeader)
        {
            args.Add("ClientAuthentication = global::TypedConnectors.OAuthClientAuthentication.BasicHeader");
        }

        Strings("AuthorizeParameters", oauth.ExtraAuthorizeParameters.SelectMany(p => new[] { p.Name, p.Value }));
        Strings("TokenParameters", oauth.ExtraTokenParameters.SelectMany(p => new[] { p.Name, p.Value }));
        if (method.OAuthClientIdField is { } clientId && clientId != "client_id")
        {
            Text("ClientIdField", clientId);
        }

        if (method.OAuthClientSecretField is { } clientSecret && clientSecret != "client_secret")
        {
            Text("ClientSecretField", clientSecret);
        }

        writer.Line("[global::TypedConnectors.OAuth2(" + string.Join(", ", args) + ")]");
    }

    /// <summary>The factory parameters after the connection values: the connection id of OAuth methods, the implementation of custom ones.</summary>
    private IEnumerable<string> AuthFactoryParameters(AuthMethodSpec? method)
    {
        if (method is null)
        {
            yield break;
        }

        if (method.IsManagedOAuth)
        {
            yield return "string? connectionId = null";
        }
        else if (method.Kind == AuthKind.Custom)
        {
            yield return CustomAuthInterface + "? customAuth = null";
        }
    }

    /// <summary>The names of <see cref="AuthFactoryParameters"/>, to forward them.</summary>
    private IEnumerable<string> AuthFactoryArguments(AuthMethodSpec? method)
    {
        if (method is not null && method.IsManagedOAuth)
        {
            yield return "connectionId";
        }
        else if (method is { Kind: AuthKind.Custom })
        {
            yield return "customAuth";
        }
    }

    private void EmitAuthFactoryDocs(SourceWriter writer, AuthMethodSpec? method)
    {
        if (method is null)
        {
            return;
        }

        if (method.IsManagedOAuth)
        {
            writer.Line("/// <param name=\"connectionId\">");
            writer.Line("/// The connection's stable identity (e.g. your tenant id): its OAuth tokens are stored under it in");
            writer.Line(
                "/// <see cref=\"global::TypedConnectors.OAuthOptions.TokenStore\"/>. Null gives the connection a random id and tokens of its own."
            );
            writer.Line("/// </param>");
        }
        else if (method.Kind == AuthKind.Custom)
        {
            var implementation = CustomAuthImplementation;
            writer.Line("/// <param name=\"customAuth\">");
            writer.Line(
                "/// Creates the auth handler; "
                    + (
                        implementation is { CanConstruct: true }
                            ? "a new <see cref=\"" + implementation.TypeName + "\"/> when null."
                            : "required: the project has no implementation with a parameterless constructor."
                    )
            );
            writer.Line("/// </param>");
        }
    }

    /// <summary>The constructor call of a factory: the plain one, or the one that passes a connection id or custom auth factory.</summary>
    private string AuthConstructorCall(AuthMethodSpec? method)
    {
        var head = "new " + ConnectionName + "(" + Literals.String(method?.Key ?? "none") + ", __values, options";
        if (method is not null && method.IsManagedOAuth)
        {
            return head + ", connectionId, null)";
        }

        if (method is not null && method.Kind == AuthKind.Custom)
        {
            var fallback = CustomAuthImplementation is { CanConstruct: true } implementation
                ? "new " + implementation.TypeName + "()"
                : "throw new global::System.ArgumentNullException(nameof(customAuth), "
                    + Literals.String(
                        "Pass an implementation of " + CustomAuthInterface + ": the project has none with a parameterless constructor."
                    )
                    + ")";
            return head + ", null, new __CustomAuthFactory(customAuth ?? " + fallback + "))";
        }

        return head + ")";
    }

    /// <summary>Connection members for OAuth and custom auth: the second constructor, the <c>OAuth</c> property, the custom auth adapter.</summary>
    private void EmitAuthConnectionMembers(SourceWriter writer)
    {
        var custom = CustomAuthMethods.ToList();
        if (!HasManagedOAuth && custom.Count == 0)
        {
            return;
        }

        writer.Line();
        writer.Line(
            "private "
                + ConnectionName
                + "(string authMethod, global::System.Collections.Generic.IReadOnlyDictionary<string, string?> values, global::TypedConnectors.ConnectorConnectionOptions? options, string? connectionId, global::TypedConnectors.IAuthHandlerFactory? authHandlerFactory)"
        );
        writer.Line(
            "    : base(typeof(" + _spec.ClientName + "), authMethod, values, __secretFields, options, connectionId, authHandlerFactory)"
        );
        writer.Line("{");
        writer.Line("}");

        if (HasManagedOAuth)
        {
            writer.Line();
            writer.Line("/// <summary>");
            writer.Line(
                "/// The connection's OAuth 2.0 session: <c>BuildAuthorizationUrl</c> and <c>HandleCallbackAsync</c> / <c>ExchangeCodeAsync</c> for the"
            );
            writer.Line(
                "/// authorization-code flow (PKCE when the connector enables it), <c>RequestClientCredentialsTokenAsync</c>, tokens and user info."
            );
            writer.Line("/// </summary>");
            writer.Line(
                "/// <exception cref=\"global::System.InvalidOperationException\">The connection authenticates with a method other than OAuth 2.0.</exception>"
            );
            writer.Line(
                "public global::TypedConnectors.OAuthSession OAuth => OAuthSession ?? throw new global::System.InvalidOperationException(\"This connection authenticates with '\" + AuthMethod + \"', not OAuth 2.0.\");"
            );
        }

        if (custom.Count > 0)
        {
            writer.Line();
            writer.Open("private sealed class __CustomAuthFactory : global::TypedConnectors.IAuthHandlerFactory");
            writer.Line("private readonly " + CustomAuthInterface + " _auth;");
            writer.Line();
            writer.Line("public __CustomAuthFactory(" + CustomAuthInterface + " auth) => _auth = auth;");
            writer.Line();
            writer.Open(
                "public global::System.Net.Http.DelegatingHandler? TryCreateHandler(global::TypedConnectors.ConnectorConnection connection, global::TypedConnectors.AuthMethodDescriptor method)"
            );
            writer.Open("switch (method.Key)");
            foreach (var method in custom)
            {
                writer.Line("case " + Literals.String(method.Key) + ":");
                writer.Line("    return _auth." + method.HandlerFactoryName + "((" + ConnectionName + ")connection)");
                writer.Line(
                    "        ?? throw new global::System.InvalidOperationException("
                        + Literals.String(CustomAuthInterface + "." + method.HandlerFactoryName + " returned null.")
                        + ");"
                );
            }

            writer.Line("default:");
            writer.Line("    return null;");
            writer.Close();
            writer.Close();
            writer.Close();
        }
    }

    private void EmitCustomAuthInterface(SourceWriter writer)
    {
        var custom = CustomAuthMethods.ToList();
        if (custom.Count == 0)
        {
            return;
        }

        writer.Line();
        Literals.Element(
            writer,
            "summary",
            "",
            "Custom authentication of the " + ConnectorTitle + " connector: implement this interface in your project.",
            ""
        );
        writer.Line("/// <remarks>");
        writer.Line("/// The build fails with TC0040 while no class implements it. The <c>Create…</c> factories of the custom methods use");
        writer.Line("/// your implementation (a new instance when it has a parameterless constructor, or the one you pass), and the");
        writer.Line("/// generated DI registration registers it so <c>GetRequiredService</c> can hand it to the factory.");
        writer.Line("/// </remarks>");
        writer.Line(GeneratedCodeAttribute);
        writer.Open("public partial interface " + CustomAuthInterface);
        var first = true;
        foreach (var method in custom)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            var what =
                "Creates the handler that authenticates requests of the '"
                + method.Key
                + "' auth method"
                + (method.DisplayName is { } name ? " (" + name + ")" : "")
                + ".";
            Literals.Element(writer, "summary", "", what + (method.Description is { } d ? "\n" + d : ""), what);
            writer.Line("/// <param name=\"connection\">The connection; <c>GetValue</c> returns its credentials by field name.</param>");
            writer.Line("/// <returns>A new handler for one pipeline; it is disposed with the pipeline.</returns>");
            writer.Line("global::System.Net.Http.DelegatingHandler " + method.HandlerFactoryName + "(" + ConnectionName + " connection);");
        }

        writer.Close();
    }

    private void EmitCustomAuthRegistration(SourceWriter writer)
    {
        if (!CustomAuthMethods.Any() || CustomAuthImplementation is not { CanRegister: true } implementation)
        {
            return;
        }

        writer.Line(
            "global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<"
                + CustomAuthInterface
                + ", "
                + implementation.TypeName
                + ">(services);"
        );
    }
}
