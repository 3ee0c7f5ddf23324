namespace TypedConnectors.Generator.Model;

internal enum ParameterLocation
{
    Path,
    Query,
    Header,
    Cookie,

    /// <summary>A field of a JSON object body, or a variable of a body template.</summary>
    Body,

    /// <summary>A field of an application/x-www-form-urlencoded body.</summary>
    Form,

    /// <summary>A part of a multipart/form-data body.</summary>
    Multipart,
}

/// <summary>One endpoint: becomes one async method on the client.</summary>
internal sealed record OperationSpec
{
    public required string Name { get; init; }
    public string? Summary { get; init; }
    public string? Description { get; init; }

    /// <summary>Upper-case HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>Path relative to the base URL, with <c>{name}</c> placeholders; may also be an absolute URL.</summary>
    public required string Path { get; init; }
    public EquatableArray<ParameterSpec> Parameters { get; init; } = EquatableArray<ParameterSpec>.Empty;
    public BodySpec? Body { get; init; }
    public ResponseSpec Response { get; init; } = ResponseSpec.None;

    /// <summary>Sub-client this operation belongs to (an OpenAPI tag), when operations are grouped.</summary>
    public string? Group { get; init; }
    public bool Deprecated { get; init; }

    /// <summary>Auth method keys this operation accepts; empty means the connector's methods apply.</summary>
    public EquatableArray<string> AuthMethods { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The operation takes no credential at all: nothing of the connection's auth is sent.</summary>
    public bool Anonymous { get; init; }

    /// <summary>With <see cref="AuthMethods"/>: a connection using another method calls the operation without credential.</summary>
    public bool AuthOptional { get; init; }

    /// <summary>Security schemes the operation requires that the connector cannot send; non-empty means every call fails.</summary>
    public EquatableArray<string> UnsupportedAuth { get; init; } = EquatableArray<string>.Empty;

    /// <summary>JSON pointer of the definition in its source file, for located diagnostics.</summary>
    public string Pointer { get; init; } = "";
    public string Identifier { get; init; } = "";

    // Operation-level features (Features/): each one's record, read, checked, named and printed by its descriptor.

    /// <summary>How the operation pages through a list, when it does.</summary>
    public PaginationSpec? Pagination { get; init; }

    /// <summary>How the operation's streamed response is read as events, when it is.</summary>
    public StreamingSpec? Streaming { get; init; }

    /// <summary>The method returning status and headers with the body (<c>…WithResponseAsync</c>).</summary>
    public string ResponseIdentifier { get; init; } = "";

    /// <summary>Every public method name the operation takes on its client, for member scopes.</summary>
    public IEnumerable<string> MethodIdentifiers =>
        new[] { Identifier, ResponseIdentifier }.Concat(Features.OperationFeatures.MethodIdentifiers(this)).Where(i => i.Length > 0);
}

internal sealed record ParameterSpec
{
    public required string Name { get; init; }
    public required ParameterLocation Location { get; init; }
    public required TypeRef Type { get; init; }
    public bool Required { get; init; }
    public string? Description { get; init; }

    /// <summary>Default value as plain text (<c>abc</c>, <c>42</c>, <c>true</c>), rendered per type by the emitter.</summary>
    public string? Default { get; init; }

    /// <summary>A fixed value the connector always sends; not exposed as a method parameter.</summary>
    public string? Constant { get; init; }
    public ParameterStyle Style { get; init; } = ParameterStyle.Form;
    public bool Explode { get; init; } = true;
    public ConstraintsSpec? Constraints { get; init; }
    public string Pointer { get; init; } = "";
    public string Identifier { get; init; } = "";
}

internal enum BodyKind
{
    /// <summary>A JSON document of <see cref="BodySpec.Type"/>, passed as one parameter.</summary>
    Json,

    /// <summary>A JSON object assembled from the operation's <see cref="ParameterLocation.Body"/> parameters.</summary>
    JsonFields,

    /// <summary>A body template rendered from the operation's <see cref="ParameterLocation.Body"/> parameters.</summary>
    Template,
    Form,
    Multipart,

    /// <summary>Raw bytes from a Stream parameter.</summary>
    Binary,
    Text,
}

internal sealed record BodySpec
{
    public required BodyKind Kind { get; init; }
    public string ContentType { get; init; } = "application/json";
    public TypeRef? Type { get; init; }
    public bool Required { get; init; } = true;
    public string? Description { get; init; }
    public EquatableArray<TemplateSegment> Template { get; init; } = EquatableArray<TemplateSegment>.Empty;

    /// <summary>Name of the method parameter carrying a Json/Binary/Text body.</summary>
    public string ParameterName { get; init; } = "body";
    public string Pointer { get; init; } = "";
    public string Identifier { get; init; } = "";
}

/// <summary>A piece of a parsed body template: literal text, or a <c>{{ variable | filter }}</c> hole.</summary>
internal sealed record TemplateSegment
{
    public string? Literal { get; init; }
    public string? Variable { get; init; }

    /// <summary>True when the hole sits inside a JSON string literal, so the value is escaped without quotes.</summary>
    public bool InsideString { get; init; }

    /// <summary>Render the value as JSON (the <c>tojson</c> filter) instead of as text.</summary>
    public bool ToJson { get; init; }

    /// <summary>Value of a <c>default(...)</c> filter, as literal text.</summary>
    public string? Default { get; init; }
}

internal enum ResponseKind
{
    None,
    Json,
    Text,
    Stream,
}

internal sealed record ResponseSpec
{
    public static readonly ResponseSpec None = new() { Kind = ResponseKind.None };

    public required ResponseKind Kind { get; init; }
    public TypeRef? Type { get; init; }
    public string? Description { get; init; }
    public EquatableArray<ErrorResponseSpec> Errors { get; init; } = EquatableArray<ErrorResponseSpec>.Empty;
}

/// <summary>A declared error response: status code (<c>404</c>, <c>4XX</c> or <c>default</c>) and its model.</summary>
internal sealed record ErrorResponseSpec(string StatusCode, TypeRef Type);

internal sealed record ConstraintsSpec
{
    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }
    public string? Minimum { get; init; }
    public string? Maximum { get; init; }

    /// <summary>The minimum itself is not allowed (OpenAPI 3.1 numeric <c>exclusiveMinimum</c>, or 3.0/2.0 <c>exclusiveMinimum: true</c>).</summary>
    public bool ExclusiveMinimum { get; init; }
    public bool ExclusiveMaximum { get; init; }
    public string? Pattern { get; init; }
    public int? MinItems { get; init; }
    public int? MaxItems { get; init; }
}
