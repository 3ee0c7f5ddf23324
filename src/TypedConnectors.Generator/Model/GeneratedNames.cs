namespace TypedConnectors.Generator.Model;

/// <summary>
/// Every type and member name the generated code of one connector declares beyond the elements' own identifiers,
/// decided once by <see cref="SpecBinder"/>. The emitter prints these names; it derives none.
/// </summary>
internal sealed record GeneratedNames
{
    /// <summary>How the name of the custom-auth interface ends, which is how the generator finds its implementations.</summary>
    public const string CustomAuthSuffix = "CustomAuth";

    /// <summary>The client name without its <c>Client</c> suffix; the other type names start with it.</summary>
    public string Stem { get; init; } = "";
    public string Client { get; init; } = "";
    public string Interface { get; init; } = "";
    public string Connection { get; init; } = "";
    public string AuthMethod { get; init; } = "";
    public string ServiceCollectionExtensions { get; init; } = "";
    public string Json { get; init; } = "";
    public string McpSession { get; init; } = "";

    /// <summary>The interface a project implements for the connector's custom auth methods.</summary>
    public string CustomAuthInterface { get; init; } = "";

    /// <summary>The JSON contracts' property names on the JSON helper, by type (nullability included).</summary>
    public EquatableArray<TypeInfoName> TypeInfos { get; init; } = EquatableArray<TypeInfoName>.Empty;

    /// <summary>The sub-clients of a large API, one per operation group, in document order; empty when not grouped.</summary>
    public EquatableArray<GroupNames> Groups { get; init; } = EquatableArray<GroupNames>.Empty;

    /// <summary>The names derived from a client name, before any of them is checked against the connector's types.</summary>
    public static GeneratedNames For(string clientName)
    {
        var stem =
            clientName.EndsWith("Client", StringComparison.Ordinal) && clientName.Length > "Client".Length
                ? clientName.Substring(0, clientName.Length - "Client".Length)
                : clientName;
        return new GeneratedNames
        {
            Stem = stem,
            Client = clientName,
            Interface = "I" + clientName,
            Connection = stem + "Connection",
            AuthMethod = stem + "AuthMethod",
            ServiceCollectionExtensions = stem + "ServiceCollectionExtensions",
            Json = stem + "Json",
            McpSession = stem + (stem.EndsWith("Mcp", StringComparison.Ordinal) ? "Session" : "McpSession"),
            CustomAuthInterface = "I" + stem + CustomAuthSuffix,
        };
    }

    /// <summary>The type names above, which a model type or group class may not take.</summary>
    public IEnumerable<string> TypeNames =>
        new[] { Client, Interface, Connection, AuthMethod, ServiceCollectionExtensions, Json, McpSession, CustomAuthInterface };
}

/// <summary>One operation group's sub-client: the group key operations carry, the client property and the class.</summary>
internal sealed record GroupNames(string Group, string Property, string ClassName, string InterfaceName);

/// <summary>The name of the JSON contract of <paramref name="Type"/> (a nullable type has its own).</summary>
/// <remarks>A value in its array: a large API has tens of thousands, kept with the bound model, and none needs to be an object.</remarks>
internal readonly record struct TypeInfoName(TypeRef Type, string Name);
