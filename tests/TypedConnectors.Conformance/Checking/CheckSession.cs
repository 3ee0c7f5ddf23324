using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TypedConnectors.Conformance.Reading;
using TypedConnectors.Conformance.Server;
using TypedConnectors.Conformance.Synthesis;

namespace TypedConnectors.Conformance.Checking;

/// <summary>One connection made through a generated factory, with the credential markers it was given.</summary>
internal sealed record ConnectionUnderTest(
    object Connection,
    string AuthMethod,
    string Factory,
    DefAuth? Auth,
    IReadOnlyList<string> Credentials,
    object Client,
    object RedirectingClient
);

/// <summary>A generated operation method and the object to call it on (the client or one of its groups).</summary>
internal sealed record ClientMethod(MethodInfo Method, string Path, Func<object, object?> Target);

/// <summary>Calls every generated method through every connection and checks what reaches the server.</summary>
internal sealed partial class CheckSession(
    Definition definition,
    RefResolver refs,
    Assembly assembly,
    RecordingServer server,
    ConformanceOptions options
)
{
    private const string BasePath = "/cbase/v1/";
    private static readonly string[] ProxyMethods = { "GetAsync", "PostAsync", "PutAsync", "PatchAsync", "DeleteAsync", "SendAsync" };
    private readonly JsonSynthesizer _json = new(refs);
    private readonly ArgumentSynthesizer _args = new(refs);
    private readonly Dictionary<DefOperation, Dictionary<string, List<string>>> _failures = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<DefOperation, HashSet<string>> _reachedBy = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, DefOperation> _operationOf = new(StringComparer.Ordinal);
    private readonly List<OperationResult> _extra = new();
    private readonly List<string> _notes = new();
    private Router _router = null!;
    private Func<RecordedRequest, CannedResponse> _answer = _ => new CannedResponse(200, null, Array.Empty<byte>());

    public async Task<ConformanceReport> RunAsync(string name, CancellationToken ct)
    {
        if (definition.IsProxy)
        {
            foreach (var method in new[] { "get", "post", "put", "patch", "delete" })
            {
                var op = new DefOperation
                {
                    Method = method,
                    Path = "/items/{id}",
                    OperationId = method,
                };
                op.Parameters.Add(new DefParameter("id", "path", true, "simple", false, null));
                op.Parameters.Add(new DefParameter("q", "query", true, "form", true, null) { Constant = "2" });
                op.Responses.Add(new DefResponse("200", "application/json", new JsonObject { ["type"] = "object" }, null, false));
                op.Security = definition.Auth.Select(a => new List<string> { a.Key }).ToList();
                definition.Operations.Add(op);
            }
        }

        DefOperation? mcp = null;
        if (definition.IsMcp)
        {
            mcp = new DefOperation
            {
                Method = "post",
                Path = "/",
                OperationId = "mcp",
            };
            mcp.Responses.Add(new DefResponse("200", "application/json", null, null, false));
            mcp.Security = definition.Auth.Select(a => new List<string> { a.Key }).ToList();
            definition.Operations.Add(mcp);
        }

        _router = new Router(definition.Operations);
        server.Responder = request => _answer(request);
        var connectionType = FindConnectionType();
        var clientType = FindClientType();
        if (clientType is null || connectionType is null)
        {
            _extra.Add(new OperationResult("client", "-", false, "discover: no generated client or connection type found"));
            return Report(name);
        }

        var connections = CreateConnections(connectionType, clientType);
        if (connections.Count == 0)
        {
            _extra.Add(
                new OperationResult("connection", "-", false, "connection: no connection could be created through the generated factories")
            );
            return Report(name);
        }

        var methods = definition.IsProxy ? ProxyClientMethods(clientType) : OperationMethods(clientType);
        _notes.Add(
            clientType.Name
                + ": "
                + methods.Count
                + " methods, connections "
                + string.Join(", ", connections.Select(c => c.AuthMethod + " (" + c.Factory + ")"))
        );
        // Raw-response twins, then paging and streaming methods, after their operations' methods, so each starts from
        // the operation its plain method sent.
        foreach (
            var method in methods.OrderBy(m =>
                IsAsyncEnumerable(m.Method) ? 2
                : IsResponseTwin(m.Method) ? 1
                : 0
            )
        )
        {
            ct.ThrowIfCancellationRequested();
            if (IsAsyncEnumerable(method.Method))
            {
                await CheckEnumerableAsync(method, connections);
            }
            else
            {
                await CheckMethodAsync(method, connections);
            }
        }

        CheckFeatureMethodsExist();

        if (mcp is not null)
        {
            await CheckMcpAsync(mcp, clientType, connections, ct);
        }

        foreach (var c in connections)
        {
            (c.Client as IDisposable)?.Dispose();
            (c.RedirectingClient as IDisposable)?.Dispose();
            (c.Connection as IDisposable)?.Dispose();
        }

        return Report(name);
    }

    /// <summary>
    /// Opens an MCP session through the generated MCP client (the SDK's streamable HTTP transport over the
    /// connection's pipeline) against a minimal JSON-RPC responder, lists the tools, and checks that every HTTP request
    /// the SDK sent carries the connection's credential exactly as declared.
    /// </summary>
    private async Task CheckMcpAsync(DefOperation mcp, Type clientType, List<ConnectionUnderTest> connections, CancellationToken ct)
    {
        var connect = clientType.GetMethod("ConnectMcpAsync");
        if (connect is null)
        {
            Fail(mcp, "-", "mcp", "no ConnectMcpAsync on " + clientType.Name + " although the connector is an MCP server");
            return;
        }

        foreach (var connection in connections)
        {
            server.Drain();
            _answer = McpAnswer;
            Exception? failure = null;
            try
            {
                var arguments = connect
                    .GetParameters()
                    .Select(p => p.ParameterType == typeof(CancellationToken) ? (object?)ct : null)
                    .ToArray();
                var task = (Task)connect.Invoke(connection.Client, arguments)!;
                if (await Task.WhenAny(task, Task.Delay(options.CallTimeout, ct)) != task)
                {
                    throw new TimeoutException("ConnectMcpAsync did not complete within " + options.CallTimeout.TotalSeconds + " s");
                }

                await task;
                var session = task.GetType().GetProperty("Result")!.GetValue(task)!;
                var list = (Task)session.GetType().GetMethod("ListToolsAsync")!.Invoke(session, new object?[] { ct })!;
                await list;
                if (session is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync();
                }
            }
            catch (TargetInvocationException e)
            {
                failure = e.InnerException ?? e;
            }
#pragma warning disable CA1031 // every exception of the MCP client is a finding
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e;
            }

            Bucket(mcp, connection.AuthMethod);
            _reachedBy.TryAdd(mcp, new HashSet<string>(StringComparer.Ordinal) { "ConnectMcpAsync" });
            var requests = server.Drain();
            if (failure is not null)
            {
                Fail(mcp, connection.AuthMethod, "mcp", "MCP session failed: " + Short(failure));
            }

            if (requests.Count == 0)
            {
                Fail(mcp, connection.AuthMethod, "mcp", "the MCP client sent no HTTP request to the connection's endpoint");
            }

            foreach (var request in requests)
            {
                CheckCredentials(mcp, connection, request, Expect(mcp, connection), "MCP " + request.Method + " " + RpcMethod(request));
            }
        }
    }

    private static string RpcMethod(RecordedRequest request)
    {
        try
        {
            return JsonNode.Parse(request.Body) is JsonObject o ? Json.Str(o, "method") ?? "(response)" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    /// <summary>Just enough of an MCP server: initialize, tools/list, notifications; no standalone GET stream.</summary>
    private static CannedResponse McpAnswer(RecordedRequest request)
    {
        if (request.Method != "POST")
        {
            return new CannedResponse(405, null, Array.Empty<byte>());
        }

        JsonObject? rpc;
        try
        {
            rpc = JsonNode.Parse(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return new CannedResponse(400, null, Array.Empty<byte>());
        }

        if (rpc?["id"] is not { } id)
        {
            return new CannedResponse(202, null, Array.Empty<byte>());
        }

        var rpcMethod = Json.Str(rpc, "method");
        if (rpcMethod is not ("initialize" or "tools/list" or "ping"))
        {
            // Methods of newer protocol revisions (discovery): "method not found" makes the client fall back.
            var error = new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = id.DeepClone(),
                ["error"] = new JsonObject { ["code"] = -32601, ["message"] = "Method not found" },
            };
            return new CannedResponse(200, "application/json", Encoding.UTF8.GetBytes(error.ToJsonString()));
        }

        JsonNode result = rpcMethod switch
        {
            "initialize" => new JsonObject
            {
                ["protocolVersion"] = Json.Str(rpc["params"], "protocolVersion") ?? "2025-06-18",
                ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                ["serverInfo"] = new JsonObject { ["name"] = "conformance", ["version"] = "1.0.0" },
            },
            "tools/list" => new JsonObject { ["tools"] = new JsonArray() },
            _ => new JsonObject(),
        };
        var response = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id.DeepClone(),
            ["result"] = result,
        };
        return new CannedResponse(200, "application/json", Encoding.UTF8.GetBytes(response.ToJsonString()));
    }

    private ConformanceReport Report(string name)
    {
        var results = new List<OperationResult>();
        var passed = 0;
        foreach (var op in definition.Operations)
        {
            if (!_reachedBy.TryGetValue(op, out var methods) || methods.Count == 0)
            {
                Fail(op, "-", "unreached", "no generated method sends this operation's request");
            }
            else if (methods.Count > 1 && !definition.IsProxy)
            {
                Fail(
                    op,
                    "-",
                    "reached-twice",
                    "reached by several methods: " + string.Join(", ", methods.OrderBy(m => m, StringComparer.Ordinal))
                );
            }

            var byConnection = _failures.TryGetValue(op, out var f) ? f : new Dictionary<string, List<string>>();
            if (byConnection.Values.All(l => l.Count == 0))
            {
                passed++;
                results.Add(new OperationResult(op.Label, string.Join(",", ConnectionsSeen(op)), true, null));
                continue;
            }

            foreach (var (connection, failures) in byConnection.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                results.Add(
                    new OperationResult(
                        op.Label,
                        connection,
                        failures.Count == 0,
                        failures.Count == 0 ? null : string.Join(" | ", failures.Distinct(StringComparer.Ordinal))
                    )
                );
            }
        }

        results.AddRange(_extra);
        return new ConformanceReport(name, definition.Operations.Count, passed, results)
        {
            Notes = _notes.Concat(definition.Notes).ToList(),
        };
    }

    private IEnumerable<string> ConnectionsSeen(DefOperation op) =>
        _failures.TryGetValue(op, out var f) ? f.Keys.OrderBy(k => k, StringComparer.Ordinal) : new[] { "-" };

    private void Fail(DefOperation op, string connection, string check, string detail)
    {
        var list = Bucket(op, connection);
        list.Add(check + ": " + detail.Replace(" | ", " / ", StringComparison.Ordinal));
    }

    private List<string> Bucket(DefOperation op, string connection)
    {
        if (!_failures.TryGetValue(op, out var byConnection))
        {
            _failures[op] = byConnection = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        }

        if (!byConnection.TryGetValue(connection, out var list))
        {
            byConnection[connection] = list = new List<string>();
        }

        return list;
    }

    private Type? FindConnectionType() =>
        assembly.GetTypes().FirstOrDefault(t => t.IsPublic && !t.IsAbstract && typeof(ConnectorConnection).IsAssignableFrom(t));

    private Type? FindClientType() =>
        assembly
            .GetTypes()
            .FirstOrDefault(t =>
                t.IsPublic
                && t.IsClass
                && t.GetCustomAttributes().Any(a => a.GetType().Name == "ConnectorAttribute")
                && t.GetConstructors()
                    .Any(c =>
                        c.GetParameters().Length == 1 && typeof(ConnectorConnection).IsAssignableFrom(c.GetParameters()[0].ParameterType)
                    )
            );

    private List<ConnectionUnderTest> CreateConnections(Type connectionType, Type clientType)
    {
        var result = new List<ConnectionUnderTest>();
        var factories = connectionType
            .GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == connectionType && m.Name.StartsWith("Create", StringComparison.Ordinal))
            .OrderBy(m => m.Name == "Create" ? 1 : 0)
            .ThenBy(m => m.Name, StringComparer.Ordinal);
        foreach (var factory in factories)
        {
            if (factory.Name == "CreateForMcpOAuth")
            {
                _notes.Add(
                    "CreateForMcpOAuth not checked: it leaves authorization to the MCP SDK's own OAuth flow against the server's authorization server"
                );
                continue;
            }

            var credentials = new List<string>();
            var tokenMarker = "cred-oauthtoken-" + Random();
            var connectionOptions = new ConnectorConnectionOptions
            {
                BaseAddress = new Uri(server.Address, BasePath),
                MaxRetries = 0,
                AttemptTimeout = options.CallTimeout,
                // Counts the permits, so paging can show each page went through the connection's rate limiter.
                SharedRateLimiter = _limiter,
            };
            connectionOptions.OAuth.TokenStore = new FixedTokenStore(tokenMarker);
            var arguments = new List<object?>();
            var usable = true;
            foreach (var p in factory.GetParameters())
            {
                if (p.ParameterType == typeof(ConnectorConnectionOptions))
                {
                    arguments.Add(connectionOptions);
                }
                else if (p.ParameterType == typeof(string))
                {
                    var norm = Json.Norm(p.Name ?? "");
                    if (norm == "connectionid")
                    {
                        arguments.Add(null);
                    }
                    else if (definition.NonCredentialValues.Contains(norm))
                    {
                        arguments.Add(p.HasDefaultValue && p.DefaultValue is string s ? s : "example");
                    }
                    else
                    {
                        var marker = "cred-" + norm + "-" + Random();
                        credentials.Add(marker);
                        arguments.Add(marker);
                    }
                }
                else if (p.HasDefaultValue)
                {
                    arguments.Add(p.DefaultValue);
                }
                else
                {
                    usable = false;
                    break;
                }
            }

            if (!usable)
            {
                _notes.Add("factory " + factory.Name + " not called: it takes values the checker cannot synthesise");
                continue;
            }

            object connection;
            try
            {
                connection = factory.Invoke(null, arguments.ToArray())!;
            }
            catch (TargetInvocationException e)
                when (e.InnerException is ConnectorConfigurationException
                    && usable
                    && RetryWithHandler(factory, arguments, connectionOptions, tokenMarker) is { } retried
                )
            {
                // OAuth methods whose tokens the project supplies (MCP servers that run their own OAuth): a handler
                // registered in the options, as the docs show, gives them the token.
                connection = retried;
            }
            catch (TargetInvocationException e)
            {
                _extra.Add(
                    new OperationResult(
                        "connection " + factory.Name,
                        "-",
                        false,
                        "connection: " + factory.Name + " threw " + e.InnerException?.GetType().Name + ": " + e.InnerException?.Message
                    )
                );
                continue;
            }

            var authMethod = ((ConnectorConnection)connection).AuthMethod;
            if (result.Any(r => r.AuthMethod == authMethod))
            {
                (connection as IDisposable)?.Dispose();
                continue;
            }

            var auth =
                definition.Auth.FirstOrDefault(a => a.Key == authMethod)
                ?? definition.Auth.FirstOrDefault(a => Json.Norm(a.Key) == Json.Norm(authMethod));
            if (auth?.Kind == "oauth2")
            {
                credentials.Add(tokenMarker);
            }

            var client = Activator.CreateInstance(clientType, connection)!;
            var redirecting = CreateRedirectingClient(clientType, (ConnectorConnection)connection);
            result.Add(new ConnectionUnderTest(connection, authMethod, factory.Name, auth, credentials, client, redirecting));
        }

        return result;
    }

    private static object? RetryWithHandler(MethodInfo factory, List<object?> arguments, ConnectorConnectionOptions options, string token)
    {
        options.AddAuthHandler(AuthKind.OAuth2, (_, _) => new BearerTokenHandler(token));
        try
        {
            return factory.Invoke(null, arguments.ToArray());
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }

    /// <summary>
    /// A client on the same connection pipeline whose transport sends every request to the recording server, for
    /// operations with servers of their own (an absolute URL no loopback base address replaces).
    /// </summary>
    private object CreateRedirectingClient(Type clientType, ConnectorConnection connection)
    {
        var ctor = clientType
            .GetConstructors()
            .FirstOrDefault(c => c.GetParameters().Length == 2 && c.GetParameters()[1].ParameterType == typeof(HttpClient));
        if (ctor is null)
        {
            return Activator.CreateInstance(clientType, connection)!;
        }

        var http = new HttpClient(connection.CreateHandler(new RedirectHandler(server.Address)));
        return ctor.Invoke(new object[] { connection, http });
    }

    private static string Random() => Guid.NewGuid().ToString("N")[..10];

    private static List<ClientMethod> OperationMethods(Type clientType)
    {
        var result = new List<ClientMethod>();
        Collect(clientType, "", c => c, result, 0);
        return result;
    }

    private static void Collect(Type type, string path, Func<object, object?> target, List<ClientMethod> result, int depth)
    {
        foreach (
            var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .OrderBy(m => m.Name, StringComparer.Ordinal)
                .ThenBy(m => m.GetParameters().Length)
        )
        {
            if (
                method.IsGenericMethodDefinition
                || method.IsSpecialName
                || !(typeof(Task).IsAssignableFrom(method.ReturnType) || IsAsyncEnumerable(method))
                || method.GetParameters().LastOrDefault()?.ParameterType != typeof(CancellationToken)
                || method.Name == "ConnectMcpAsync"
            )
            {
                continue;
            }

            result.Add(new ClientMethod(method, path + method.Name, target));
        }

        if (depth > 2)
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var t = property.PropertyType;
            if (
                !(t.IsClass || t.IsInterface)
                || t == typeof(string)
                || typeof(ConnectorConnection).IsAssignableFrom(t)
                || t.Assembly != type.Assembly
            )
            {
                continue;
            }

            Collect(t, path + property.Name + ".", o => target(o) is { } parent ? property.GetValue(parent) : null, result, depth + 1);
        }
    }

    private static List<ClientMethod> ProxyClientMethods(Type clientType) =>
        clientType
            .GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => ProxyMethods.Contains(m.Name) && m.GetParameters().LastOrDefault()?.ParameterType == typeof(CancellationToken))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m =>
                m.IsGenericMethodDefinition ? m.MakeGenericMethod(m.GetGenericArguments().Select(_ => typeof(JsonElement)).ToArray()) : m
            )
            .Select(m => new ClientMethod(m, m.Name + (m.IsGenericMethod ? "<>" : ""), c => c))
            .ToList();

    /// <summary>The operation a method most likely sends, from its name, to pick schema-guided arguments.</summary>
    private DefOperation? Hint(ClientMethod method)
    {
        var name = Json.Norm(method.Method.Name);
        name = name.EndsWith("async", StringComparison.Ordinal) ? name[..^5] : name;
        // The raw-response twin sends what its operation sends.
        name = IsResponseTwin(method.Method) && name.EndsWith("withresponse", StringComparison.Ordinal) ? name[..^12] : name;
        if (definition.IsProxy)
        {
            var verb = name == "send" ? "get" : name;
            return definition.Operations.FirstOrDefault(o => o.Method == verb);
        }

        var exact = definition.Operations.Where(o => o.OperationId is { } id && Json.Norm(id) == name).ToList();
        if (exact.Count == 1)
        {
            return exact[0];
        }

        var trimmed = name.TrimEnd("0123456789".ToCharArray());
        var loose = definition.Operations.Where(o => o.OperationId is { } id && Json.Norm(id) == trimmed).ToList();
        if (loose.Count >= 1)
        {
            return loose[0];
        }

        var synthesised = definition
            .Operations.Where(o => Json.Norm(o.Method + o.Path.Replace("{", "by", StringComparison.Ordinal)) == name)
            .ToList();
        return synthesised.Count == 1 ? synthesised[0] : null;
    }

    /// <summary>A <c>…WithResponseAsync</c> method: its task's result is a ConnectorResponse.</summary>
    private static bool IsResponseTwin(MethodInfo method) =>
        method.ReturnType.IsGenericType && typeof(ConnectorResponse).IsAssignableFrom(method.ReturnType.GetGenericArguments()[0]);

    private async Task CheckMethodAsync(ClientMethod method, List<ConnectionUnderTest> connections)
    {
        var hint = Hint(method);
        if (IsResponseTwin(method.Method) && method.Path.EndsWith("WithResponseAsync", StringComparison.Ordinal))
        {
            // A name the definition cannot be matched by (PutRootAsync, OperationAsync) still has the operation its plain
            // method was seen to send.
            hint ??= _operationOf.GetValueOrDefault(method.Path[..^"WithResponseAsync".Length] + "Async");
        }

        var ordered = connections.OrderBy(c => hint is null || Expect(hint, c) == Expectation.Reject ? 1 : 0).ToList();
        DefOperation? op = hint;
        var errorsChecked = false;
        foreach (var connection in ordered)
        {
            // A raw-response twin sends what its operation sends: one call with every argument (and call options) checks
            // it, without doubling the calls a rate-limited connector allows.
            var twin = IsResponseTwin(method.Method);
            foreach (var requiredOnly in twin ? new[] { false } : new[] { true, false })
            {
                var outcome = await CallAsync(method, connection, op, requiredOnly, null);
                if (outcome.Match is { } m)
                {
                    op = m.Operation;
                }

                Evaluate(method, connection, op, outcome, requiredOnly, null);
            }

            if (op is not null)
            {
                _operationOf[method.Path] = op;
            }

            if (options.CheckErrorResponses && !twin && !errorsChecked && op is not null && Expect(op, connection) != Expectation.Reject)
            {
                errorsChecked = true;
                foreach (var error in ErrorResponses(op).Take(3))
                {
                    var outcome = await CallAsync(method, connection, op, requiredOnly: true, error);
                    Evaluate(method, connection, op, outcome, true, error);
                }
            }
        }
    }

    private IEnumerable<(int Status, DefResponse Response)> ErrorResponses(DefOperation op)
    {
        var declared = op.Responses.Select(r => r.Status.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        var hasSuccess = op.Responses.Any(r => r.Status.StartsWith('2'));
        foreach (var response in op.Responses)
        {
            if (response.Schema is null || response.MediaType is null || !OpenApiDefinitionReader.IsJson(response.MediaType))
            {
                continue;
            }

            var status = response.Status.ToUpperInvariant();
            if (int.TryParse(status, out var code) && code >= 400 && code <= 599)
            {
                yield return (code, response);
            }
            else if (status.Length == 3 && status.EndsWith("XX", StringComparison.Ordinal) && status[0] is '4' or '5')
            {
                var first = Enumerable
                    .Range((status[0] - '0') * 100, 100)
                    .Where(c => c != 429 && c != 401 && c != 407)
                    .FirstOrDefault(c => !declared.Contains(c.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                if (first != 0)
                {
                    yield return (first, response);
                }
            }
            else if (status == "DEFAULT" && hasSuccess && !declared.Contains("500") && !declared.Contains("5XX"))
            {
                yield return (500, response);
            }
        }
    }

    internal enum Expectation
    {
        /// <summary>The credential must be sent as the auth method says.</summary>
        Credential,

        /// <summary>The request must be sent without any credential.</summary>
        Anonymous,

        /// <summary>Either way; a credential that is sent must be where the auth method says.</summary>
        Optional,

        /// <summary>The connection's method is not accepted: ConnectorConfigurationException before anything is sent.</summary>
        Reject,
    }

    internal Expectation Expect(DefOperation op, ConnectionUnderTest connection)
    {
        // Only schemes no client can send for it (an HTTP signature, mutual TLS): refused whatever the connection.
        if (
            op.Security is { Count: > 0 } alternatives
            && alternatives.All(a =>
                a.Count > 0
                && a.Any(k =>
                    definition.Auth.FirstOrDefault(d => d.Key == k) is { } d && d.Kind.StartsWith("unsupported:", StringComparison.Ordinal)
                )
            )
        )
        {
            return Expectation.Reject;
        }

        if (connection.Auth is null || connection.Auth.Kind == "none")
        {
            // A method the definition does not declare (a credential header the generator turned into auth): its
            // values are parameters of the operation, checked as such.
            return connection.Auth is null && definition.Auth.Count == 0 ? Expectation.Optional
                : connection.Auth is null ? Expectation.Optional
                : Expectation.Anonymous;
        }

        if (op.Security is null)
        {
            return Expectation.Optional;
        }

        if (op.Security.Count == 0)
        {
            return Expectation.Anonymous;
        }

        if (op.Security.Any(s => s.Contains(connection.Auth.Key, StringComparer.Ordinal)))
        {
            return Expectation.Credential;
        }

        return op.Security.Any(s => s.Count == 0) ? Expectation.Anonymous : Expectation.Reject;
    }

    private sealed record CallOutcome(
        List<RecordedRequest> Requests,
        RouteMatch? Match,
        Exception? Error,
        object? Result,
        bool ResultIsNullableObject,
        string? UnmatchedPath,
        bool Timeout,
        bool UsedExample
    )
    {
        /// <summary>The text of each scalar string or number argument, by normalised parameter name.</summary>
        public IReadOnlyDictionary<string, string> Scalars { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The status a raw-response twin reported, and the status the server answered with.</summary>
        public (int Reported, int Answered)? RawStatus { get; init; }

        /// <summary>The value of the header the call's ConnectorCallOptions asked for, when it was given options.</summary>
        public string? OptionsHeader { get; init; }
    }

    private async Task<CallOutcome> CallAsync(
        ClientMethod method,
        ConnectionUnderTest connection,
        DefOperation? op,
        bool requiredOnly,
        (int Status, DefResponse Response)? error,
        bool useExamples = true,
        bool redirect = false
    )
    {
        server.Drain();
        RouteMatch? match = null;
        string? unmatched = null;
        var usedExample = false;
        var answered = 0;
        _answer = request =>
        {
            var canned = AnswerFor(request);
            answered = answered == 0 ? canned.Status : answered;
            return canned;
        };

        CannedResponse AnswerFor(RecordedRequest request)
        {
            var (relative, ownServer) = Relative(request);
            var m = relative is null ? null : _router.Match(request.Method, relative, request.RawQuery, op);
            if (m is not null && ownServer && m.Operation.OwnServer is null)
            {
                m = null;
            }

            match ??= m;
            if (Environment.GetEnvironmentVariable("CONFORMANCE_DUMP_DIR") is { Length: > 0 } dumpDir)
            {
                File.AppendAllText(
                    Path.Combine(dumpDir, "requests.txt"),
                    request.Method + " " + request.RawTarget + " " + request.ContentType + "\n"
                );
            }

            if (m is null)
            {
                unmatched ??=
                    request.Method
                    + " "
                    + request.RawTarget
                    + (request.Header(RedirectHandler.OriginalUrlHeader) is { } original ? " (sent to " + original + ")" : "");
                return new CannedResponse(404, "text/plain", Encoding.UTF8.GetBytes("no route"));
            }

            if (error is { } e)
            {
                return Answer(e.Status, e.Response, false);
            }

            var success = SuccessResponse(m.Operation);
            if (success?.HasExample == true && useExamples)
            {
                usedExample = true;
            }

            return success is null
                ? new CannedResponse(200, null, Array.Empty<byte>())
                : Answer(SuccessStatus(success), success, useExamples);
        }

        var target =
            (op?.OwnServer is not null || redirect ? connection.RedirectingClient : connection.Client) is var t
            && method.Target(t) is { } instance
                ? instance
                : null;
        if (target is null)
        {
            return new CallOutcome(
                new List<RecordedRequest>(),
                null,
                new InvalidOperationException("the group property " + method.Path + " is null"),
                null,
                false,
                null,
                false,
                false
            );
        }

        _args.RequiredOnly = requiredOnly;
        object?[] arguments;
        try
        {
            arguments = Arguments(method.Method, op, requiredOnly);
        }
#pragma warning disable CA1031 // a value the checker cannot build is reported, not thrown
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new CallOutcome(
                new List<RecordedRequest>(),
                null,
                new InvalidOperationException("the checker could not synthesise arguments: " + (e.InnerException ?? e).Message),
                null,
                false,
                null,
                false,
                false
            );
        }

        Exception? failure = null;
        object? result = null;
        var timeout = false;
        try
        {
            var invoked = method.Method.Invoke(target, arguments);
            if (invoked is Task task)
            {
                var finished = await Task.WhenAny(task, Task.Delay(options.CallTimeout));
                if (finished != task)
                {
                    timeout = true;
                }
                else
                {
                    await task;
                    result = task.GetType().IsGenericType ? task.GetType().GetProperty("Result")?.GetValue(task) : null;
                }
            }
        }
        catch (TargetInvocationException e)
        {
            failure = e.InnerException ?? e;
        }
#pragma warning disable CA1031 // every exception of a generated call is a finding
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = e;
        }

        (int, int)? rawStatus = null;
        if (result is ConnectorResponse raw)
        {
            rawStatus = (raw.StatusCode, answered);
            result = raw.GetType().GetProperty(nameof(ConnectorResponse<int>.Body))?.GetValue(raw);
        }

        if (result is Stream stream)
        {
            await stream.DisposeAsync();
        }

        foreach (var a in arguments)
        {
            (a as IDisposable)?.Dispose();
        }

        var requests = server.Drain();
        if (failure is HttpRequestException && requests.Count == 0 && !redirect)
        {
            // Sent to a host of its own (operation-level servers): the same pipeline again, its transport redirected here.
            return await CallAsync(method, connection, op, requiredOnly, error, useExamples, redirect: true);
        }

        if (failure is null && !timeout && usedExample && useExamples && error is null)
        {
            // fine: the documented example was read
        }
        else if (
            failure
                is JsonException
                    or NotSupportedException
                    or ConnectorResponseException { InnerException: JsonException or NotSupportedException }
            && usedExample
            && useExamples
            && error is null
        )
        {
            // The document's example did not read; try a body synthesised from the schema, and say so.
            var retry = await CallAsync(method, connection, op, requiredOnly, error, useExamples: false, redirect);
            if (retry.Error is null && match is not null)
            {
                Fail(
                    match.Operation,
                    connection.AuthMethod,
                    "response-example",
                    "the document's example does not read as the generated type: " + Short(failure)
                );
            }

            return retry;
        }

        if (match is null && requests.Count == 0 && failure is ConnectorConfigurationException refused)
        {
            // A refused operation names the request it did not send ("GET /cbase/v1/x of connector ..."): route that.
            match = RefusedRequest(refused, op);
        }

        var schemaObject =
            match is not null
            && SuccessResponse(match.Operation) is { Schema: { } schema }
            && JsonSynthesizer.Type(refs.Resolve(schema) as JsonObject) == "object";
        var scalars = new Dictionary<string, string>(StringComparer.Ordinal);
        var parameters = method.Method.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            var text = arguments[i] switch
            {
                string s => s,
                int or long or short => Convert.ToString(arguments[i], System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
            if (text is not null)
            {
                scalars.TryAdd(Json.Norm(parameters[i].Name ?? ""), text);
            }
        }

        return new CallOutcome(requests, match, failure, result, schemaObject, unmatched, timeout, usedExample)
        {
            Scalars = scalars,
            RawStatus = rawStatus,
            OptionsHeader = arguments.OfType<ConnectorCallOptions>().FirstOrDefault()?.Headers[OptionsHeaderName],
        };
    }

    private RouteMatch? RefusedRequest(ConnectorConfigurationException refused, DefOperation? op)
    {
        var words = refused.Message.Split(' ', 3);
        if (words.Length < 3 || !words[1].StartsWith(BasePath, StringComparison.Ordinal))
        {
            return null;
        }

        return _router.Match(words[0], "/" + words[1][BasePath.Length..], "", op);
    }

    private (string? Relative, bool OwnServer) Relative(RecordedRequest request)
    {
        if (
            request.Header(RedirectHandler.OriginalUrlHeader) is { } original
            && Uri.TryCreate(original, UriKind.Absolute, out var url)
            && !url.IsLoopback
        )
        {
            var raw = url.GetComponents(UriComponents.Path, UriFormat.UriEscaped);
            var path = "/" + raw;
            foreach (var op in definition.Operations.Where(o => o.OwnServer is not null))
            {
                var serverPath = Uri.TryCreate(op.OwnServer, UriKind.Absolute, out var s) ? s.AbsolutePath.TrimEnd('/') : "";
                if (path.StartsWith(serverPath + "/", StringComparison.Ordinal))
                {
                    return (path[serverPath.Length..], true);
                }
            }

            return (path, true);
        }

        var rawPath = request.RawPath;
        return rawPath.StartsWith(BasePath, StringComparison.Ordinal) ? ("/" + rawPath[BasePath.Length..], false) : (null, false);
    }

    private static DefResponse? SuccessResponse(DefOperation op)
    {
        var success = op.Responses.Where(r => r.Status.StartsWith('2')).OrderBy(r => r.Status, StringComparer.Ordinal).ToList();
        var withContent = success.FirstOrDefault(r => r.MediaType is not null);
        if (withContent is not null)
        {
            return withContent;
        }

        if (success.Count > 0)
        {
            return success[0];
        }

        var errorsDeclared = op.Responses.Any(r => r.Status.Length == 3 && r.Status[0] is '4' or '5');
        return errorsDeclared ? null : op.Responses.FirstOrDefault(r => r.Status.Equals("default", StringComparison.OrdinalIgnoreCase));
    }

    private static int SuccessStatus(DefResponse response) => int.TryParse(response.Status, out var code) ? code : 200;

    private CannedResponse Answer(int status, DefResponse response, bool useExamples)
    {
        if (response.MediaType is null || status == 204 || status == 205 || status == 304)
        {
            return new CannedResponse(status, null, Array.Empty<byte>());
        }

        var media = response.MediaType;
        if (media.Contains('*', StringComparison.Ordinal))
        {
            media = "application/json";
        }

        if (OpenApiDefinitionReader.IsJson(media))
        {
            var value =
                useExamples && response.HasExample ? response.Example
                : response.Schema is null ? new JsonObject()
                : _json.Value(response.Schema);
            if (Environment.GetEnvironmentVariable("CONFORMANCE_DUMP_DIR") is { Length: > 0 } dump)
            {
                File.AppendAllText(
                    Path.Combine(dump, "responses.txt"),
                    status + " " + Truncate(value?.ToJsonString() ?? "null", 3000) + "\n"
                );
            }
            return new CannedResponse(status, media, Encoding.UTF8.GetBytes(value?.ToJsonString() ?? "null"));
        }

        if (media.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || media.Contains("xml", StringComparison.OrdinalIgnoreCase))
        {
            return new CannedResponse(
                status,
                media,
                Encoding.UTF8.GetBytes(useExamples && response.HasExample && Json.Str(response.Example) is { } s ? s : "text")
            );
        }

        return new CannedResponse(status, media, new byte[] { 1, 2, 3, 4 });
    }

    private object?[] Arguments(MethodInfo method, DefOperation? op, bool requiredOnly)
    {
        var parameters = method.GetParameters();
        var values = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.ParameterType == typeof(CancellationToken))
            {
                values[i] = CancellationToken.None;
                continue;
            }

            if (p.ParameterType == typeof(ConnectorCallOptions))
            {
                // With every argument, one header through the call's options: it must reach the server.
                values[i] = requiredOnly ? null : new ConnectorCallOptions { Headers = { [OptionsHeaderName] = Random() } };
                continue;
            }

            if (definition.IsProxy)
            {
                values[i] = ProxyArgument(p, method);
                continue;
            }

            if (requiredOnly && p.HasDefaultValue)
            {
                values[i] = p.DefaultValue is DBNull || p.DefaultValue is Missing ? null : p.DefaultValue;
                if (values[i] is null && p.ParameterType.IsValueType && Nullable.GetUnderlyingType(p.ParameterType) is null)
                {
                    values[i] = Activator.CreateInstance(p.ParameterType);
                }

                continue;
            }

            values[i] = _args.Create(p.ParameterType, SchemaFor(p, op));
        }

        return values;
    }

    private static object? ProxyArgument(ParameterInfo p, MethodInfo method)
    {
        if (p.ParameterType == typeof(string))
        {
            return "items/7?q=2";
        }

        if (p.ParameterType == typeof(HttpMethod))
        {
            return HttpMethod.Get;
        }

        if (p.ParameterType == typeof(HttpContent))
        {
            return null;
        }

        if (p.ParameterType == typeof(JsonElement))
        {
            return JsonSerializer.SerializeToElement(new { a = 1 });
        }

        _ = method;
        return p.HasDefaultValue ? p.DefaultValue : null;
    }

    private JsonNode? SchemaFor(ParameterInfo p, DefOperation? op)
    {
        if (op is null)
        {
            return null;
        }

        var norm = Json.Norm(p.Name ?? "");
        var parameter = op.Parameters.FirstOrDefault(d => Json.Norm(d.Name) == norm && d.Constant is null);
        if (parameter is not null)
        {
            return parameter.Schema;
        }

        if (UnnamedParameter(p, op) is { } unnamed)
        {
            return unnamed;
        }

        if (op.Body is { } body)
        {
            var schema = body.Schemas.Values.FirstOrDefault(s => s is not null);
            var resolved = refs.Resolve(schema) as JsonObject;
            var property = Json.Props(resolved, "properties").FirstOrDefault(kv => Json.Norm(kv.Key) == norm);
            if (property.Key is not null)
            {
                return property.Value;
            }

            return schema;
        }

        return null;
    }

    /// <summary>
    /// The definition parameter behind a C# parameter whose name is the generator's fallback: a wire name without a
    /// letter or digit (" ", "%", "+") has no C# name to compare, so such parameters pair up in order with the C#
    /// parameters (value, value2, …) that match no definition parameter by name.
    /// </summary>
    private JsonNode? UnnamedParameter(ParameterInfo p, DefOperation op)
    {
        // Parameters first, then the fields of a form body, as the generator orders a method's parameters.
        var bodySchema = refs.Resolve(op.Body?.Schemas.Values.FirstOrDefault(s => s is not null)) as JsonObject;
        var unnamed = op
            .Parameters.Where(d => d.Constant is null && Json.Norm(d.Name).Length == 0)
            .Select(d => d.Schema)
            .Concat(Json.Props(bodySchema, "properties").Where(kv => Json.Norm(kv.Key).Length == 0).Select(kv => kv.Value))
            .ToList();
        if (unnamed.Count == 0 || p.Member is not MethodBase member)
        {
            return null;
        }

        var named = op
            .Parameters.Select(d => Json.Norm(d.Name))
            .Concat(Json.Props(bodySchema, "properties").Select(kv => Json.Norm(kv.Key)))
            .ToHashSet(StringComparer.Ordinal);
        var leftOver = member
            .GetParameters()
            .Where(x => x.ParameterType != typeof(CancellationToken) && !named.Contains(Json.Norm(x.Name ?? "")))
            .Where(x => Json.Norm(x.Name ?? "").StartsWith("value", StringComparison.Ordinal))
            .ToList();
        var index = leftOver.FindIndex(x => x.Position == p.Position);
        return index >= 0 && leftOver.Count == unnamed.Count ? unnamed[index] : null;
    }

    private void Evaluate(
        ClientMethod method,
        ConnectionUnderTest connection,
        DefOperation? op,
        CallOutcome outcome,
        bool requiredOnly,
        (int Status, DefResponse Response)? error
    )
    {
        var call = (requiredOnly ? "required arguments" : "all arguments") + (error is { } e ? ", answered " + e.Status : "");
        var label = connection.AuthMethod;
        if (outcome.Match is { } match)
        {
            if (!_reachedBy.TryGetValue(match.Operation, out var set))
            {
                _reachedBy[match.Operation] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            // An operation's raw-response twin is the same operation, not a second method sending it.
            set.Add(
                IsResponseTwin(method.Method) && method.Path.EndsWith("WithResponseAsync", StringComparison.Ordinal)
                    ? method.Path[..^"WithResponseAsync".Length] + "Async"
                    : method.Path
            );
        }

        if (outcome.UnmatchedPath is { } path)
        {
            var target = op ?? outcome.Match?.Operation;
            if (target is not null)
            {
                Fail(
                    target,
                    label,
                    "route",
                    method.Path + " (" + call + ") sent " + path + ", which no operation of the definition matches under " + BasePath
                );
            }
            else
            {
                _extra.Add(
                    new OperationResult(
                        "(method) " + method.Path,
                        label,
                        false,
                        "route: sent "
                            + path.Replace(" | ", " / ", StringComparison.Ordinal)
                            + ", which no operation of the definition matches under "
                            + BasePath
                    )
                );
            }
        }

        if (op is null)
        {
            if (outcome.Requests.Count == 0 && outcome.Error is not null and not ConnectorConfigurationException)
            {
                _extra.Add(
                    new OperationResult(
                        "(method) " + method.Path,
                        label,
                        false,
                        "call: " + method.Path + " (" + call + ") threw before sending: " + Short(outcome.Error)
                    )
                );
            }

            return;
        }

        Bucket(op, label);
        var expectation = Expect(op, connection);
        if (outcome.Timeout)
        {
            Fail(op, label, "call", method.Path + " (" + call + ") did not complete within " + options.CallTimeout.TotalSeconds + " s");
            return;
        }

        if (expectation == Expectation.Reject)
        {
            if (outcome.Requests.Count > 0)
            {
                Fail(
                    op,
                    label,
                    "credential-scope",
                    "sent with a connection whose auth method '"
                        + connection.AuthMethod
                        + "' the operation does not accept (security: "
                        + Security(op)
                        + "); expected ConnectorConfigurationException before sending"
                );
            }
            else if (outcome.Error is not ConnectorConfigurationException)
            {
                Fail(
                    op,
                    label,
                    "credential-scope",
                    "expected ConnectorConfigurationException for auth method '"
                        + connection.AuthMethod
                        + "', got "
                        + (outcome.Error is null ? "no exception" : Short(outcome.Error))
                );
            }

            return;
        }

        if (outcome.Requests.Count == 0)
        {
            Fail(
                op,
                label,
                outcome.Error is ConnectorConfigurationException ? "credential-scope" : "call",
                method.Path + " (" + call + ") sent nothing: " + (outcome.Error is null ? "no exception" : Short(outcome.Error))
            );
            return;
        }

        if (outcome.Match is null || !ReferenceEquals(outcome.Match.Operation, op))
        {
            return;
        }

        var request = outcome.Requests[0];
        CheckParameters(op, label, request, outcome.Match, requiredOnly, method, call);
        CheckValues(op, label, request, outcome, call);
        CheckBody(op, label, request, requiredOnly, call);
        CheckCredentials(op, connection, request, expectation, call);
        CheckResponse(op, label, outcome, error, call);
        CheckRawResponse(op, label, request, outcome, call);
    }

    private const string OptionsHeaderName = "X-Conformance-Call";

    /// <summary>
    /// The per-call options' header arrives on the request; a raw-response twin reports the status the server answered.
    /// </summary>
    private void CheckRawResponse(DefOperation op, string label, RecordedRequest request, CallOutcome outcome, string call)
    {
        if (outcome.OptionsHeader is { } expected && request.Header(OptionsHeaderName) != expected)
        {
            Fail(op, label, "call-options", "the header of the call's ConnectorCallOptions did not reach the server (" + call + ")");
        }

        if (outcome.Error is null && outcome.RawStatus is var (reported, answered) && reported != answered)
        {
            Fail(
                op,
                label,
                "raw-response",
                "the ConnectorResponse reports status " + reported + " but the server answered " + answered + " (" + call + ")"
            );
        }
    }

    /// <summary>
    /// A string or integer argument of a parameter arrives as given, under that parameter's wire name: no swapped
    /// placeholders, no double encoding, nothing lost on the way.
    /// </summary>
    private void CheckValues(DefOperation op, string label, RecordedRequest request, CallOutcome outcome, string call)
    {
        var query = QueryPairs(request.RawQuery);
        var names = op.Parameters.GroupBy(p => Json.Norm(p.Name)).Where(g => g.Count() == 1).Select(g => g.Single());
        foreach (var p in names)
        {
            if (
                p.Constant is not null
                || !outcome.Scalars.TryGetValue(Json.Norm(p.Name), out var expected)
                || JsonSynthesizer.Type(refs.Resolve(p.Schema) as JsonObject) is "array" or "object"
            )
            {
                continue;
            }

            string? actual = p.In switch
            {
                "path" => outcome.Match!.PathValues.GetValueOrDefault(p.Name),
                "query" => query.Where(q => q.Name == p.Name).Select(q => q.Value).FirstOrDefault(),
                "header" => request.Header(p.Name),
                "cookie" => Cookies(request).GetValueOrDefault(p.Name),
                _ => null,
            };
            if (
                actual is not null
                && actual != expected
                && !(
                    p.In == "path"
                    && request.RawPath.StartsWith(BasePath, StringComparison.Ordinal)
                    && _router.Holds(op, "/" + request.RawPath[BasePath.Length..], p.Name, expected)
                )
            )
            {
                Fail(
                    op,
                    label,
                    p.In + "-value",
                    "'" + p.Name + "' was passed '" + expected + "' and arrived as '" + Truncate(actual, 100) + "' (" + call + ")"
                );
            }
        }
    }

    private void CheckParameters(
        DefOperation op,
        string label,
        RecordedRequest request,
        RouteMatch match,
        bool requiredOnly,
        ClientMethod method,
        string call
    )
    {
        var query = QueryPairs(request.RawQuery);
        var exposed = method.Method.GetParameters().Select(p => Json.Norm(p.Name ?? "")).ToHashSet(StringComparer.Ordinal);
        foreach (var p in op.Parameters)
        {
            var expected = p.Required || p.Constant is not null || (!requiredOnly && exposed.Contains(Json.Norm(p.Name)));
            if (!expected)
            {
                continue;
            }

            switch (p.In)
            {
                case "path":
                    if (!match.PathValues.TryGetValue(p.Name, out var value) || value.Length == 0)
                    {
                        Fail(op, label, "path-parameter", "'" + p.Name + "' is empty in " + request.RawPath + " (" + call + ")");
                    }

                    break;
                case "query":
                    CheckQuery(op, label, p, query, call, requiredOnly);
                    break;
                case "header":
                    if (!IsHttpToken(p.Name))
                    {
                        // No request can carry it (RFC 9110 field names are tokens): the generator warns and leaves it out.
                        break;
                    }

                    var header = request.Header(p.Name);
                    var mustBeEmpty = Json.Num(refs.Resolve(p.Schema), "maxLength") is 0;
                    if (header is null || (header.Length == 0 && !mustBeEmpty))
                    {
                        Fail(
                            op,
                            label,
                            "header-parameter",
                            (p.Required ? "required" : "optional") + " header '" + p.Name + "' missing (" + call + ")"
                        );
                    }
                    else if (
                        p.Constant is not null
                        && !ConstantMatches(p.Constant, header)
                        && !header.Split(',').Any(h => ConstantMatches(p.Constant, h.Trim()))
                    )
                    {
                        Fail(
                            op,
                            label,
                            "header-parameter",
                            "header '" + p.Name + "' is '" + header + "', the definition fixes '" + p.Constant + "'"
                        );
                    }

                    break;
                case "cookie":
                    var cookies = Cookies(request);
                    if (!cookies.ContainsKey(p.Name))
                    {
                        Fail(
                            op,
                            label,
                            "cookie-parameter",
                            (p.Required ? "required" : "optional")
                                + " cookie '"
                                + p.Name
                                + "' missing ("
                                + call
                                + "); Cookie: "
                                + (request.Header("Cookie") ?? "(none)")
                        );
                    }

                    break;
            }
        }
    }

    /// <summary>An RFC 9110 token, what a header field name has to be.</summary>
    private static bool IsHttpToken(string name) =>
        name.Length > 0 && name.All(c => c < 127 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)));

    private void CheckQuery(
        DefOperation op,
        string label,
        DefParameter p,
        List<(string Name, string Value)> query,
        string call,
        bool requiredOnly
    )
    {
        var schema = refs.Resolve(p.Schema) as JsonObject;
        var type = JsonSynthesizer.Type(schema);
        if (
            (type == "object" || (type is null && schema?["properties"] is JsonObject))
            && p.Constant is null
            && !query.Any(q => q.Name == p.Name)
            && (
                (requiredOnly && !Json.Items(schema, "required").Any())
                || (!Json.Props(schema, "properties").Any() && schema?["additionalProperties"] is not JsonObject)
            )
        )
        {
            // An object without members (the required-only call's, or one whose schema declares none) is undefined to
            // RFC 6570 and left out of the query; sent as anything else (é={}) it is still checked below.
            return;
        }

        var named = query.Where(q => q.Name == p.Name).ToList();
        var what = (p.Required ? "required" : "optional") + " query parameter '" + p.Name + "'";
        if (p.Constant is not null)
        {
            if (!named.Any(q => ConstantMatches(p.Constant, q.Value)))
            {
                Fail(
                    op,
                    label,
                    "query-parameter",
                    what + " should be the constant '" + p.Constant + "' (" + call + "), query: " + Show(query)
                );
            }

            return;
        }

        if (p.Style == "deepObject")
        {
            if (!query.Any(q => q.Name.StartsWith(p.Name + "[", StringComparison.Ordinal)))
            {
                Fail(
                    op,
                    label,
                    "query-style",
                    what + " (deepObject) should be sent as " + p.Name + "[key]=value (" + call + "), query: " + Show(query)
                );
            }

            return;
        }

        var isObject = type == "object" || (type is null && schema?["properties"] is JsonObject);
        if (isObject && p.Style == "form" && p.Explode)
        {
            var keys = Json.Props(schema, "properties").Select(k => k.Key).Append("key1").ToHashSet(StringComparer.Ordinal);
            if (!query.Any(q => keys.Contains(q.Name)) && named.Count == 0)
            {
                Fail(
                    op,
                    label,
                    "query-style",
                    what + " (exploded form object) should be sent as its key=value pairs (" + call + "), query: " + Show(query)
                );
            }

            return;
        }

        if (named.Count == 0)
        {
            Fail(op, label, "query-parameter", what + " missing (" + call + "), query: " + Show(query));
            return;
        }

        if (type != "array" || (Json.Num(schema, "maxItems") ?? 2) < 2)
        {
            return;
        }

        // An exploded array is one pair per item whatever the style: OpenAPI gives spaceDelimited and pipeDelimited only
        // for explode: false, and clients (swagger-js among them) repeat the name for the exploded form of each.
        var (expectCount, delimiter) = p.Style switch
        {
            "form" or "spaceDelimited" or "pipeDelimited" when p.Explode => (2, (char?)null),
            "form" => (1, ','),
            "spaceDelimited" => (1, ' '),
            "pipeDelimited" => (1, '|'),
            _ => (0, (char?)null),
        };
        if (expectCount == 2 && named.Count < 2)
        {
            Fail(
                op,
                label,
                "query-style",
                what + " (form, explode: true) should repeat the name per item (two items passed), query: " + Show(query)
            );
        }
        else if (expectCount == 1 && (named.Count != 1 || delimiter is { } d && !named[0].Value.Contains(d, StringComparison.Ordinal)))
        {
            Fail(
                op,
                label,
                "query-style",
                what
                    + " ("
                    + p.Style
                    + ", explode: "
                    + p.Explode.ToString().ToLowerInvariant()
                    + ") should be one '"
                    + p.Name
                    + "' with items joined by '"
                    + delimiter
                    + "' (two items passed), query: "
                    + Show(query)
            );
        }
    }

    private void CheckBody(DefOperation op, string label, RecordedRequest request, bool requiredOnly, string call)
    {
        if (op.Body is not { } body)
        {
            return;
        }

        if (!body.Required && requiredOnly && request.Body.Length == 0)
        {
            return;
        }

        var media = (request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (request.Body.Length == 0 && string.IsNullOrEmpty(request.ContentType))
        {
            Fail(
                op,
                label,
                "body",
                (body.Required ? "required" : "optional") + " body not sent (" + call + "); declared " + string.Join(", ", body.MediaTypes)
            );
            return;
        }

        var declared = body.MediaTypes.FirstOrDefault(m => MediaMatches(m, media));
        if (declared is null)
        {
            Fail(
                op,
                label,
                "body-media",
                "sent as '" + request.ContentType + "', declared " + string.Join(", ", body.MediaTypes) + " (" + call + ")"
            );
            return;
        }

        var schema = refs.Resolve(body.Schemas.GetValueOrDefault(declared)) as JsonObject;
        var required = RequiredProperties(schema);
        if (required.Count == 0 && DeclaredProperties(schema) is null)
        {
            return;
        }

        HashSet<string>? present = null;
        if (media.Contains("json", StringComparison.Ordinal))
        {
            try
            {
                present = (JsonNode.Parse(request.Body) as JsonObject)?.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
            }
            catch (JsonException e)
            {
                Fail(op, label, "body", "JSON body does not parse: " + e.Message);
                return;
            }
        }
        else if (media == "application/x-www-form-urlencoded")
        {
            present = QueryPairs(request.BodyText).Select(q => q.Name.Split('[')[0]).ToHashSet(StringComparer.Ordinal);
        }
        else if (media.StartsWith("multipart/", StringComparison.Ordinal))
        {
            present = MultipartNames(request.BodyText).Select(n => n.Split('[')[0]).ToHashSet(StringComparer.Ordinal);
        }

        if (present is null)
        {
            return;
        }

        if (media.Contains("json", StringComparison.Ordinal) && DeclaredProperties(schema) is { } declaredNames)
        {
            var unknown = present.Where(k => !declaredNames.Contains(k)).ToList();
            if (unknown.Count > 0)
            {
                Fail(
                    op,
                    label,
                    "body-property",
                    "JSON body has properties the schema does not declare: "
                        + string.Join(", ", unknown.Select(u => "'" + u + "'"))
                        + " ("
                        + call
                        + ")"
                );
            }
        }

        // A required name the schema does not declare as a property cannot be given through any typed API: a defect of
        // the document, noted instead of failed.
        var declaredAll = AllPropertyNames(schema);
        foreach (var undeclared in required.Where(r => declaredAll.Count > 0 && !declaredAll.Contains(r)))
        {
            _notes.Add(
                "document defect at "
                    + op.Label
                    + ": required body property '"
                    + undeclared
                    + "' is not declared in the schema's properties"
            );
        }

        var missing = required.Where(r => !present.Contains(r) && (declaredAll.Count == 0 || declaredAll.Contains(r))).ToList();
        if (missing.Count > 0)
        {
            Fail(
                op,
                label,
                "body-required",
                media
                    + " body lacks required "
                    + string.Join(", ", missing.Select(m => "'" + m + "'"))
                    + " ("
                    + call
                    + "); sent: "
                    + Truncate(request.BodyText, 200)
            );
        }
    }

    /// <summary>Every property a closed object schema declares (through allOf/oneOf/anyOf), or null when it admits others.</summary>
    private HashSet<string>? DeclaredProperties(JsonObject? schema, int depth = 0)
    {
        if (schema is null || depth > 8 || schema.ContainsKey("additionalProperties") || schema.ContainsKey("patternProperties"))
        {
            return null;
        }

        var result = new HashSet<string>(Json.Props(schema, "properties").Select(p => p.Key), StringComparer.Ordinal);
        if (schema["discriminator"] is JsonObject d && Json.Str(d, "propertyName") is { } discriminator)
        {
            result.Add(discriminator);
        }

        foreach (var part in Json.Items(schema, "allOf").Concat(Json.Items(schema, "oneOf")).Concat(Json.Items(schema, "anyOf")))
        {
            if (DeclaredProperties(refs.Resolve(part) as JsonObject, depth + 1) is not { } inner)
            {
                return null;
            }

            result.UnionWith(inner);
        }

        return result.Count == 0 ? null : result;
    }

    private HashSet<string> AllPropertyNames(JsonObject? schema, int depth = 0)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (schema is null || depth > 8)
        {
            return result;
        }

        result.UnionWith(Json.Props(schema, "properties").Select(p => p.Key));
        foreach (var part in Json.Items(schema, "allOf").Concat(Json.Items(schema, "oneOf")).Concat(Json.Items(schema, "anyOf")))
        {
            result.UnionWith(AllPropertyNames(refs.Resolve(part) as JsonObject, depth + 1));
        }

        return result;
    }

    private HashSet<string> RequiredProperties(JsonObject? schema, int depth = 0)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (schema is null || depth > 8)
        {
            return result;
        }

        foreach (var r in Json.Items(schema, "required"))
        {
            if (Json.Str(r) is { } name)
            {
                result.Add(name);
            }
        }

        foreach (var part in Json.Items(schema, "allOf"))
        {
            result.UnionWith(RequiredProperties(refs.Resolve(part) as JsonObject, depth + 1));
        }

        return result;
    }

    private static bool MediaMatches(string declared, string sent)
    {
        var d = declared.Split(';')[0].Trim().ToLowerInvariant();
        if (d == sent || d == "*/*")
        {
            return true;
        }

        return d.EndsWith("/*", StringComparison.Ordinal) && sent.StartsWith(d[..^1], StringComparison.Ordinal);
    }

    private void CheckCredentials(
        DefOperation op,
        ConnectionUnderTest connection,
        RecordedRequest request,
        Expectation expectation,
        string call
    )
    {
        var label = connection.AuthMethod;
        var everything = Surface(request, null, null, null);
        if (connection.Auth is null)
        {
            // Values of a method the definition does not declare may appear only in header parameters the operation declares.
            var declaredHeaders = op.Parameters.Where(p => p.In == "header").Select(p => p.Name).ToList();
            var rest = RemoveHeaders(request, declaredHeaders);
            foreach (var marker in connection.Credentials.Where(m => rest.Contains(m, StringComparison.Ordinal)))
            {
                Fail(
                    op,
                    label,
                    "credential-leak",
                    "a value of auth method '"
                        + connection.AuthMethod
                        + "' (not declared by the definition) appears outside the operation's declared header parameters ("
                        + call
                        + ")"
                );
                break;
            }

            return;
        }

        var auth = connection.Auth;
        var present = connection.Credentials.Any(m => everything.Contains(m, StringComparison.Ordinal));
        if (expectation == Expectation.Anonymous)
        {
            if (present)
            {
                Fail(
                    op,
                    label,
                    "credential-anonymous",
                    "the operation is anonymous (security: "
                        + Security(op)
                        + ") but a credential of '"
                        + connection.AuthMethod
                        + "' was sent in "
                        + WhereIs(request, connection.Credentials)
                        + " ("
                        + call
                        + ")"
                );
            }

            return;
        }

        if (expectation == Expectation.Optional && !present)
        {
            return;
        }

        if (auth.Kind.StartsWith("unsupported", StringComparison.Ordinal) || auth.Kind == "custom")
        {
            return;
        }

        string? carried;
        string rest2;
        switch (auth.In)
        {
            case "query":
                carried = QueryPairs(request.RawQuery).Where(q => q.Name == auth.Name).Select(q => q.Value).FirstOrDefault();
                rest2 = Surface(request, null, auth.Name, null);
                break;
            case "cookie":
                carried = Cookies(request).GetValueOrDefault(auth.Name);
                rest2 = Surface(request, null, null, auth.Name);
                break;
            default:
                carried = request.Header(auth.Name);
                rest2 = Surface(request, auth.Name, null, null);
                break;
        }

        var where = auth.In + " '" + auth.Name + "'";
        if (carried is null || !connection.Credentials.Any(m => Decode(auth, carried).Contains(m, StringComparison.Ordinal)))
        {
            Fail(
                op,
                label,
                "credential",
                auth.Kind
                    + " credential of '"
                    + connection.AuthMethod
                    + "' expected in "
                    + where
                    + ", found "
                    + (carried is null ? "nothing there" : "'" + Mask(carried, connection.Credentials) + "'")
                    + "; credential sent in "
                    + WhereIs(request, connection.Credentials)
                    + " ("
                    + call
                    + ")"
            );
            return;
        }

        if (
            auth.Kind is "basic" or "bearer" or "oauth2"
            && auth.Prefix.Length > 0
            && auth.In == "header"
            && !carried.StartsWith(auth.Prefix + " ", StringComparison.OrdinalIgnoreCase)
        )
        {
            Fail(
                op,
                label,
                "credential",
                where + " should start with '" + auth.Prefix + " ', is '" + Mask(carried, connection.Credentials) + "' (" + call + ")"
            );
        }

        if (auth.Kind == "basic" && !Decode(auth, carried).Contains(':', StringComparison.Ordinal))
        {
            Fail(op, label, "credential", "Basic credential is not base64(user:password) (" + call + ")");
        }

        if (connection.Credentials.Any(m => rest2.Contains(m, StringComparison.Ordinal)))
        {
            Fail(
                op,
                label,
                "credential-leak",
                "a credential of '"
                    + connection.AuthMethod
                    + "' also appears outside "
                    + where
                    + ": "
                    + WhereIs(request, connection.Credentials)
                    + " ("
                    + call
                    + ")"
            );
        }
    }

    private static string Decode(DefAuth auth, string carried)
    {
        var value = Uri.UnescapeDataString(carried);
        if (auth.Kind == "basic")
        {
            var token = value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) ? value[6..].Trim() : value.Trim();
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(token));
            }
            catch (FormatException)
            {
                return "";
            }
        }

        return value;
    }

    /// <summary>Every place of the request a credential could be, less the one it belongs in.</summary>
    /// <summary>
    /// The field names of a <c>multipart/form-data</c> body as RFC 7578 has them: the <c>name</c> parameter of each
    /// part's <c>Content-Disposition</c>, a quoted string of UTF-8 in which <c>"</c>, CR and LF are percent-encoded (an
    /// RFC 2047 encoded word is not a name RFC 7578 allows, so it stays as written and fails the check).
    /// </summary>
    internal static IEnumerable<string> MultipartNames(string body)
    {
        foreach (
            System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(
                body,
                "^Content-Disposition:[ \t]*form-data(?:;[ \t]*(?!name=)[^;\r\n]*)*;[ \t]*name=(?:\"([^\"\r\n]*)\"|([^;\r\n]*))",
                System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Multiline
            )
        )
        {
            yield return m.Groups[1].Success
                ? m.Groups[1]
                    .Value.Replace("%22", "\"", StringComparison.Ordinal)
                    .Replace("%0D", "\r", StringComparison.OrdinalIgnoreCase)
                    .Replace("%0A", "\n", StringComparison.OrdinalIgnoreCase)
                : m.Groups[2].Value.Trim();
        }
    }

    private static string Surface(RecordedRequest request, string? skipHeader, string? skipQuery, string? skipCookie)
    {
        var text = new StringBuilder();
        text.AppendLine(Uri.UnescapeDataString(request.RawPath));
        foreach (var (name, value) in QueryPairs(request.RawQuery).Where(q => q.Name != skipQuery))
        {
            text.Append(name).Append('=').AppendLine(value);
        }

        foreach (
            var (name, value) in request.Headers.Where(h =>
                !string.Equals(h.Key, skipHeader, StringComparison.OrdinalIgnoreCase)
                && !h.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
            )
        )
        {
            text.Append(name).Append(": ").AppendLine(value);
            if (value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    text.AppendLine(Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim())));
                }
                catch (FormatException) { }
            }
        }

        foreach (var (name, value) in Cookies(request).Where(c => c.Key != skipCookie))
        {
            text.Append(name).Append('=').AppendLine(value);
        }

        return text.Append(request.BodyText).ToString();
    }

    private static string RemoveHeaders(RecordedRequest request, IEnumerable<string> names)
    {
        var skip = names.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return request.RawTarget
            + "\n"
            + Uri.UnescapeDataString(request.RawTarget.Replace('+', ' '))
            + "\n"
            + string.Join("\n", request.Headers.Where(h => !skip.Contains(h.Key)).Select(h => h.Key + ": " + h.Value))
            + "\n"
            + request.BodyText;
    }

    private static string WhereIs(RecordedRequest request, IReadOnlyList<string> markers)
    {
        var places = new List<string>();
        if (markers.Any(m => Uri.UnescapeDataString(request.RawTarget.Replace('+', ' ')).Contains(m, StringComparison.Ordinal)))
        {
            places.Add("the URL");
        }

        foreach (var (name, value) in request.Headers)
        {
            var decoded = value;
            if (value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim()));
                }
                catch (FormatException) { }
            }

            if (markers.Any(m => value.Contains(m, StringComparison.Ordinal) || decoded.Contains(m, StringComparison.Ordinal)))
            {
                places.Add("header " + name);
            }
        }

        if (markers.Any(m => request.BodyText.Contains(m, StringComparison.Ordinal)))
        {
            places.Add("the body");
        }

        return places.Count == 0 ? "nowhere" : string.Join(", ", places);
    }

    private void CheckResponse(DefOperation op, string label, CallOutcome outcome, (int Status, DefResponse Response)? error, string call)
    {
        if (error is { } e)
        {
            if (outcome.Error is not ConnectorApiException api)
            {
                Fail(
                    op,
                    label,
                    "error-typed",
                    "answered "
                        + e.Status
                        + " with its declared schema, expected ConnectorApiException<TError>, got "
                        + (outcome.Error is null ? "no exception" : Short(outcome.Error))
                );
                return;
            }

            var type = api.GetType();
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(ConnectorApiException<>))
            {
                Fail(
                    op,
                    label,
                    "error-typed",
                    "answered " + e.Status + " (declared '" + e.Response.Status + "' with a schema), got the untyped ConnectorApiException"
                );
                return;
            }

            if (
                type.GetProperty("Error")?.GetValue(api) is null
                && JsonSynthesizer.Type(refs.Resolve(e.Response.Schema) as JsonObject) == "object"
            )
            {
                Fail(
                    op,
                    label,
                    "error-typed",
                    "answered " + e.Status + ": ConnectorApiException<" + type.GetGenericArguments()[0].Name + ">.Error is null"
                );
            }

            return;
        }

        if (outcome.Error is not null)
        {
            Fail(op, label, outcome.Error is ConnectorApiException ? "response-status" : "response", call + ": " + Short(outcome.Error));
            return;
        }

        if (outcome.ResultIsNullableObject && outcome.Result is null && op.Responses.Any(r => r.Status.StartsWith('2')))
        {
            var returnsValue = true;
            if (returnsValue)
            {
                Fail(op, label, "response-null", "the response schema is an object but the typed result is null (" + call + ")");
            }
        }
    }

    /// <summary>A fixed value as sent: its <c>{{placeholders}}</c> are filled from connection values, so they match anything.</summary>
    private static bool ConstantMatches(string constant, string actual)
    {
        if (!constant.Contains("{{", StringComparison.Ordinal))
        {
            return constant == actual;
        }

        var parts = System.Text.RegularExpressions.Regex.Split(constant, @"\{\{[^}]*\}\}");
        var pattern = "^" + string.Join(".*", parts.Select(System.Text.RegularExpressions.Regex.Escape)) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(actual, pattern, System.Text.RegularExpressions.RegexOptions.Singleline);
    }

    private static List<(string Name, string Value)> QueryPairs(string raw) =>
        raw.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? pair : pair[..eq];
                var value = eq < 0 ? "" : pair[(eq + 1)..];
                return (Uri.UnescapeDataString(name.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' ')));
            })
            .ToList();

    private static Dictionary<string, string> Cookies(RecordedRequest request)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (
            var part in (request.Header("Cookie") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        )
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result.TryAdd(part[..eq], Uri.UnescapeDataString(part[(eq + 1)..]));
            }
        }

        return result;
    }

    private static string Show(List<(string Name, string Value)> query) =>
        query.Count == 0 ? "(empty)" : Truncate(string.Join("&", query.Select(q => q.Name + "=" + q.Value)), 200);

    private static string Security(DefOperation op) =>
        op.Security is null ? "(none declared)" : "[" + string.Join(", ", op.Security.Select(s => "{" + string.Join(",", s) + "}")) + "]";

    private static string Mask(string value, IReadOnlyList<string> markers) =>
        markers.Aggregate(value, (v, m) => v.Replace(m, "<credential>", StringComparison.Ordinal));

    private static string Short(Exception e) =>
        e.GetType().Name + ": " + Truncate(e.Message.ReplaceLineEndings(" ").Replace(" | ", " / ", StringComparison.Ordinal), 300);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    /// <summary>Hands out one fixed access token for every key, so OAuth connections send a known marker.</summary>
    private sealed class FixedTokenStore(string token) : ITokenStore
    {
        public ValueTask<OAuthToken?> GetAsync(string key, CancellationToken cancellationToken) =>
            ValueTask.FromResult<OAuthToken?>(new OAuthToken(token, expiresAt: DateTimeOffset.UtcNow.AddHours(1)));

        public ValueTask SaveAsync(string key, OAuthToken token, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask RemoveAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}

/// <summary>Sends every request to the recording server, keeping the URL the client meant in a header.</summary>
internal sealed class RedirectHandler(Uri server)
    : DelegatingHandler(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
{
    public const string OriginalUrlHeader = "X-Conformance-Original-Url";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && !uri.IsLoopback)
        {
            request.Headers.TryAddWithoutValidation(OriginalUrlHeader, uri.AbsoluteUri);
            request.RequestUri = new Uri(server, uri.PathAndQuery);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
