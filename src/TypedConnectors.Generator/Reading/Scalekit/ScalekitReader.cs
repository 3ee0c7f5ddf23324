using System.Collections.Immutable;
using System.Text.RegularExpressions;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading.Canonical;

namespace TypedConnectors.Generator.Reading.Scalekit;

/// <summary>
/// Reads a Scalekit custom provider payload (the body of <c>POST /api/v1/custom-providers</c>): a proxy-only connector
/// with <c>auth_patterns</c> and a <c>proxy_url</c>. Recognised by its <c>auth_patterns</c> key.
/// </summary>
/// <remarks>
/// Scalekit's proxy behaviour is reproduced by the model: BASIC sends <c>Basic base64(username:password)</c>,
/// BEARER and OAUTH send <c>Bearer &lt;token&gt;</c>, API_KEY sends the raw key; <c>auth_header_key_override</c>
/// changes the header, and <c>auth_field_mutations</c> (an object keyed by <c>api_key</c>, <c>token</c>,
/// <c>username</c> or <c>password</c>) applies <c>default</c>, then <c>prefix</c>, then <c>suffix</c> before that.
/// </remarks>
internal sealed class ScalekitReader : IConnectorReader
{
    internal static readonly string[] RootKeys = { "display_name", "description", "auth_patterns", "proxy_url", "proxy_enabled" };

    internal static readonly string[] PatternKeys =
    {
        "type",
        "display_name",
        "description",
        "fields",
        "account_fields",
        "oauth_config",
        "auth_header_key_override",
        "auth_field_mutations",
        "is_mcp",
    };

    internal static readonly string[] FieldKeys = { "field_name", "label", "input_type", "hint", "required", "is_path_param", "default" };

    internal static readonly string[] OAuthKeys =
    {
        "authorize_uri",
        "token_uri",
        "user_info_uri",
        "available_scopes",
        "pkce_enabled",
        "allow_use_scalekit_credentials",
        "custom_scope_name",
    };

    internal static readonly string[] ScopeKeys = { "scope", "display_name", "description", "required" };

    internal static readonly string[] MutationKeys = { "prefix", "suffix", "default" };

    /// <summary>The fields Scalekit's proxy reads credentials from; mutations target these names.</summary>
    internal static readonly string[] TrackedCredentialFields = { "api_key", "token", "username", "password" };

    /// <summary>Placeholders Scalekit resolves from the connected account even when no field declares them.</summary>
    internal static readonly string[] BuiltInPlaceholders = { "domain", "version" };

    internal static readonly (string, AuthKind)[] PatternTypes =
    {
        ("OAUTH", AuthKind.OAuth2),
        ("BASIC", AuthKind.Basic),
        ("BEARER", AuthKind.Bearer),
        ("API_KEY", AuthKind.ApiKey),
    };

    // "select" fields are chosen from a list in Scalekit's UI; to a connection they are plain text.
    internal static readonly (string, FieldInputType)[] InputTypes =
    {
        ("text", FieldInputType.Text),
        ("password", FieldInputType.Password),
        ("select", FieldInputType.Text),
    };

    private static readonly Regex Placeholder = new(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", RegexOptions.CultureInvariant);

    public string Dialect => "scalekit";

    public bool Recognizes(DocObject root) => root.Find("auth_patterns") is not null;

    public ConnectorSpec? Read(DocContext context, DocObject root)
    {
        context.CheckKeys(root, RootKeys, "a Scalekit provider");
        var name = context.String(root, "display_name", required: true, where: "a Scalekit provider") ?? "";
        var proxyUrl = context.String(root, "proxy_url", required: true, where: "a Scalekit provider") ?? "";

        // Scalekit only calls APIs through its proxy; a provider with the proxy switched off still describes one.
        _ = context.Bool(root, "proxy_enabled");

        var methods = ImmutableArray.CreateBuilder<AuthMethodSpec>();
        var accountFields = new List<FieldSpec>();
        if (context.Array(root, "auth_patterns", required: true, where: "a Scalekit provider") is { } patterns)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < patterns.Items.Count; i++)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (
                    context.AsObject(patterns.Items[i], "auth_patterns item") is { } pattern
                    && ReadPattern(context, pattern, "/auth_patterns/" + i, accountFields) is { } method
                )
                {
                    var key = method.Key;
                    for (var n = 2; !keys.Add(key); n++)
                    {
                        key = method.Key + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    methods.Add(method with { Key = key });
                }
            }
        }

        // Scalekit has no notion of a default pattern; the first one listed is what its dashboard offers first.
        if (methods.Count > 1)
        {
            methods[0] = methods[0] with { IsDefault = true };
        }

        var declared = new HashSet<string>(
            methods.SelectMany(m => m.Fields).Concat(accountFields).Select(f => f.Name),
            StringComparer.Ordinal
        );
        var variables = Placeholder
            .Matches(proxyUrl)
            .Cast<Match>()
            .Select(m => m.Groups[1].Value)
            .Where(v => BuiltInPlaceholders.Contains(v) && !declared.Contains(v))
            .Distinct(StringComparer.Ordinal)
            .Select(v => new VariableSpec
            {
                Name = v,
                Description = "The '" + v + "' placeholder of the proxy URL.",
                Pointer = "/proxy_url",
            })
            .ToEquatableArray();

        return new ConnectorSpec
        {
            Name = name,
            Slug = "",
            DisplayName = name,
            Description = context.String(root, "description"),
            Kind = ConnectorKind.Simple,
            BaseUrlPointer = "/proxy_url",
            Dialect = SourceDialect.Scalekit,
            BaseUrl = proxyUrl,
            Variables = variables,
            AuthMethods = methods.ToImmutable(),
            AccountFields = accountFields.ToEquatableArray(),
            IsProxy = true,
            IsMcp = methods.Any(m => m.IsMcp),
        };
    }

    private static AuthMethodSpec? ReadPattern(DocContext context, DocObject obj, string pointer, List<FieldSpec> accountFields)
    {
        context.CheckKeys(obj, PatternKeys, "a Scalekit auth pattern");
        if (context.Enum(obj, "type", PatternTypes, "auth pattern type", required: true, where: "an auth pattern") is not { } kind)
        {
            return null;
        }

        var fields = ReadFields(context, obj, "fields", pointer);
        foreach (var field in ReadFields(context, obj, "account_fields", pointer))
        {
            if (!accountFields.Any(f => f.Name == field.Name))
            {
                accountFields.Add(field);
            }
        }

        var mutations = ReadMutations(context, obj, fields);
        var isMcp = context.Bool(obj, "is_mcp") ?? false;
        var oauthNode = context.Object(obj, "oauth_config");
        OAuthSpec? oauth = null;
        if (oauthNode is not null)
        {
            oauth = ReadOAuth(context, oauthNode, pointer + "/oauth_config");
        }
        else if (kind == AuthKind.OAuth2)
        {
            // The validator reports what an OAuth method without endpoints lacks; MCP servers publish theirs.
            oauth = new OAuthSpec { Pointer = pointer, PkceEnabled = isMcp };
        }

        string? Tracked(string name) => fields.Any(f => f.Name == name) || mutations.Any(m => m.Field == name) ? name : null;

        var headerOverride = context.String(obj, "auth_header_key_override");
        return new AuthMethodSpec
        {
            Key = CanonicalReader.DefaultKey(kind),
            Kind = kind,
            DisplayName = context.String(obj, "display_name"),
            Description = context.String(obj, "description"),

            // API_KEY: Scalekit's proxy sends the raw key in Authorization unless the header is overridden.
            HeaderName = string.IsNullOrEmpty(headerOverride) ? (kind == AuthKind.ApiKey ? "Authorization" : null) : headerOverride,
            Location = ApiKeyLocation.Header,
            UsernameField = kind == AuthKind.Basic ? Tracked("username") : null,
            PasswordField = kind == AuthKind.Basic ? Tracked("password") : null,
            TokenField = kind switch
            {
                AuthKind.ApiKey => Tracked("api_key"),
                AuthKind.Bearer or AuthKind.OAuth2 => Tracked("token"),
                _ => null,
            },
            Fields = fields.ToEquatableArray(),
            Mutations = mutations.ToEquatableArray(),
            OAuth = oauth,
            IsMcp = isMcp,
            Pointer = pointer,
        };
    }

    private static List<FieldSpec> ReadFields(DocContext context, DocObject obj, string key, string pointer)
    {
        var result = new List<FieldSpec>();
        if (context.Array(obj, key) is not { } array)
        {
            return result;
        }

        for (var i = 0; i < array.Items.Count; i++)
        {
            if (context.AsObject(array.Items[i], key + " item") is not { } field)
            {
                continue;
            }

            var pointerOfField = pointer + "/" + key + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var spec = CanonicalReader.ReadField(context, field, pointerOfField, FieldKeys, InputTypes, "a Scalekit field");
            _ = context.Bool(field, "is_path_param");
            if (spec is { Name.Length: > 0 })
            {
                result.Add(spec);
            }
        }

        return result;
    }

    /// <summary>Reads <c>auth_field_mutations</c>: <c>{ "username": { "suffix": "/token" }, "password": { "default": "X" } }</c>.</summary>
    private static List<FieldMutationSpec> ReadMutations(DocContext context, DocObject pattern, List<FieldSpec> fields)
    {
        return context.Object(pattern, "auth_field_mutations") is { } mutations
            ? ReadMutationObject(context, mutations, fields.Select(f => f.Name))
            : new List<FieldMutationSpec>();
    }

    /// <summary>The mutations object itself; also accepted in canonical connector files, so a pattern can be pasted as is.</summary>
    internal static List<FieldMutationSpec> ReadMutationObject(DocContext context, DocObject mutations, IEnumerable<string> fieldNames)
    {
        var result = new List<FieldMutationSpec>();

        // A mutation may target a tracked credential the pattern does not ask for (Freshdesk's fixed password).
        var targets = TrackedCredentialFields.Concat(fieldNames).Distinct(StringComparer.Ordinal).ToList();
        context.CheckKeys(mutations, targets, "a field Scalekit mutates (api_key, token, username, password or a declared field)");
        foreach (var property in mutations.Properties)
        {
            if (!targets.Contains(property.Name) || context.AsObject(property.Value, property.Name) is not { } mutation)
            {
                continue;
            }

            context.CheckKeys(mutation, MutationKeys, "a field mutation");
            result.Add(
                new FieldMutationSpec
                {
                    Field = property.Name,
                    Prefix = context.String(mutation, "prefix", allowScalars: true),
                    Suffix = context.String(mutation, "suffix", allowScalars: true),
                    Default = context.String(mutation, "default", allowScalars: true),
                }
            );
        }

        return result;
    }

    private static OAuthSpec ReadOAuth(DocContext context, DocObject obj, string pointer)
    {
        context.CheckKeys(obj, OAuthKeys, "a Scalekit OAuth configuration");
        _ = context.Bool(obj, "allow_use_scalekit_credentials");
        _ = context.String(obj, "custom_scope_name");
        var scopes = ImmutableArray.CreateBuilder<OAuthScopeSpec>();
        if (context.Array(obj, "available_scopes") is { } array)
        {
            foreach (var item in array.Items)
            {
                if (context.AsObject(item, "available_scopes item") is not { } scope)
                {
                    continue;
                }

                context.CheckKeys(scope, ScopeKeys, "a scope");
                if (context.String(scope, "scope", required: true, where: "a scope") is { Length: > 0 } value)
                {
                    scopes.Add(
                        new OAuthScopeSpec(
                            value,
                            context.String(scope, "description") ?? context.String(scope, "display_name"),
                            context.Bool(scope, "required") ?? false
                        )
                    );
                }
            }
        }

        return new OAuthSpec
        {
            AuthorizeUri = context.String(obj, "authorize_uri"),
            TokenUri = context.String(obj, "token_uri"),
            UserInfoUri = context.String(obj, "user_info_uri"),
            Scopes = scopes.ToImmutable(),
            PkceEnabled = context.Bool(obj, "pkce_enabled") ?? false,
            GrantTypes = EquatableArray.Create("authorization_code", "refresh_token"),
            Pointer = pointer,
        };
    }
}
