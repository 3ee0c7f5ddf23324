using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TypedConnectors.Conformance.Reading;
using TypedConnectors.Conformance.Server;

namespace TypedConnectors.Conformance.Checking;

internal sealed partial class CheckSession
{
    /// <summary>
    /// The pages the server answers one paging call with: two full pages with a next-page signal in the declared
    /// style, then the stop condition (no signal, <c>has_more</c> false, <c>total</c> reached, a short page), or, when
    /// the style has no signal of its own, one more page that is empty.
    /// </summary>
    private sealed class PagePlan
    {
        private readonly CheckSession _session;
        private readonly DefOperation _op;
        private readonly DefPagination _paging;
        private readonly JsonNode? _responseSchema;
        private readonly JsonNode? _itemSchema;
        private readonly ItemMarker _marker;
        private readonly List<JsonNode?> _bodies = new();
        private readonly List<List<string?>> _markers = new();
        private readonly List<string?> _cursors = new();
        private readonly List<string?> _nextTargets = new();
        private readonly List<int> _counts = new();
        private int _answered;

        public PagePlan(CheckSession session, DefOperation op, DefPagination paging, DefResponse success)
        {
            _session = session;
            _op = op;
            _paging = paging;
            _responseSchema = success.Schema;
            var refs = session.Refs;
            var container =
                paging.Items.Length == 0 ? refs.Object(success.Schema) : refs.Object(SchemaAt(refs, success.Schema, paging.Items));
            _itemSchema = container?["items"];
            _marker = new ItemMarker(refs, _itemSchema);
        }

        public int ExpectedRequests { get; private set; } = 3;

        public int PagesServed => Math.Min(_answered, ExpectedRequests);

        public string StopReason { get; private set; } = "";

        public string? Failure { get; private set; }

        public bool HasMarker => _marker.Property is not null;

        public string? MarkerOf(object? item) => _marker.Read(item);

        public List<string?> ServedMarkers(int requests) => _markers.Take(Math.Min(requests, ExpectedRequests)).SelectMany(m => m).ToList();

        public CannedResponse Answer(RecordedRequest request)
        {
            _answered++;
            if (_answered == 1)
            {
                Plan(request);
            }

            if (_answered > ExpectedRequests)
            {
                Failure ??= "requested page " + _answered + " after the stop condition (" + StopReason + ")";
                return Page(Build(_answered, 0, request, last: true));
            }

            return Page(_bodies[_answered - 1]);
        }

        private CannedResponse Page(JsonNode? body)
        {
            var index = _answered - 1;
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            if (_paging.Style == "link_header" && index < _nextTargets.Count && _nextTargets[index] is { } next)
            {
                headers["Link"] = "<" + next + ">; rel=\"next\", <" + next + "&last=1>; rel=\"last\"";
            }

            return new CannedResponse(200, "application/json", Encoding.UTF8.GetBytes(body?.ToJsonString() ?? "null"))
            {
                Headers = headers,
            };
        }

        private void Plan(RecordedRequest first)
        {
            // A page size the request carries makes a shorter page the last: serve exactly that many.
            var size = _paging.LimitParam is { } limit && Sent(first, limit) is { } sent && int.TryParse(sent, out var l) ? l : (int?)null;
            var n = Math.Clamp(size ?? 2, 1, 1000);
            var signal = _paging.Style is "next_url" or "link_header" || (_paging.Style == "cursor" && _paging.Cursor is not null);
            var stops = new List<string>();
            if (signal)
            {
                stops.Add("no next " + (_paging.Style == "cursor" ? "cursor" : "page URL"));
            }

            if (_paging.HasMore is not null)
            {
                stops.Add("has_more false");
            }

            if (_paging.Total is not null)
            {
                stops.Add("total reached");
            }

            if (size is not null && n > 1)
            {
                stops.Add("a short page");
            }

            if (n == 1)
            {
                stops.Add("an empty page");
            }

            ExpectedRequests = stops.Count > 0 ? 3 : 4;
            StopReason = stops.Count > 0 ? string.Join(", ", stops) : "an empty page";
            var counts = new[] { n, n, n > 1 ? 1 : 0, 0 };
            var total = counts.Take(ExpectedRequests).Sum();
            for (var page = 1; page <= ExpectedRequests; page++)
            {
                _counts.Add(counts[page - 1]);
                _bodies.Add(Build(page, counts[page - 1], first, last: page == ExpectedRequests, total));
            }
        }

        private JsonNode? Build(int page, int count, RecordedRequest first, bool last, int total = 0)
        {
            var refs = _session.Refs;
            var template = _itemSchema is null ? JsonValue.Create("tc") : _session._json.Value(_itemSchema);
            var items = new JsonArray();
            for (var j = 1; j <= count; j++)
            {
                items.Add(_marker.Mark(template?.DeepClone(), "tc-item-" + page + "-" + j));
            }

            string? cursor = null;
            if (_paging.Style == "cursor" && _paging.LastItemCursor is { } itemPointer && count > 0)
            {
                cursor = CursorValue(refs, _itemSchema, itemPointer, page, out var value);
                Set(items[count - 1], itemPointer, value, required: true);
            }

            JsonNode? body = _paging.Items.Length == 0 ? items : _session._json.Value(_responseSchema!) as JsonObject ?? new JsonObject();
            if (_paging.Items.Length > 0)
            {
                Set(body, _paging.Items, items, required: true);
            }

            string? nextTarget = null;
            if (!last)
            {
                nextTarget = first.RawPath + "?" + (first.RawQuery.Length > 0 ? first.RawQuery + "&" : "") + PageMarker + "=" + (page + 1);
            }

            if (_paging.Style == "cursor" && _paging.Cursor is { } pointer)
            {
                if (last)
                {
                    Set(body, pointer, null, Required(refs, pointer));
                }
                else
                {
                    cursor = CursorValue(refs, _responseSchema, pointer, page, out var value);
                    Set(body, pointer, value, required: true);
                }
            }

            if (_paging.Style == "next_url" && _paging.NextUrl is { } nextPointer)
            {
                // Page 1 gives an absolute URL, page 2 one relative to the request: both are documented.
                var url =
                    nextTarget is null ? null
                    : page == 1 ? new Uri(_session.Server.Address, nextTarget).AbsoluteUri
                    : nextTarget;
                Set(body, nextPointer, url is null ? null : JsonValue.Create(url), url is not null || Required(refs, nextPointer));
            }

            if (_paging.HasMore is { } hasMore)
            {
                Set(body, hasMore, JsonValue.Create(!last), required: true);
            }

            if (_paging.Total is { } totalPointer)
            {
                Set(body, totalPointer, JsonValue.Create(total), required: true);
            }

            if (page > _markers.Count)
            {
                _markers.Add(items.Select(i => _marker.Read(i)).ToList());
                _cursors.Add(cursor);
                _nextTargets.Add(_paging.Style is "next_url" or "link_header" ? nextTarget : null);
            }

            return body;
        }

        /// <summary>What request <paramref name="index"/> (0-based, after the first) must carry; null when it does.</summary>
        public string? Expected(int index, RecordedRequest first, RecordedRequest request)
        {
            if (index > _markers.Count)
            {
                return null;
            }

            switch (_paging.Style)
            {
                case "next_url":
                case "link_header":
                    var target = _nextTargets[index - 1];
                    return target is not null && Same(request.RawTarget, target)
                        ? null
                        : "sent " + request.RawTarget + ", the previous page's next URL is " + target;
                case "cursor":
                    return Advanced(first, request, _paging.CursorParam ?? "", _cursors[index - 1]);
                case "offset":
                    var start = Sent(first, _paging.OffsetParam ?? "") is { } s && long.TryParse(s, out var o) ? o : _paging.Start ?? 0;
                    return Advanced(
                        first,
                        request,
                        _paging.OffsetParam ?? "",
                        (start + _counts.Take(index).Sum()).ToString(CultureInfo.InvariantCulture)
                    );
                case "page":
                    var number = Sent(first, _paging.PageParam ?? "") is { } p && long.TryParse(p, out var v) ? v : _paging.Start ?? 1;
                    return Advanced(first, request, _paging.PageParam ?? "", (number + index).ToString(CultureInfo.InvariantCulture));
                default:
                    return null;
            }
        }

        private static bool Same(string sent, string expected) =>
            sent == expected || Uri.UnescapeDataString(sent.Replace('+', ' ')) == Uri.UnescapeDataString(expected.Replace('+', ' '));

        /// <summary>The request is the first one with <paramref name="name"/> set to <paramref name="value"/>, nothing else changed.</summary>
        private string? Advanced(RecordedRequest first, RecordedRequest request, string name, string? value)
        {
            if (IsQuery(name))
            {
                var before = QueryPairs(first.RawQuery)
                    .Where(q => q.Name != name)
                    .Select(q => q.Name + "=" + q.Value)
                    .Order(StringComparer.Ordinal);
                var after = QueryPairs(request.RawQuery)
                    .Where(q => q.Name != name)
                    .Select(q => q.Name + "=" + q.Value)
                    .Order(StringComparer.Ordinal);
                var sent = QueryPairs(request.RawQuery).Where(q => q.Name == name).Select(q => q.Value).ToList();
                if (sent.Count != 1 || sent[0] != value)
                {
                    return "'"
                        + name
                        + "' is "
                        + (sent.Count == 0 ? "missing" : "'" + string.Join(",", sent) + "'")
                        + ", expected '"
                        + value
                        + "'";
                }

                return before.SequenceEqual(after)
                    ? null
                    : "the other query parameters changed: " + request.RawQuery + " after " + first.RawQuery;
            }

            JsonObject? a,
                b;
            try
            {
                // A first request with no field to send may have no body at all.
                a = first.Body.Length == 0 ? new JsonObject() : JsonNode.Parse(first.Body) as JsonObject;
                b = JsonNode.Parse(request.Body) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                return "'" + name + "' is no query parameter and the body is no JSON object";
            }

            if (a is null || b is null)
            {
                return "'" + name + "' is no query parameter and the body is no JSON object";
            }

            if (Json.Str(b, name) != value)
            {
                return "body field '" + name + "' is '" + Json.Str(b, name) + "', expected '" + value + "'";
            }

            a.Remove(name);
            b.Remove(name);
            return JsonNode.DeepEquals(a, b) ? null : "the other body fields changed";
        }

        private bool IsQuery(string name) => _op.Parameters.Any(p => p.Name == name && p.In == "query") || _op.Body is null;

        private string? Sent(RecordedRequest request, string name)
        {
            if (IsQuery(name))
            {
                return QueryPairs(request.RawQuery).Where(q => q.Name == name).Select(q => q.Value).FirstOrDefault();
            }

            try
            {
                return Json.Str(JsonNode.Parse(request.Body), name);
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }

        private bool Required(RefResolver refs, string pointer)
        {
            var segments = pointer.TrimStart('/').Split('/');
            var parent = refs.Object(SchemaAt(refs, _responseSchema, "/" + string.Join("/", segments[..^1])));
            return RequiredNames(refs, parent, 0).Contains(Unescape(segments[^1]));
        }

        private static HashSet<string> RequiredNames(RefResolver refs, JsonObject? schema, int depth)
        {
            var names = Json.Items(schema, "required").Select(n => Json.Str(n)).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (depth < 16)
            {
                foreach (var part in Json.Items(schema, "allOf"))
                {
                    names.UnionWith(RequiredNames(refs, refs.Object(part), depth + 1));
                }
            }

            return names;
        }

        private static string CursorValue(RefResolver refs, JsonNode? schema, string pointer, int page, out JsonNode value)
        {
            var type = PaginationRules.Type(refs, refs.Object(SchemaAt(refs, schema, pointer)));
            if (type is "integer" or "number")
            {
                value = JsonValue.Create(1000 + page);
                return (1000 + page).ToString(CultureInfo.InvariantCulture);
            }

            value = JsonValue.Create("tc-cursor-" + page);
            return "tc-cursor-" + page;
        }
    }

    private static string Unescape(string token) =>
        token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    /// <summary>The schema a JSON pointer into a value of <paramref name="schema"/> lands on (through allOf).</summary>
    private static JsonNode? SchemaAt(RefResolver refs, JsonNode? schema, string pointer)
    {
        var node = schema;
        foreach (var raw in pointer.TrimStart('/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = PaginationRules.Properties(refs, refs.Object(node)).GetValueOrDefault(Unescape(raw));
        }

        return node;
    }

    /// <summary>Sets (or, when not required, removes) the value at a JSON pointer, creating the objects on the way.</summary>
    private static void Set(JsonNode? root, string pointer, JsonNode? value, bool required)
    {
        var segments = pointer.TrimStart('/').Split('/').Select(Unescape).ToArray();
        var node = root as JsonObject;
        for (var i = 0; node is not null && i < segments.Length - 1; i++)
        {
            if (node[segments[i]] is not JsonObject child)
            {
                node[segments[i]] = child = new JsonObject();
            }

            node = child;
        }

        if (node is null)
        {
            return;
        }

        if (value is null && !required)
        {
            node.Remove(segments[^1]);
        }
        else
        {
            node[segments[^1]] = value;
        }
    }

    /// <summary>
    /// Tells items apart: a plain string property of the item (or the item itself when it is a string) carries a
    /// marker the server sets and the checker reads back from the generated object.
    /// </summary>
    private sealed class ItemMarker
    {
        public ItemMarker(RefResolver refs, JsonNode? schema)
        {
            var resolved = refs.Object(schema);
            if (resolved is null || resolved.ContainsKey("oneOf") || resolved.ContainsKey("anyOf"))
            {
                return;
            }

            if (PlainString(refs, resolved))
            {
                Property = "";
                return;
            }

            var discriminator = Json.Str(resolved["discriminator"], "propertyName");
            Property = PaginationRules
                .Properties(refs, resolved)
                .Where(p => p.Key != discriminator && PlainString(refs, refs.Object(p.Value)))
                .Select(p => p.Key)
                .FirstOrDefault();
        }

        /// <summary>The JSON property that carries the marker; <c>""</c> for string items; null when items cannot be told apart.</summary>
        public string? Property { get; }

        private static bool PlainString(RefResolver refs, JsonObject? s) =>
            s is not null
            && PaginationRules.Type(refs, s) == "string"
            && !new[] { "format", "enum", "pattern", "const", "maxLength", "minLength", "contentEncoding", "allOf", "oneOf", "anyOf" }.Any(
                s.ContainsKey
            );

        public JsonNode? Mark(JsonNode? value, string marker)
        {
            if (Property == "")
            {
                return JsonValue.Create(marker);
            }

            if (Property is not null && value is JsonObject o)
            {
                o[Property] = marker;
            }

            return value;
        }

        public string? Read(object? item)
        {
            if (Property is null)
            {
                return "?";
            }

            if (item is JsonNode node)
            {
                return Property == "" ? Json.Str(node) : Json.Str(node, Property);
            }

            if (item is string s || Property == "")
            {
                return item?.ToString();
            }

            var property = item
                ?.GetType()
                .GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .OrderBy(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name == Property ? 0 : 1)
                .FirstOrDefault(p =>
                    p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name == Property || Json.Norm(p.Name) == Json.Norm(Property)
                );
            return property?.GetValue(item)?.ToString();
        }
    }
}
