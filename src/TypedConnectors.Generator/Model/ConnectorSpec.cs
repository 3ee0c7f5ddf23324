namespace TypedConnectors.Generator.Model;

// The one internal model every reader produces. Readers fill in wire names and descriptions;
// Model/SpecBinder assigns C# identifiers afterwards, so that naming rules live in one place and
// the emitter never needs to know which input format a connector came from.

internal enum ConnectorKind
{
    Simple,
    Enrichment,
    Exporter,
}

internal enum SourceDialect
{
    Canonical,
    OpenApi,
    Scalekit,
    Databar,
}

/// <summary>A whole connector: metadata, connection settings, auth, limits, operations and types.</summary>
internal sealed record ConnectorSpec
{
    public required string Name { get; init; }
    public required string Slug { get; init; }
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public string? Domain { get; init; }
    public string? IconUrl { get; init; }
    public string? Visibility { get; init; }
    public string? Version { get; init; }
    public ConnectorKind Kind { get; init; } = ConnectorKind.Simple;
    public SourceDialect Dialect { get; init; }

    /// <summary>Base URL, possibly with <c>{{variable}}</c> placeholders.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>Where the reader found the base URL in its file (a JSON pointer), for located diagnostics.</summary>
    public string BaseUrlPointer { get; init; } = "/base_url";
    public EquatableArray<VariableSpec> Variables { get; init; } = EquatableArray<VariableSpec>.Empty;
    public EquatableArray<AuthMethodSpec> AuthMethods { get; init; } = EquatableArray<AuthMethodSpec>.Empty;

    /// <summary>Connection fields that are not credentials of one auth method (Scalekit account_fields).</summary>
    public EquatableArray<FieldSpec> AccountFields { get; init; } = EquatableArray<FieldSpec>.Empty;
    public RateLimitSpec? RateLimit { get; init; }
    public int? MaxConcurrency { get; init; }

    /// <summary>The header that carries an idempotency key on the connector's POST and PATCH operations, or null.</summary>
    public string? IdempotencyKeyHeader { get; init; }

    /// <summary>Vendor header names that report the remaining budget and its reset (seconds or a Unix time), or null.</summary>
    public RateLimitHeadersSpec? RateLimitHeaders { get; init; }
    public EquatableArray<HeaderSpec> DefaultHeaders { get; init; } = EquatableArray<HeaderSpec>.Empty;

    /// <summary>
    /// Headers with a literal credential that a reader turned into an auth method (Databar): not sent as written, but
    /// checked by the validator like every header, so the literal is reported where it is written.
    /// </summary>
    public EquatableArray<HeaderSpec> CredentialHeaders { get; init; } = EquatableArray<HeaderSpec>.Empty;
    public EquatableArray<OperationSpec> Operations { get; init; } = EquatableArray<OperationSpec>.Empty;
    public EquatableArray<TypeSpec> Types { get; init; } = EquatableArray<TypeSpec>.Empty;

    /// <summary>True when the connector is a proxy: the client gets generic send methods relative to the base URL.</summary>
    public bool IsProxy { get; init; }
    public bool IsMcp { get; init; }

    /// <summary>Other input files this connector is built from (an OpenAPI document a connector file references).</summary>
    public string? OpenApiReference { get; init; }

    // Assigned by SpecBinder.
    public string Namespace { get; init; } = "";

    /// <summary>The generated type names (client, connection, groups...), assigned by SpecBinder.</summary>
    public GeneratedNames Names { get; init; } = new();

    public string ClientName => Names.Client;
}

/// <summary>A <c>{{name}}</c> template variable of the base URL.</summary>
internal sealed record VariableSpec
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? Default { get; init; }

    /// <summary>A regular expression every value must match in full, in addition to the built-in URL safety rules.</summary>
    public string? Pattern { get; init; }
    public string Pointer { get; init; } = "";
    public string Identifier { get; init; } = "";

    /// <summary>The connection factories' parameter for this value, assigned by SpecBinder.</summary>
    public string Parameter { get; init; } = "";
}

internal sealed record RateLimitSpec(int Permits, int WindowSeconds);

internal sealed record HeaderSpec(string Name, string Value, string Pointer = "");

/// <summary>A vendor's names for the remaining-budget and reset headers of its responses.</summary>
internal sealed record RateLimitHeadersSpec(string Remaining, string Reset);
