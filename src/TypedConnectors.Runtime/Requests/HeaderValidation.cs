namespace TypedConnectors;

/// <summary>Checks header names and values before they reach the wire.</summary>
internal static class HeaderValidation
{
    /// <summary>
    /// Refuses values that could split a header (CR/LF, NUL) and names that are not HTTP tokens.
    /// The message names the header only: its value may be a credential.
    /// </summary>
    public static void Ensure(string name, string value)
    {
        if (!IsToken(name))
        {
            throw new ConnectorConfigurationException(name, $"'{name}' is not a valid HTTP header name.", null);
        }

        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ConnectorConfigurationException(
                name,
                $"The value of header '{name}' contains a line break or NUL character, which would let it inject headers.",
                null
            );
        }
    }

    /// <summary>Whether <paramref name="name"/> is an RFC 9110 token.</summary>
    public static bool IsToken(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether HttpClient keeps this header on the content rather than on the request message.</summary>
    public static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Allow", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase);

    /// <summary>Sets a request header, replacing earlier values so a resent request does not carry it twice.</summary>
    public static void Set(HttpRequestMessage request, string name, string value)
    {
        Ensure(name, value);
        request.Headers.Remove(name);
        if (!request.Headers.TryAddWithoutValidation(name, value))
        {
            throw new ConnectorConfigurationException(name, $"'{name}' cannot be sent as a request header.", null);
        }
    }
}
