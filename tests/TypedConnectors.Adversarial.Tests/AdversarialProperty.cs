using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.CodeAnalysis;
using TypedConnectors.Testing;

namespace TypedConnectors.Adversarial.Tests;

/// <summary>What checking one case found.</summary>
public sealed record CaseOutcome(string Name, bool ReportedErrors, string? Failure, int Methods, int Called, int Rejected)
{
    public GeneratorRun? Run { get; init; }
    public Assembly? Assembly { get; init; }
}

/// <summary>
/// The property every generated case must have: the generator neither throws nor reports an internal error; without
/// an error diagnostic its output compiles with no error and no warning, loads, and has one method per operation.
/// </summary>
public static class AdversarialProperty
{
    public static CaseOutcome CheckGeneration(string name, IReadOnlyList<InputFile> files, int operations)
    {
        GeneratorRun run;
        try
        {
            run = GeneratorHarness.Run(files);
        }
        catch (Exception e)
        {
            return new CaseOutcome(name, false, "the generator run threw: " + e, 0, 0, 0);
        }

        // The driver turns an exception in a generator into CS8784/CS8785.
        var crashed = run.GeneratorDiagnostics.Where(d => d.Id is "CS8784" or "CS8785" or "TC0024").ToList();
        if (crashed.Count > 0)
        {
            return new CaseOutcome(name, false, "the generator failed:\n" + string.Join("\n", crashed), 0, 0, 0) { Run = run };
        }

        if (run.GeneratorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return new CaseOutcome(name, true, null, 0, 0, 0) { Run = run };
        }

        if (!run.CompileDiagnostics.IsEmpty)
        {
            return new CaseOutcome(
                name,
                false,
                "the generated code does not compile cleanly:\n" + string.Join("\n", run.CompileDiagnostics.Take(15)),
                0,
                0,
                0
            )
            {
                Run = run,
            };
        }

        var methods = ClientMethods(run).Count;
        if (methods != operations)
        {
            return new CaseOutcome(
                name,
                false,
                "the document has " + operations + " operations but the client " + methods + " methods",
                methods,
                0,
                0
            )
            {
                Run = run,
            };
        }

        Assembly assembly;
        try
        {
            assembly = GeneratorHarness.Load(run);
        }
        catch (Exception e)
        {
            return new CaseOutcome(name, false, "the generated assembly does not load: " + e.Message, methods, 0, 0) { Run = run };
        }

        return new CaseOutcome(name, false, null, methods, 0, 0) { Run = run, Assembly = assembly };
    }

    /// <summary>The public async methods of the generated clients (the client and its operation groups).</summary>
    public static List<IMethodSymbol> ClientMethods(GeneratorRun run) => run.ClientMethods().Where(m => !IsProxyMember(m.Name)).ToList();

    private static bool IsProxyMember(string name) =>
        name is "SendAsync" or "GetAsync" or "PostAsync" or "PutAsync" or "PatchAsync" or "DeleteAsync" or "ConnectMcpAsync";

    /// <summary>A string argument with every character a URL gives a meaning to.</summary>
    public const string StringValue = "a b/c?d#e%f&g=h+i;j,k'l";

    /// <summary>
    /// Calls every generated method with synthesized arguments against <paramref name="server"/> and checks each request's
    /// method and path against the operation's template under the base path. Returns the problems found.
    /// </summary>
    public static async Task<(List<string> Problems, int Called, int Rejected, List<string> Refused)> CheckRequestsAsync(
        Assembly assembly,
        Doc doc,
        RecordingServer server
    )
    {
        var problems = new List<string>();
        var connectionType = assembly
            .GetTypes()
            .Single(t => typeof(TypedConnectors.ConnectorConnection).IsAssignableFrom(t) && !t.IsAbstract);
        var options = new TypedConnectors.ConnectorConnectionOptions
        {
            BaseAddress = new Uri(server.BaseAddress, "base/p/"),
            MaxRetries = 0,
        };
        var factory = connectionType
            .GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == connectionType && m.Name.StartsWith("Create", StringComparison.Ordinal))
            .OrderBy(m => m.Name == "Create" ? 0 : 1)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .First();
        var connection = factory.Invoke(
            null,
            factory
                .GetParameters()
                .Select(p =>
                    p.Name == "options" ? (object)options
                    : p.ParameterType == typeof(string) ? "k"
                    : null
                )
                .ToArray()
        )!;
        var clientType = assembly.GetTypes().Single(t => t.GetCustomAttributes().Any(a => a.GetType().Name == "ConnectorAttribute"));
        var client = clientType
            .GetConstructors()
            .Single(c => c.GetParameters().Length == 1 && c.GetParameters()[0].ParameterType == connectionType)
            .Invoke(new[] { connection });
        var targets = new List<(object Target, MethodInfo Method)>();
        void Collect(object target)
        {
            foreach (var method in target.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (method.GetParameters().LastOrDefault()?.ParameterType == typeof(CancellationToken) && !IsProxyMember(method.Name))
                {
                    targets.Add((target, method));
                }
            }
        }

        Collect(client);
        foreach (
            var property in clientType
                .GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.PropertyType.Name.EndsWith("Operations", StringComparison.Ordinal))
        )
        {
            Collect(property.GetValue(client)!);
        }

        var called = 0;
        var rejected = 0;
        var refused = new List<string>();
        var random = new Random(targets.Count);
        foreach (var (target, method) in targets.OrderBy(t => t.Method.Name, StringComparer.Ordinal))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var arguments = method
                .GetParameters()
                .Select(p => p.ParameterType == typeof(CancellationToken) ? timeout.Token : Argument(p, random))
                .ToArray();
            var before = server.Requests.Count;
            Exception? error = null;
            try
            {
                var task = (Task)method.Invoke(target, arguments)!;
                await task;
            }
            catch (Exception e)
            {
                error = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            }

            var sent = server.Requests.Skip(before).ToList();
            if (sent.Count == 0)
            {
                // Argument checks (schema constraints) may reject a synthesized value before anything is sent.
                if (error is ArgumentException)
                {
                    rejected++;
                    continue;
                }

                // The runtime refuses what no request can carry (a cookie name that is not a token); a located build
                // diagnostic would be better, so these are counted and listed, not hidden.
                if (
                    error is TypedConnectors.ConnectorConfigurationException
                    || (error is HttpRequestException && error.Message.Contains("ASCII", StringComparison.Ordinal))
                )
                {
                    refused.Add(method.Name + ": " + error.Message);
                    continue;
                }

                problems.Add(
                    method.Name
                        + ": no request was sent"
                        + (
                            error is null
                                ? ""
                                : " ("
                                    + error.GetType().Name
                                    + ": "
                                    + error.Message
                                    + ")\n"
                                    + string.Join("\n", (error.StackTrace ?? "").Split('\n').Take(6))
                        )
                );
                continue;
            }

            called++;
            var request = sent[^1];
            if (!doc.Ops.Any(op => Matches(op, request)))
            {
                problems.Add(
                    method.Name
                        + ": "
                        + request.Method
                        + " "
                        + request.RawTarget
                        + " matches no operation: "
                        + string.Join(", ", doc.Ops.Select(o => o.Method.ToUpperInvariant() + " " + o.Path))
                );
            }
        }

        return (problems, called, rejected, refused);
    }

    private static object? Argument(ParameterInfo parameter, Random random)
    {
        if (parameter.HasDefaultValue && random.Next(2) == 0)
        {
            var value = parameter.DefaultValue;
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            return value is not null && type.IsEnum ? Enum.ToObject(type, value) : value;
        }

        return Synthesize(parameter.ParameterType, 0);
    }

    public static object? Synthesize(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
            return StringValue;
        if (type == typeof(int))
            return 1;
        if (type == typeof(long))
            return 1L;
        if (type == typeof(double))
            return 1d;
        if (type == typeof(decimal))
            return 1m;
        if (type == typeof(bool))
            return true;
        if (type == typeof(DateTimeOffset))
            return new DateTimeOffset(2024, 2, 29, 12, 0, 0, TimeSpan.Zero);
        if (type == typeof(DateOnly))
            return new DateOnly(2024, 2, 29);
        if (type == typeof(Guid))
            return new Guid("0f8fad5b-d9cb-469f-a165-70867728950e");
        if (type == typeof(Uri))
            return new Uri("https://x.example/a b");
        if (type == typeof(byte[]))
            return new byte[] { 1, 2, 3 };
        if (type == typeof(Stream))
            return new MemoryStream(new byte[] { 1, 2, 3 });
        if (type == typeof(System.Text.Json.JsonElement))
            return System.Text.Json.JsonDocument.Parse("{\"k\":1}").RootElement.Clone();
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.Length == 0 ? Activator.CreateInstance(type) : values.GetValue(values.Length - 1);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var item = type.GetGenericArguments()[0];
            var array = Array.CreateInstance(item, depth > 3 ? 0 : 1);
            if (array.Length > 0)
            {
                array.SetValue(Synthesize(item, depth + 1), 0);
            }

            return array;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            var dictionary = (System.Collections.IDictionary)
                Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(type.GetGenericArguments()))!;
            if (depth <= 3)
            {
                dictionary.Add("k", Synthesize(type.GetGenericArguments()[1], depth + 1));
            }

            return dictionary;
        }

        if (type.GetConstructor(new[] { typeof(System.Text.Json.JsonElement) }) is { } union)
        {
            return union.Invoke(new object[] { System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone() });
        }

        if (type.IsClass && type.GetConstructor(Type.EmptyTypes) is { } constructor && !type.IsAbstract)
        {
            // Recursive models end in null; value-typed members are filled at every depth.
            if (depth > 4)
            {
                return null;
            }

            // Reflection skips what C# requires: required members are set, as a caller has to.
            var instance = constructor.Invoke(null);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var required = property.GetCustomAttributes().Any(a => a.GetType().Name == "RequiredMemberAttribute");
                if (required && property.CanWrite)
                {
                    property.SetValue(instance, Synthesize(property.PropertyType, depth + 1));
                }
            }

            return instance;
        }

        return null;
    }

    /// <summary>
    /// Whether the request's path is the operation's template under the base path: segment by segment, percent-decoded,
    /// literal segments equal and a segment that is one parameter equal to the value passed for it.
    /// </summary>
    public static bool Matches(Op op, RecordedRequest request)
    {
        if (!string.Equals(op.Method, request.Method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rawPath = request.RawTarget.Split('?')[0];
        var template = op.Path.Split('?')[0];
        var candidates = new List<string> { template };
        if (template.Contains('#', StringComparison.Ordinal))
        {
            // A fragment cannot be sent: a client may drop it or send the '#' as a literal (%23) character.
            candidates.Add(template.Substring(0, template.IndexOf('#', StringComparison.Ordinal)));
        }

        return candidates.Any(t =>
            MatchesPath(op, "/base/p" + t, rawPath)
            || (t is "/" or "" && MatchesPath(op, "/base/p", rawPath))
            || (t.Length == 0 && MatchesPath(op, "/base/p/", rawPath))
        );
    }

    private static bool MatchesPath(Op op, string template, string rawPath)
    {
        var expected = template.Split('/');
        var actual = rawPath.Split('/');
        if (expected.Length != actual.Length)
        {
            return false;
        }

        for (var i = 0; i < expected.Length; i++)
        {
            var segment = Uri.UnescapeDataString(actual[i]);
            var pattern = new StringBuilder("^");
            var names = new List<string>();
            var rest = expected[i];
            foreach (Match part in Regex.Matches(rest, "\\{([^}]*)\\}|[^{]+|\\{"))
            {
                if (part.Groups[1].Success)
                {
                    names.Add(part.Groups[1].Value);
                    pattern.Append("(.*)");
                }
                else
                {
                    pattern.Append(Regex.Escape(Uri.UnescapeDataString(part.Value)));
                }
            }

            var match = Regex.Match(segment, pattern.Append('$').ToString(), RegexOptions.Singleline);
            if (!match.Success)
            {
                return false;
            }

            if (
                names.Count == 1
                && expected[i] == "{" + names[0] + "}"
                && op.Params.FirstOrDefault(p => p.In == "path" && p.Name == names[0]) is { } parameter
                && ExpectedValue(parameter.Schema) is { } value
                && segment != value
            )
            {
                return false;
            }
        }

        return true;
    }

    private static string? ExpectedValue(Sch schema) =>
        schema switch
        {
            { Ref: null, Type: "string", Format: null, Enum: null } => StringValue,
            { Ref: null, Type: "integer", Enum: null } => "1",
            _ => null,
        };
}

/// <summary>A request as it arrived, with the raw request target (before the server decoded anything).</summary>
public sealed record RecordedRequest(string Method, string RawTarget);

/// <summary>A loopback server that keeps the raw target of every request.</summary>
public sealed class RecordingServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private LoopbackServer _server = null!;

    public Uri BaseAddress => _server.BaseAddress;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public static async Task<RecordingServer> StartAsync()
    {
        var recording = new RecordingServer();
        recording._server = await LoopbackServer.StartAsync(
            async (context, received) =>
            {
                var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? received.Path + received.QueryString;
                recording._requests.Enqueue(new RecordedRequest(received.Method, raw));
                context.Response.StatusCode = 204;
                await Task.CompletedTask;
            }
        );
        return recording;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
