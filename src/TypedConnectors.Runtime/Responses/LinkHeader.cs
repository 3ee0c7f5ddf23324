namespace TypedConnectors;

/// <summary>Reads RFC 8288 <c>Link</c> headers: <c>&lt;https://api.example.com/items?page=2&gt;; rel="next", &lt;…&gt;; rel="last"</c>.</summary>
internal static class LinkHeader
{
    public static IReadOnlyDictionary<string, Uri> Parse(IEnumerable<string> values, Uri? baseUri)
    {
        var links = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            var position = 0;
            while (position < value.Length)
            {
                var open = value.IndexOf('<', position);
                if (open < 0)
                {
                    break;
                }

                var close = value.IndexOf('>', open + 1);
                if (close < 0)
                {
                    break;
                }

                var target = value.Substring(open + 1, close - open - 1).Trim();
                // Parameters run to the next link, which starts after a comma outside quotes.
                var end = close + 1;
                var quoted = false;
                while (end < value.Length && (quoted || value[end] != ','))
                {
                    quoted ^= value[end] == '"';
                    end++;
                }

                var parameters = value.Substring(close + 1, end - close - 1);
                position = end + 1;
                if (Relations(parameters) is not { } relations || !TryResolve(target, baseUri, out var uri))
                {
                    continue;
                }

                foreach (var relation in relations.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    links.TryAdd(relation, uri);
                }
            }
        }

        return links;
    }

    private static string? Relations(string parameters)
    {
        foreach (var parameter in parameters.Split(';'))
        {
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && parameter[..eq].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase))
            {
                return parameter[(eq + 1)..].Trim().Trim('"');
            }
        }

        return null;
    }

    private static bool TryResolve(string target, Uri? baseUri, out Uri uri)
    {
        if (Uri.TryCreate(target, UriKind.Absolute, out uri!) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return true;
        }

        return baseUri is not null && Uri.TryCreate(baseUri, target, out uri!);
    }
}
