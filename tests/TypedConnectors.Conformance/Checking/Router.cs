using System.Text.RegularExpressions;
using TypedConnectors.Conformance.Reading;

namespace TypedConnectors.Conformance.Checking;

/// <summary>A request matched to an operation: the values of its path placeholders.</summary>
internal sealed record RouteMatch(DefOperation Operation, IReadOnlyDictionary<string, string> PathValues);

/// <summary>
/// Routes a request path to an operation the way servers do: method and path template under the base path,
/// segment-wise after percent-decoding, literal segments beating templated ones. A template's fragment (<c>#x</c>)
/// never reaches a server and is ignored; its query part (<c>?x=1</c>) must be in the request's query.
/// </summary>
internal sealed class Router
{
    private readonly List<(DefOperation Op, Segment[] Segments, string[] RequiredQuery)> _routes = new();

    public Router(IEnumerable<DefOperation> operations)
    {
        foreach (var op in operations)
        {
            // A fragment never reaches a server; AWS-style keys (/#Action=Foo) name the query that tells operations on one
            // path apart, and that query must then be in the request.
            var template = op.Path;
            var hash = template.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                var fragment = template[(hash + 1)..];
                template = template[..hash];
                if (fragment.IndexOf('=', StringComparison.Ordinal) > 0)
                {
                    template += (template.Contains('?', StringComparison.Ordinal) ? "&" : "?") + fragment;
                }
            }

            var query = Array.Empty<string>();
            var question = template.IndexOf('?', StringComparison.Ordinal);
            if (question >= 0)
            {
                query = template[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries);
                template = template[..question];
            }

            var segments = template.TrimStart('/').Split('/').Select(Segment.Parse).ToArray();
            if (template.TrimStart('/').Length == 0)
            {
                segments = new[] { Segment.Parse("") };
            }

            _routes.Add((op, segments, query));
        }
    }

    /// <summary>The best route, or null; <paramref name="preferred"/> wins among routes that match equally well.</summary>
    public RouteMatch? Match(string method, string relativeRawPath, string rawQuery, DefOperation? preferred)
    {
        var rawSegments = relativeRawPath.TrimStart('/').Split('/');
        var decoded = rawSegments.Select(s => Uri.UnescapeDataString(s)).ToArray();
        var queryPairs = rawQuery
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(Uri.UnescapeDataString)
            .ToHashSet(StringComparer.Ordinal);
        RouteMatch? best = null;
        var bestScore = -1;
        var bestPreferred = false;
        foreach (var (op, segments, requiredQuery) in _routes)
        {
            if (!op.Method.Equals(method, StringComparison.OrdinalIgnoreCase) || segments.Length != decoded.Length)
            {
                continue;
            }

            if (!requiredQuery.All(q => HasQueryPair(queryPairs, q)))
            {
                continue;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var score = 0;
            var ok = true;
            for (var i = 0; i < segments.Length && ok; i++)
            {
                var segment = segments[i];
                if (segment.Regex is null)
                {
                    ok = string.Equals(segment.Literal, decoded[i], StringComparison.Ordinal);
                    // Earlier literal segments weigh more: /users/me beats /users/{id}, /a/{x} beats /{y}/b.
                    score += ok ? 1 << Math.Max(0, 20 - i) : 0;
                    continue;
                }

                var m = segment.Regex.Match(decoded[i]);
                if (!m.Success)
                {
                    ok = false;
                    continue;
                }

                for (var g = 0; g < segment.Names.Length; g++)
                {
                    values[segment.Names[g]] = m.Groups[g + 1].Value;
                }

                score += segment.LiteralLength;
            }

            if (!ok)
            {
                continue;
            }

            score += requiredQuery.Length;
            var isPreferred = ReferenceEquals(op, preferred);
            if (score > bestScore || (score == bestScore && isPreferred && !bestPreferred))
            {
                best = new RouteMatch(op, values);
                bestScore = score;
                bestPreferred = isPreferred;
            }
        }

        return best;
    }

    /// <summary>
    /// Whether <paramref name="op"/>'s template matches the path with placeholder <paramref name="name"/> holding exactly
    /// <paramref name="value"/>: a segment of several placeholders ({a}.{b}) splits ambiguously when a value contains
    /// the separator (a date-time, an e-mail address), and the split the router picked first need not be the one sent.
    /// </summary>
    public bool Holds(DefOperation op, string relativeRawPath, string name, string value)
    {
        var decoded = relativeRawPath.TrimStart('/').Split('/').Select(s => Uri.UnescapeDataString(s)).ToArray();
        var route = _routes.FirstOrDefault(r => ReferenceEquals(r.Op, op));
        if (route.Segments is null || route.Segments.Length != decoded.Length)
        {
            return false;
        }

        for (var i = 0; i < decoded.Length; i++)
        {
            if (route.Segments[i].Names.Contains(name, StringComparer.Ordinal))
            {
                return Segment.Parse(route.Segments[i].Text, (name, value)).Regex!.IsMatch(decoded[i]);
            }
        }

        return false;
    }

    /// <summary>
    /// A key's query pair in the request: <c>name=value</c> exactly, a bare <c>name</c> as any value of it; a
    /// <c>name={x}</c> template constrains nothing here.
    /// </summary>
    private static bool HasQueryPair(HashSet<string> pairs, string written)
    {
        var pair = Uri.UnescapeDataString(written);
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0 && !pair.Contains('{', StringComparison.Ordinal))
        {
            return pairs.Contains(pair);
        }

        // name={x} is the declared parameter x, present or not as its own rules say (checked with the parameters).
        if (equals >= 0)
        {
            return true;
        }

        return pairs.Any(p => p == pair || p.StartsWith(pair + "=", StringComparison.Ordinal));
    }

    private sealed record Segment(string Literal, Regex? Regex, string[] Names, int LiteralLength)
    {
        /// <summary>The segment as the template writes it.</summary>
        public string Text { get; init; } = Literal;

        public static Segment Parse(string text) => Parse(text, null);

        /// <summary>The segment's pattern; <paramref name="fixedValue"/> pins one placeholder to a value.</summary>
        public static Segment Parse(string text, (string Name, string Value)? fixedValue)
        {
            // A template's literal text is a URI path as written (caf%C3%A9, %20x, a%2Fb): compared decoded, as the request.
            if (!text.Contains('{', StringComparison.Ordinal))
            {
                var literalText = Uri.UnescapeDataString(text);
                return new Segment(literalText, null, Array.Empty<string>(), literalText.Length);
            }

            var names = new List<string>();
            var pattern = "^";
            var literal = 0;
            var i = 0;
            while (i < text.Length)
            {
                var open = text.IndexOf('{', i);
                var close = open < 0 ? -1 : text.IndexOf('}', open);
                if (open < 0 || close < 0)
                {
                    pattern += Regex.Escape(Uri.UnescapeDataString(text[i..]));
                    literal += text.Length - i;
                    break;
                }

                pattern += Regex.Escape(Uri.UnescapeDataString(text[i..open]));
                literal += open - i;
                names.Add(text[(open + 1)..close]);
                pattern += fixedValue is { } f && f.Name == names[^1] ? "(" + Regex.Escape(f.Value) + ")" : "(.+?)";
                i = close + 1;
            }

            return new Segment(
                text,
                new Regex(pattern + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline),
                names.ToArray(),
                literal
            )
            {
                Text = text,
            };
        }
    }
}
