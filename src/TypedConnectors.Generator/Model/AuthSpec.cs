namespace TypedConnectors.Generator.Model;

internal enum FieldInputType
{
    Text,
    Password,
}

/// <summary>One way to authenticate against the connector. A connector may offer several, one of them the default.</summary>
internal sealed record AuthMethodSpec
{
    /// <summary>Stable key of the method within the connector (e.g. <c>api_key</c>).</summary>
    public required string Key { get; init; }
    public required AuthKind Kind { get; init; }
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public bool IsDefault { get; init; }

    /// <summary>Header that carries the credential; <c>Authorization</c> unless overridden.</summary>
    public string? HeaderName { get; init; }

    /// <summary>Scheme or prefix written before the credential (e.g. <c>Bearer</c>, <c>Token</c>).</summary>
    public string? Prefix { get; init; }
    public ApiKeyLocation Location { get; init; } = ApiKeyLocation.Header;

    /// <summary>Query parameter or cookie name for API keys outside a header.</summary>
    public string? ParameterName { get; init; }

    /// <summary>Which field plays which role (username/password/token/key), by field name.</summary>
    public string? UsernameField { get; init; }
    public string? PasswordField { get; init; }
    public string? TokenField { get; init; }
    public EquatableArray<FieldSpec> Fields { get; init; } = EquatableArray<FieldSpec>.Empty;
    public EquatableArray<FieldMutationSpec> Mutations { get; init; } = EquatableArray<FieldMutationSpec>.Empty;
    public OAuthSpec? OAuth { get; init; }
    public bool IsMcp { get; init; }

    /// <summary>Where a custom method's <c>type</c> is written: TC0040 is reported there, after reading, once the compilation is known.</summary>
    public Diagnostics.LocationInfo? TypeLocation { get; init; }
    public string Pointer { get; init; } = "";
    public string Identifier { get; init; } = "";

    /// <summary>The connection's factory for this method (<c>CreateApiKey</c>), assigned by SpecBinder.</summary>
    public string FactoryName { get; init; } = "";

    /// <summary>The custom-auth interface's method that creates this method's handler (custom methods).</summary>
    public string HandlerFactoryName { get; init; } = "";

    /// <summary>The connection's factory for the MCP SDK's own OAuth flow with this method (MCP connectors).</summary>
    public string McpFactoryName { get; init; } = "";

    /// <summary>The fields holding a managed OAuth method's client id and secret, assigned by SpecBinder.</summary>
    public string? OAuthClientIdField { get; init; }
    public string? OAuthClientSecretField { get; init; }

    /// <summary>An OAuth 2.0 method whose tokens the runtime manages (MCP servers run their own OAuth through the MCP SDK).</summary>
    public bool IsManagedOAuth => Kind == AuthKind.OAuth2 && !IsMcp && OAuth is not null;
}

/// <summary>A value the user supplies when creating a connection.</summary>
internal sealed record FieldSpec
{
    public required string Name { get; init; }
    public string? Label { get; init; }
    public string? Hint { get; init; }
    public FieldInputType InputType { get; init; } = FieldInputType.Text;
    public bool Required { get; init; } = true;
    public string? Default { get; init; }
    public string Pointer { get; init; } = "";
    public string Identifier { get; init; } = "";

    /// <summary>The connection factories' parameter for this value, assigned by SpecBinder.</summary>
    public string Parameter { get; init; } = "";

    public bool IsSecret => InputType == FieldInputType.Password;
}

/// <summary>Applied to a field value before it is sent (Scalekit's auth_field_mutations).</summary>
internal sealed record FieldMutationSpec
{
    public required string Field { get; init; }
    public string? Prefix { get; init; }
    public string? Suffix { get; init; }

    /// <summary>Value used when the connection leaves the field empty (e.g. a fixed Basic password).</summary>
    public string? Default { get; init; }
}

internal enum OAuthClientAuthentication
{
    Body,
    BasicHeader,
}

internal sealed record OAuthSpec
{
    public string Pointer { get; init; } = "";
    public string? AuthorizeUri { get; init; }
    public string? TokenUri { get; init; }
    public string? UserInfoUri { get; init; }
    public string? RefreshUri { get; init; }
    public EquatableArray<OAuthScopeSpec> Scopes { get; init; } = EquatableArray<OAuthScopeSpec>.Empty;
    public bool PkceEnabled { get; init; }

    /// <summary>Grant types the connector supports: authorization_code, client_credentials, refresh_token, password.</summary>
    public EquatableArray<string> GrantTypes { get; init; } = EquatableArray<string>.Empty;
    public OAuthClientAuthentication ClientAuthentication { get; init; } = OAuthClientAuthentication.Body;
    public EquatableArray<HeaderSpec> ExtraAuthorizeParameters { get; init; } = EquatableArray<HeaderSpec>.Empty;
    public EquatableArray<HeaderSpec> ExtraTokenParameters { get; init; } = EquatableArray<HeaderSpec>.Empty;
}

internal sealed record OAuthScopeSpec(string Scope, string? Description, bool Required);
