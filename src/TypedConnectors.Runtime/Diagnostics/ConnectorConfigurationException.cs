namespace TypedConnectors;

/// <summary>
/// A connector or connection is set up wrongly: a missing or invalid value, an unknown auth method, a template
/// variable that would change the URL's structure, a header value with line breaks.
/// </summary>
/// <remarks>
/// Messages name the offending field but never contain its value, because the value may be a secret.
/// </remarks>
public sealed class ConnectorConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConnectorConfigurationException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong; must not contain secret values.</param>
    public ConnectorConfigurationException(string message)
        : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong; must not contain secret values.</param>
    /// <param name="innerException">The cause.</param>
    public ConnectorConfigurationException(string message, Exception? innerException)
        : base(message, innerException) { }

    /// <summary>Creates the exception with a message naming the field it is about.</summary>
    /// <param name="fieldName">The connection value, template variable or header the problem is about.</param>
    /// <param name="message">What is wrong; must not contain secret values.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ConnectorConfigurationException(string fieldName, string message, Exception? innerException)
        : base(message, innerException)
    {
        FieldName = fieldName;
    }

    /// <summary>The connection value, template variable or header the problem is about, when there is one.</summary>
    public string? FieldName { get; }
}
