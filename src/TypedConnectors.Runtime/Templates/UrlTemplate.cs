using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TypedConnectors;

/// <summary>
/// Resolves base URL templates such as <c>https://{{ domain }}/api/{{ tenant }}</c> without letting a value change
/// the URL's scheme, host boundary or path structure.
/// </summary>
/// <remarks>
/// Template values usually come from a customer's connection settings, so a value such as
/// <c>evil.com/x</c>, <c>a@evil.com</c> or <c>../admin</c> is an attack (host injection, SSRF), not a typo.
/// Values are therefore validated against the part of the URL they land in rather than escaped: escaping would
/// still let a value pick another host.
/// </remarks>
public static class UrlTemplate
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    private enum Part
    {
        Host,
        Port,
        Path,
    }

    /// <summary>Fills the template's <c>{{ name }}</c> placeholders and parses the result.</summary>
    /// <param name="template">An absolute http or https URL with placeholders; the scheme and user-info cannot be templated.</param>
    /// <param name="values">Returns a variable's value, or null when it has none.</param>
    /// <param name="patterns">Optional regular expressions by variable name that the whole value must match.</param>
    /// <returns>The resolved absolute URL.</returns>
    /// <exception cref="ConnectorConfigurationException">
    /// The template is malformed, or a value is missing or not allowed where it lands. The message names the variable, never its value.
    /// </exception>
    public static Uri Resolve(string template, Func<string, string?> values, IReadOnlyDictionary<string, string>? patterns = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);

        var schemeEnd = template.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new ConnectorConfigurationException($"The URL template '{template}' is not an absolute URL.");
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = template.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = template.Length;
        }

        var userInfoEnd = template.IndexOf('@', authorityStart, authorityEnd - authorityStart);
        var builder = new StringBuilder(template.Length + 32);
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                builder.Append(template, position, template.Length - position);
                break;
            }

            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ConnectorConfigurationException($"The URL template '{template}' has an unclosed '{{{{'.");
            }

            builder.Append(template, position, open - position);
            var name = template.Substring(open + 2, close - open - 2).Trim();
            if (name.Length == 0 || name.AsSpan().IndexOfAny("{}") >= 0)
            {
                throw new ConnectorConfigurationException($"The URL template '{template}' has an empty or malformed placeholder.");
            }

            if (open < authorityStart || (userInfoEnd >= 0 && open < userInfoEnd))
            {
                throw new ConnectorConfigurationException(
                    name,
                    $"The URL template variable '{name}' is in the scheme or user-info part of the URL, which cannot be templated.",
                    null
                );
            }

            Part part;
            if (open >= authorityEnd)
            {
                part = Part.Path;
            }
            else
            {
                // In the authority, whatever follows the last colon before the placeholder is the port.
                var colon = template.IndexOf(':', authorityStart, open - authorityStart);
                part = colon >= 0 ? Part.Port : Part.Host;
            }

            var value = values(name);
            Validate(name, value, part, patterns);
            builder.Append(value);
            position = close + 2;
        }

        var text = builder.ToString();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            // The text may contain a secret value, so only the template is named.
            throw new ConnectorConfigurationException($"The URL template '{template}' does not resolve to an absolute http or https URL.");
        }

        return uri;
    }

    private static void Validate(string name, string? value, Part part, IReadOnlyDictionary<string, string>? patterns)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ConnectorConfigurationException(name, $"The URL template variable '{name}' has no value.", null);
        }

        var valid = part switch
        {
            Part.Host => IsHost(value),
            Part.Port => value.Length <= 5
                && value.All(char.IsAsciiDigit)
                && int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) is > 0 and <= 65535,
            _ => IsPathSegmentText(value),
        };
        if (!valid)
        {
            var rule = part switch
            {
                Part.Host => "host names allow only letters, digits and '-' in dot-separated, non-empty labels",
                Part.Port => "a port is a number from 1 to 65535",
                _ => "path values allow only letters, digits and '-', '.', '_', '~', and may not be '.' or '..'",
            };
            throw new ConnectorConfigurationException(name, $"The value of URL template variable '{name}' is not allowed: {rule}.", null);
        }

        if (patterns is not null && patterns.TryGetValue(name, out var pattern) && !string.IsNullOrEmpty(pattern))
        {
            bool matches;
            try
            {
                matches = Regex.IsMatch(value, $"^(?:{pattern})$", RegexOptions.CultureInvariant, PatternTimeout);
            }
            catch (RegexMatchTimeoutException ex)
            {
                throw new ConnectorConfigurationException(name, $"The pattern of URL template variable '{name}' timed out.", ex);
            }
            catch (ArgumentException ex)
            {
                throw new ConnectorConfigurationException(
                    name,
                    $"The pattern of URL template variable '{name}' is not a valid regular expression.",
                    ex
                );
            }

            if (!matches)
            {
                throw new ConnectorConfigurationException(
                    name,
                    $"The value of URL template variable '{name}' does not match its pattern '{pattern}'.",
                    null
                );
            }
        }
    }

    private static bool IsHost(string value)
    {
        if (value.Length > 253)
        {
            return false;
        }

        foreach (var label in value.Split('.'))
        {
            if (label.Length is 0 or > 63 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPathSegmentText(string value) =>
        value is not "." and not ".." && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
