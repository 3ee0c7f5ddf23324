namespace TypedConnectors;

/// <summary>
/// Replaces secret values in text a server sent back (reason phrases, OAuth <c>error</c> and
/// <c>error_description</c>) with <c>***</c> before it reaches an exception message or a log line.
/// </summary>
internal static class SecretScrubber
{
    public const string Redacted = "***";

    /// <summary>Values shorter than this are not treated as secrets: replacing every "a" would garble the text and protect nothing.</summary>
    private const int MinimumLength = 4;

    public static string? Scrub(string? text, IEnumerable<string?> secrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        // Longest first, so a secret that contains another is replaced whole.
        foreach (var secret in secrets.OfType<string>().Where(s => s.Length >= MinimumLength).Distinct().OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
            var escaped = Uri.EscapeDataString(secret);
            if (!string.Equals(escaped, secret, StringComparison.Ordinal))
            {
                text = text.Replace(escaped, Redacted, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>The credential values a request carried, as its auth handler set them.</summary>
    public static IEnumerable<string?> CredentialsOf(HttpRequestMessage request)
    {
        if (request.Headers.Authorization is { } authorization)
        {
            yield return authorization.Parameter;
            if (string.Equals(authorization.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) && authorization.Parameter is { } encoded)
            {
                string? decoded = null;
                try
                {
                    decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                }
                catch (FormatException)
                {
                    // Not base64: nothing more to hide than the parameter itself.
                }

                if (decoded is not null)
                {
                    yield return decoded;
                    var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                    if (colon >= 0)
                    {
                        yield return decoded[(colon + 1)..];
                    }
                }
            }
        }
    }
}
