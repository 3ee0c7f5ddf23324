namespace TypedConnectors;

/// <summary>
/// Marks a generated client class as a connector and carries the connector's identity and templated base URL.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ConnectorAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="slug">The connector's stable machine name, e.g. <c>github</c>.</param>
    public ConnectorAttribute(string slug)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(slug);
        Slug = slug;
    }

    /// <summary>The connector's stable machine name.</summary>
    public string Slug { get; }

    /// <summary>The human-readable connector name.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// The base URL, possibly with <c>{{ variable }}</c> placeholders that <see cref="UrlTemplate.Resolve"/> fills from the connection.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>The connector definition's version.</summary>
    public string? Version { get; set; }
}
