namespace TypedConnectors.Adversarial.Tests;

/// <summary>Which reader a generated document is meant for.</summary>
public enum DocKind
{
    Swagger20,
    OpenApi30,
    OpenApi31,
    Canonical,
}

/// <summary>A JSON number kept as written, so values no double holds (1e400, 99999999999999999999) survive.</summary>
public sealed record Num(string Text);

/// <summary>A schema of the generated document; rendered per dialect.</summary>
public sealed record Sch
{
    public string? Type { get; init; }
    public string? Format { get; init; }
    public IReadOnlyList<object>? Enum { get; init; }
    public string? Ref { get; init; }
    public Sch? Items { get; init; }
    public IReadOnlyList<Prop>? Properties { get; init; }
    public object? Default { get; init; }
    public Num? Minimum { get; init; }
    public Num? Maximum { get; init; }

    /// <summary>A bound that excludes itself: a number of its own in 3.1, the minimum/maximum with a true flag elsewhere.</summary>
    public bool ExclusiveMinimum { get; init; }
    public bool ExclusiveMaximum { get; init; }
    public int? MaxLength { get; init; }
    public string? Description { get; init; }

    public bool IsPrimitive => Ref is null && Type is "string" or "integer" or "number" or "boolean";
}

public sealed record Prop(string Name, Sch Schema, bool Required);

public sealed record Param(string Name, string In, Sch Schema, bool Required, string? Style, bool? Explode, string? Description);

/// <summary>A request body: json, form or multipart.</summary>
public sealed record Body(string Kind, Sch Schema, bool Required);

public sealed record Op(
    string Method,
    string Path,
    string? Id,
    string? Tag,
    string? Description,
    IReadOnlyList<Param> Params,
    Body? Body,
    Sch? Response
);

public sealed record NamedSchema(string Name, Sch Schema);

/// <summary>One generated connector definition, before it is written out as a file.</summary>
public sealed record Doc(
    DocKind Kind,
    bool Yaml,
    string Title,
    string? Description,
    string BasePath,
    string Auth,
    IReadOnlyList<Op> Ops,
    IReadOnlyList<NamedSchema> Schemas
);
