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
            var template = op.Path;
            var hash = template.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                template = template[..hash];
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
        var queryPairs = rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToHashSet(StringComparer.Ordinal);
        RouteMatch? best = null;
        var bestScore = -1;
        var bestPreferred = false;
        foreach (var (op, segments, requiredQuery) in _routes)
        {
            if (!op.Method.Equals(method, StringComparison.OrdinalIgnoreCase) || segments.Length != decoded.Length)
            {
                continue;
            }

            if (requiredQuery.Any(q => !queryPairs.Contains(Uri.UnescapeDataString(q)) && !queryPairs.Any(p => p.StartsWith(Uri.UnescapeDataString(q).Split('=')[0] + "=", StringComparison.Ordinal) && !q.Contains('=', StringComparison.Ordinal))))
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

    private sealed record Segment(string Literal, Regex? Regex, string[] Names, int LiteralLength)
    {
        public static Segment Parse(string text)
        {
            if (!text.Contains('{', StringComparison.Ordinal))
            {
                return new Segment(text, null, Array.Empty<string>(), text.Length);
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
                    pattern += Regex.Escape(text[i..]);
                    literal += text.Length - i;
                    break;
                }

                pattern += Regex.Escape(text[i..open]);
                literal += open - i;
                names.Add(text[(open + 1)..close]);
                pattern += "(.+?)";
                i = close + 1;
            }

            return new Segment(text, new Regex(pattern + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline), names.ToArray(), literal);
        }
    }
}
