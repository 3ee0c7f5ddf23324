namespace TypedConnectors;

/// <summary>
/// Declares a variable of the connector's base URL template, e.g. <c>domain</c> in <c>https://{{domain}}/api</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class TemplateVariableAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The variable's name as written in the template.</param>
    public TemplateVariableAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The variable's name as written in the template.</summary>
    public string Name { get; }

    /// <summary>A regular expression the whole value must match, on top of the structural URL rules.</summary>
    public string? Pattern { get; set; }

    /// <summary>The value used when the connection has none.</summary>
    public string? DefaultValue { get; set; }
}
