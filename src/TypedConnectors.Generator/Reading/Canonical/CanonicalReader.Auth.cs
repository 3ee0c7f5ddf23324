using System.Collections.Immutable;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.Canonical;

/// <summary>Auth methods of the canonical format: fields, mutations, OAuth settings.</summary>
internal static partial class CanonicalReader
{
    /// <summary>
    /// Reads a connection field. Platforms that use the same field shape (Scalekit) pass their own known keys and
    /// input types.
    /// </summary>
    internal static FieldSpec? ReadField(
        DocContext context,
        DocObject obj,
        string pointer,
        IReadOnlyCollection<string>? keys = null,
        IReadOnlyList<(string Name, FieldInputType Value)>? inputTypes = null,
        string what = "a field"
    )
    {
        context.CheckKeys(obj, keys ?? FieldKeys, what);
        var name = context.String(obj, "field_name", required: true, where: "a field");
        var field = new FieldSpec
        {
            Name = name ?? "",
            Label = context.String(obj, "label"),
            Hint = context.String(obj, "hint"),
            InputType = context.Enum(obj, "input_type", inputTypes ?? InputTypes, "input_type") ?? FieldInputType.Text,
            Required = context.Bool(obj, "required") ?? true,
            Default = context.String(obj, "default", allowScalars: true),
            Pointer = pointer,
        };
        return name is null ? null : field;
    }

    internal static FieldMutationSpec? ReadMutation(DocContext context, DocObject obj)
    {
        context.CheckKeys(obj, MutationKeys, "a field mutation");
        var field = context.String(obj, "field", required: true, where: "a field mutation");
        var mutation = new FieldMutationSpec
        {
            Field = field ?? "",
            Prefix = context.String(obj, "prefix"),
            Suffix = context.String(obj, "suffix"),
            Default = context.String(obj, "default", allowScalars: true),
        };
        return field is null ? null : mutation;
    }

    private static AuthMethodSpec? ReadAuthMethod(DocContext context, DocObject obj, string pointer)
    {
        context.CheckKeys(obj, AuthKeys, "an auth method");
        var type = context.Enum(obj, "type", AuthKinds, "auth type", required: true, where: "an auth method");
        var kind = type ?? AuthKind.None;
        var mutations = ReadList(context, obj, "field_mutations", (o, _) => ReadMutation(context, o));
        if (mutations.IsEmpty && obj.Get("auth_field_mutations") is DocObject scalekitMutations)
        {
            // Scalekit's own shape, { "username": { "suffix": "/token" } }, so a provider's auth pattern can be pasted as is.
            var fieldNames = obj.Get("fields") is DocArray fieldArray
                ? fieldArray.Items.OfType<DocObject>().Select(f => f.Get("field_name")).OfType<DocScalar>().Select(n => n.Text)
                : Enumerable.Empty<string>();
            mutations = Scalekit.ScalekitReader.ReadMutationObject(context, scalekitMutations, fieldNames).ToEquatableArray();
        }
        else if (mutations.IsEmpty)
        {
            mutations = ReadList(context, obj, "auth_field_mutations", (o, _) => ReadMutation(context, o));
        }

        // Two names for one setting (Scalekit's and the format's); both are read so neither goes unchecked.
        var header = context.String(obj, "header");
        var headerOverride = context.String(obj, "auth_header_key_override");
        var method = new AuthMethodSpec
        {
            Key = context.String(obj, "key") ?? DefaultKey(kind),
            Kind = kind,
            DisplayName = context.String(obj, "display_name"),
            Description = context.String(obj, "description"),
            IsDefault = context.Bool(obj, "default") ?? false,
            HeaderName = header ?? headerOverride,
            Prefix = context.String(obj, "prefix"),
            Location = context.Enum(obj, "in", Locations, "API key location") ?? ApiKeyLocation.Header,
            ParameterName = context.String(obj, "parameter_name"),
            UsernameField = context.String(obj, "username_field"),
            PasswordField = context.String(obj, "password_field"),
            TokenField = context.String(obj, "token_field"),
            Fields = ReadList(context, obj, "fields", (o, p) => ReadField(context, o, pointer + p)),
            Mutations = mutations,
            OAuth = context.Object(obj, "oauth") is { } oauth ? ReadOAuth(context, oauth, pointer + "/oauth") : null,
            Pointer = pointer,
        };
        return type is null ? null : method;
    }

    internal static string DefaultKey(AuthKind kind) => Auth.AuthKinds.Of(kind)?.Name ?? kind.ToString().ToLowerInvariant();

    internal static OAuthSpec ReadOAuth(DocContext context, DocObject obj, string pointer)
    {
        context.CheckKeys(obj, OAuthKeys, "an OAuth configuration");
        var scopes = ImmutableArray.CreateBuilder<OAuthScopeSpec>();
        if (context.Array(obj, "available_scopes") is { } scopeArray)
        {
            foreach (var item in scopeArray.Items)
            {
                if (item is DocScalar { Kind: ScalarKind.String } s)
                {
                    scopes.Add(new OAuthScopeSpec(s.Text, null, false));
                }
                else if (context.AsObject(item, "available_scopes item") is { } scope)
                {
                    context.CheckKeys(scope, ScopeKeys, "a scope");
                    var value = context.String(scope, "scope", required: true, where: "a scope");
                    var description = context.String(scope, "description");
                    var displayName = context.String(scope, "display_name");
                    var required = context.Bool(scope, "required") ?? false;
                    if (value is not null)
                    {
                        scopes.Add(new OAuthScopeSpec(value, description ?? displayName, required));
                    }
                }
            }
        }

        var grants = ImmutableArray.CreateBuilder<string>();
        if (context.Array(obj, "grant_types") is { } grantArray)
        {
            foreach (var item in grantArray.Items)
            {
                if (context.AsString(item, "grant_types item") is { } grant)
                {
                    grants.Add(grant);
                }
            }
        }

        return new OAuthSpec
        {
            AuthorizeUri = context.String(obj, "authorize_uri"),
            TokenUri = context.String(obj, "token_uri"),
            UserInfoUri = context.String(obj, "user_info_uri"),
            RefreshUri = context.String(obj, "refresh_uri"),
            Scopes = scopes.ToImmutable(),
            PkceEnabled = context.Bool(obj, "pkce_enabled") ?? false,
            GrantTypes = grants.ToImmutable(),
            ClientAuthentication =
                context.Enum(obj, "client_authentication", ClientAuthentications, "client authentication")
                ?? OAuthClientAuthentication.Body,
            ExtraAuthorizeParameters = ReadPairs(context, obj, "authorize_parameters"),
            ExtraTokenParameters = ReadPairs(context, obj, "token_parameters"),
            Pointer = pointer,
        };
    }

    private static EquatableArray<HeaderSpec> ReadPairs(DocContext context, DocObject obj, string key)
    {
        if (context.Object(obj, key) is not { } pairs)
        {
            return EquatableArray<HeaderSpec>.Empty;
        }

        return pairs
            .Properties.Select(p => new HeaderSpec(
                p.Name,
                context.Scalar(pairs, p.Name, ScalarKind.String, ScalarKind.Number, ScalarKind.Boolean) ?? ""
            ))
            .ToEquatableArray();
    }
}
