using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using TypedConnectors.Conformance.Reading;
using TypedConnectors.Conformance.Server;
using TypedConnectors.Testing;

namespace TypedConnectors.Conformance.Checking;

/// <summary>
/// The paging (<c>…AllAsync</c>, <c>…PagesAsync</c>) and streaming (<c>…StreamAsync</c>) methods, checked from the
/// checker's own reading of the definition: the server answers pages in the declared style and then its stop
/// condition, or writes events in the declared framing; every request is checked, the items read back must be the
/// items served, in order.
/// </summary>
internal sealed partial class CheckSession
{
    private const string PageMarker = "tc_page";
    private const int MaxRequests = 8;
    private readonly CountingRateLimiter _limiter = new();

    private RefResolver Refs => refs;

    private RecordingServer Server => server;
    private readonly Dictionary<DefOperation, HashSet<string>> _features = new(ReferenceEqualityComparer.Instance);

    private static bool IsAsyncEnumerable(MethodInfo method) =>
        method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>);

    private static string? FeatureOf(string path) =>
        path.EndsWith("AllAsync", StringComparison.Ordinal) ? "AllAsync"
        : path.EndsWith("PagesAsync", StringComparison.Ordinal) ? "PagesAsync"
        : path.EndsWith("StreamAsync", StringComparison.Ordinal) ? "StreamAsync"
        : null;

    private async Task CheckEnumerableAsync(ClientMethod method, List<ConnectionUnderTest> connections)
    {
        var feature = FeatureOf(method.Path);
        var plain = feature is null ? null : method.Path[..^feature.Length] + "Async";
        var op = plain is null ? null : _operationOf.GetValueOrDefault(plain);
        if (feature is null || op is null)
        {
            _extra.Add(
                new OperationResult(
                    "(method) " + method.Path,
                    "-",
                    false,
                    "feature: an enumerating method whose plain method (" + (plain ?? "?") + ") sent no operation of the definition"
                )
            );
            return;
        }

        if (!_features.TryGetValue(op, out var seen))
        {
            _features[op] = seen = new HashSet<string>(StringComparer.Ordinal);
        }

        seen.Add(feature);
        if (!_reachedBy.TryGetValue(op, out var reached))
        {
            _reachedBy[op] = reached = new HashSet<string>(StringComparer.Ordinal);
        }

        // The paging and streaming methods are the operation's own, not more methods sending it.
        reached.Add(plain!);
        var expected = feature == "StreamAsync" ? op.StreamFormat is not null : op.Pagination is not null;
        if (!expected)
        {
            Fail(
                op,
                "-",
                feature == "StreamAsync" ? "stream" : "paging",
                method.Path
                    + " is generated but the definition "
                    + (feature == "StreamAsync" ? "declares no stream_format" : "does not page the operation (docs/pagination.md)")
            );
            return;
        }

        if (op.OwnServer is not null)
        {
            _notes.Add(method.Path + " not called: the operation has a server of its own");
            return;
        }

        foreach (var connection in connections.Where(c => Expect(op, c) != Expectation.Reject))
        {
            if (feature == "StreamAsync")
            {
                await CheckStreamAsync(method, connection, op);
            }
            else
            {
                await CheckPagingAsync(method, connection, op, feature == "PagesAsync");
            }
        }
    }

    /// <summary>Every operation the definition pages or streams has its methods, whatever its plain method is called.</summary>
    private void CheckFeatureMethodsExist()
    {
        foreach (var op in definition.Operations.Where(o => _reachedBy.ContainsKey(o)))
        {
            var seen = _features.GetValueOrDefault(op) ?? new HashSet<string>();
            if (op.Pagination is { } paging && !(seen.Contains("AllAsync") && seen.Contains("PagesAsync")))
            {
                Fail(
                    op,
                    "-",
                    "paging",
                    "the definition pages the operation (" + paging + ") but no …AllAsync and …PagesAsync were generated"
                );
            }

            if (op.StreamFormat is { } format && !seen.Contains("StreamAsync"))
            {
                Fail(op, "-", "stream", "the definition streams the operation (" + format + ") but no …StreamAsync was generated");
            }
        }

        var paged = definition.Operations.Where(o => o.Pagination is not null).ToList();
        if (paged.Count > 0 || definition.Operations.Any(o => o.StreamFormat is not null))
        {
            _notes.Add(
                "paged: "
                    + string.Join(", ", paged.Select(o => o.Label + " " + o.Pagination))
                    + "; streamed: "
                    + definition.Operations.Count(o => o.StreamFormat is not null)
            );
        }
    }

    private object?[] FeatureArguments(MethodInfo method, DefOperation op, string header, CancellationToken ct)
    {
        _args.RequiredOnly = true;
        var arguments = Arguments(method, op, requiredOnly: true);
        var parameters = method.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].ParameterType == typeof(ConnectorCallOptions))
            {
                arguments[i] = new ConnectorCallOptions { Headers = { [OptionsHeaderName] = header } };
            }
            else if (parameters[i].ParameterType == typeof(CancellationToken))
            {
                arguments[i] = ct;
            }
        }

        return arguments;
    }

    /// <summary>Enumerates a generated IAsyncEnumerable of any element type.</summary>
    private static async Task<List<object?>> DrainAsync<T>(IAsyncEnumerable<T> source, int max, CancellationToken ct)
    {
        var list = new List<object?>();
        await foreach (var item in source.WithCancellation(ct))
        {
            list.Add(item);
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    private async Task<(List<object?> Items, Exception? Error, bool Timeout)> EnumerateAsync(
        ClientMethod method,
        ConnectionUnderTest connection,
        object?[] arguments,
        CancellationTokenSource cts
    )
    {
        try
        {
            var target =
                method.Target(connection.Client) ?? throw new InvalidOperationException("the group property " + method.Path + " is null");
            var source = method.Method.Invoke(target, arguments)!;
            var element = method.Method.ReturnType.GetGenericArguments()[0];
            var drain = typeof(CheckSession)
                .GetMethod(nameof(DrainAsync), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(element);
            var task = (Task<List<object?>>)drain.Invoke(null, new object?[] { source, 5000, cts.Token })!;
            return (await task, null, false);
        }
        catch (TargetInvocationException e)
        {
            return (new List<object?>(), e.InnerException ?? e, false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return (new List<object?>(), null, true);
        }
#pragma warning disable CA1031 // every exception of a generated call is a finding
        catch (Exception e)
#pragma warning restore CA1031
        {
            return (new List<object?>(), e, false);
        }
    }

    /// <summary>The checks every request of a paging or streaming call must pass: its route, credential and call options.</summary>
    private void CheckFeatureRequest(DefOperation op, ConnectionUnderTest connection, RecordedRequest request, string header, string call)
    {
        var label = connection.AuthMethod;
        var (relative, _) = Relative(request);
        if (relative is null || _router.Match(request.Method, relative, request.RawQuery, op)?.Operation != op)
        {
            Fail(op, label, "route", call + " sent " + request.Method + " " + request.RawTarget + ", which is not this operation");
        }

        CheckCredentials(op, connection, request, Expect(op, connection), call);
        if (request.Header(OptionsHeaderName) != header)
        {
            Fail(op, label, "call-options", "the header of the call's ConnectorCallOptions did not reach the server (" + call + ")");
        }
    }

    /// <summary>The first request is the operation's own, as the plain method sends it with the same arguments.</summary>
    private void CheckFirstRequest(
        ClientMethod method,
        DefOperation op,
        ConnectionUnderTest connection,
        RecordedRequest request,
        string call
    )
    {
        var (relative, _) = Relative(request);
        if (relative is not null && _router.Match(request.Method, relative, request.RawQuery, op) is { } match && match.Operation == op)
        {
            CheckParameters(op, connection.AuthMethod, request, match, requiredOnly: true, method, call);
            CheckBody(op, connection.AuthMethod, request, requiredOnly: true, call);
        }
    }

    private async Task CheckPagingAsync(ClientMethod method, ConnectionUnderTest connection, DefOperation op, bool pages)
    {
        var paging = op.Pagination!;
        var label = connection.AuthMethod;
        var call = method.Path + " (" + paging + ")";
        var success = SuccessResponse(op);
        if (success?.Schema is null)
        {
            Fail(op, label, "paging", "the definition pages an operation whose success response has no JSON schema");
            return;
        }

        server.Drain();
        var plan = new PagePlan(this, op, paging, success);
        _answer = plan.Answer;
        var header = Random();
        using var cts = new CancellationTokenSource(options.CallTimeout);
        if (TryFeatureArguments(method, op, label, header, cts.Token) is not { } arguments)
        {
            return;
        }

        var granted = _limiter.Granted;
        var (items, error, timeout) = await EnumerateAsync(method, connection, arguments, cts);
        var requests = server.Drain();
        var permits = _limiter.Granted - granted;
        if (timeout)
        {
            Fail(op, label, "call", call + " did not complete within " + options.CallTimeout.TotalSeconds + " s");
            return;
        }

        if (error is not null)
        {
            Fail(op, label, "paging", call + " threw " + Short(error) + " after " + requests.Count + " requests");
            return;
        }

        if (plan.Failure is { } failure)
        {
            Fail(op, label, "paging", call + ": " + failure);
        }

        if (requests.Count != plan.ExpectedRequests)
        {
            Fail(
                op,
                label,
                "paging-stop",
                call
                    + " sent "
                    + requests.Count
                    + " requests; the pages served stop after "
                    + plan.ExpectedRequests
                    + " ("
                    + plan.StopReason
                    + ")"
            );
        }

        if (permits != requests.Count)
        {
            Fail(op, label, "rate-limit", call + " sent " + requests.Count + " requests but took " + permits + " rate-limiter permits");
        }

        for (var i = 0; i < requests.Count; i++)
        {
            var page = call + ", page " + (i + 1);
            CheckFeatureRequest(op, connection, requests[i], header, page);
            if (i == 0)
            {
                CheckFirstRequest(method, op, connection, requests[i], page);
            }
            else if (plan.Expected(i, requests[0], requests[i]) is { } wrong)
            {
                Fail(op, label, "paging-request", page + ": " + wrong);
            }
        }

        if (pages)
        {
            var served = Math.Min(plan.PagesServed, requests.Count);
            if (items.Count != served)
            {
                Fail(op, label, "paging-items", call + " gave " + items.Count + " pages; the server answered " + served);
            }

            foreach (var response in items.OfType<ConnectorResponse>().Where(r => r.StatusCode != 200))
            {
                Fail(op, label, "raw-response", call + ": a page reports status " + response.StatusCode + ", the server answered 200");
            }

            return;
        }

        var expected = plan.ServedMarkers(requests.Count);
        var actual = items.Select(plan.MarkerOf).ToList();
        if (actual.Count != expected.Count || (plan.HasMarker && !actual.SequenceEqual(expected)))
        {
            Fail(
                op,
                label,
                "paging-items",
                call
                    + " read back "
                    + actual.Count
                    + " items ["
                    + Truncate(string.Join(",", actual), 200)
                    + "]; the server served "
                    + expected.Count
                    + " ["
                    + Truncate(string.Join(",", expected), 200)
                    + "]"
            );
        }
    }

    /// <summary>
    /// The Boolean request-body property that switches an OpenAPI operation's response to its stream, as docs/streaming.md
    /// says: <c>x-stream-flag</c> names it (false: none), else a Boolean <c>stream</c> property of the JSON body.
    /// </summary>
    private string? StreamFlag(DefOperation op)
    {
        if (op.StreamMediaType is null || op.Body is not { } body || !body.Schemas.TryGetValue("application/json", out var schema))
        {
            return null;
        }

        var declared = op.StreamFlagDeclaration;
        if (declared is JsonValue v && v.TryGetValue<bool>(out var on) && !on)
        {
            return null;
        }

        var name = declared is JsonValue n && n.TryGetValue<string>(out var text) ? text : "stream";
        return refs.Object(refs.Object(schema)?["properties"]?[name]) is { } property && IsBoolean(property["type"]) ? name : null;

        // "boolean", or a 3.1 type list holding it (["boolean", "null"]).
        static bool IsBoolean(JsonNode? type) =>
            type is JsonArray list ? list.Any(t => Json.Str(t) == "boolean") : Json.Str(type) == "boolean";
    }

    private static bool BodyMemberIs(string body, string name, bool value)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject o
                && o[name] is JsonValue member
                && member.TryGetValue<bool>(out var actual)
                && actual == value;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>The arguments of a paging or streaming method, or null after reporting why the checker could not build them.</summary>
    private object?[]? TryFeatureArguments(ClientMethod method, DefOperation op, string label, string header, CancellationToken ct)
    {
        try
        {
            return FeatureArguments(method.Method, op, header, ct);
        }
#pragma warning disable CA1031 // a value the checker cannot build is reported, not thrown
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(
                op,
                label,
                "call",
                "the checker could not synthesise arguments for " + method.Path + ": " + (e.InnerException ?? e).Message
            );
            return null;
        }
    }

    private async Task CheckStreamAsync(ClientMethod method, ConnectionUnderTest connection, DefOperation op)
    {
        var label = connection.AuthMethod;
        var format = op.StreamFormat!;
        var call = method.Path + " (" + format + ")";
        var schema = op.StreamMediaType is null ? SuccessResponse(op)?.Schema : op.StreamSchema;
        var marker = new ItemMarker(refs, schema);
        var events = Enumerable
            .Range(1, 3)
            .Select(i =>
            {
                var value = schema is null ? new JsonObject() : _json.Value(schema);
                return marker.Mark(value, "tc-event-" + i);
            })
            .ToList();
        var body = new StringBuilder();
        if (format == "sse")
        {
            body.Append(": the checker's stream\n\n");
            foreach (var e in events)
            {
                body.Append("event: delta\ndata: ").Append(e?.ToJsonString() ?? "null").Append("\n\n");
            }

            body.Append("data: [DONE]\n\n");
        }
        else
        {
            // JSON text sequences (RFC 7464) put a record separator before each value.
            var separator = format == "json_seq" ? "\u001e" : "";
            foreach (var e in events)
            {
                body.Append(separator).Append(e?.ToJsonString() ?? "null").Append("\n\n");
            }
        }

        server.Drain();
        _answer = _ => new CannedResponse(
            200,
            op.StreamMediaType ?? (format == "sse" ? "text/event-stream" : "application/x-ndjson"),
            Encoding.UTF8.GetBytes(body.ToString())
        );
        var header = Random();
        using var cts = new CancellationTokenSource(options.CallTimeout);
        if (TryFeatureArguments(method, op, label, header, cts.Token) is not { } arguments)
        {
            return;
        }

        var granted = _limiter.Granted;
        var (items, error, timeout) = await EnumerateAsync(method, connection, arguments, cts);
        var requests = server.Drain();
        if (timeout || error is not null)
        {
            Fail(op, label, "stream", call + (timeout ? " did not complete" : " threw " + Short(error!)));
            return;
        }

        if (requests.Count != 1)
        {
            Fail(op, label, "stream", call + " sent " + requests.Count + " requests for one stream that ended normally");
        }

        if (_limiter.Granted - granted != requests.Count)
        {
            Fail(op, label, "rate-limit", call + " did not take a rate-limiter permit for its request");
        }

        foreach (var request in requests.Take(1))
        {
            CheckFeatureRequest(op, connection, request, header, call);
            CheckFirstRequest(method, op, connection, request, call);
            if (StreamFlag(op) is { } flag && !BodyMemberIs(request.BodyText, flag, true))
            {
                Fail(
                    op,
                    label,
                    "stream",
                    call + " did not send '" + flag + ": true' in its JSON body (docs/streaming.md, the stream flag)"
                );
            }
        }

        var actual = items.Select(marker.Read).ToList();
        var expected = events.Select(marker.Read).ToList();
        if (actual.Count != expected.Count || (marker.Property is not null && !actual.SequenceEqual(expected)))
        {
            Fail(
                op,
                label,
                "stream-events",
                call
                    + " read back "
                    + actual.Count
                    + " events ["
                    + string.Join(",", actual)
                    + "]; the server wrote ["
                    + string.Join(",", expected)
                    + "]"
            );
        }
    }
}
