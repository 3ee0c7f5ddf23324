using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using TypedConnectors.Conformance.Checking;
using TypedConnectors.Conformance.Reading;
using TypedConnectors.Testing;

namespace TypedConnectors.Conformance;

/// <summary>A definition to check: <c>Files[0]</c> is the definition under test, the others are files it references.</summary>
public sealed record ConformanceInput(string Name, IReadOnlyList<InputFile> Files);

/// <summary>
/// One operation called through one connection. <paramref name="Failure"/> lists the failed checks as
/// <c>check: detail</c>, separated by <c> | </c>.
/// </summary>
public sealed record OperationResult(string Operation, string Connection, bool Passed, string? Failure)
{
    /// <summary>The names of the failed checks (the part of each failure before its colon).</summary>
    public IEnumerable<string> FailedChecks =>
        (Failure ?? "")
            .Split(" | ", StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split(':', 2)[0].Trim())
            .Distinct(StringComparer.Ordinal);
}

/// <summary>What checking one definition found.</summary>
public sealed record ConformanceReport(string Name, int Operations, int OperationsPassed, IReadOnlyList<OperationResult> Results)
{
    public bool AllPassed => Results.All(r => r.Passed) && OperationsPassed == Operations;

    public IEnumerable<OperationResult> Failures => Results.Where(r => !r.Passed);

    /// <summary>Where the time went: generation, compilation, loading, calls.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Timings { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>The kind of definition as the checker read it (openapi2, openapi3, canonical, scalekit, databar, …).</summary>
    public string Kind { get; init; } = "";

    /// <summary>Things about the input worth knowing that are no failure (an MCP client not exercised, …).</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();
}

/// <summary>Options of a check.</summary>
public sealed class ConformanceOptions
{
    /// <summary>Also call every operation so that each declared error response with a schema is answered.</summary>
    public bool CheckErrorResponses { get; set; } = true;

    /// <summary>How long one generated call may take before it counts as hanging.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// Checks a generated client against the definition it was generated from: every operation called through every
/// auth method, each request matched to the definition black-box and checked (method, path, parameters and their
/// styles, body, credentials), each response read back.
/// </summary>
public static class ConformanceChecker
{
    public static Task<ConformanceReport> CheckAsync(ConformanceInput input, CancellationToken ct = default) =>
        CheckAsync(input, new ConformanceOptions(), ct);

    public static async Task<ConformanceReport> CheckAsync(
        ConformanceInput input,
        ConformanceOptions options,
        CancellationToken ct = default
    )
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var timings = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();

        Definition definition;
        RefResolver refs;
        try
        {
            (definition, refs) = ReadDefinition(input);
        }
#pragma warning disable CA1031 // an unreadable definition is a finding of the report, whatever the reader threw
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Single(
                input.Name,
                "definition",
                "read: the checker could not read the definition: " + e.GetType().Name + ": " + e.Message
            );
        }

        timings["read"] = watch.Elapsed;
        watch.Restart();
        var files = input.Files.Select((f, i) => i == 0 ? WithDialect(f, definition) : f).ToList();
        GeneratorRun run;
        try
        {
            run = GeneratorHarness.Run(files);
        }
#pragma warning disable CA1031 // the generator must never throw; if it does, that is the finding
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Single(
                input.Name,
                "generator",
                "generate: the generator threw " + e.GetType().Name + ": " + e.Message,
                definition.Operations.Count
            );
        }

        if (run.GeneratorDiagnostics.Any(d => d.Id == "TC0040") && CustomAuthSource(run) is { } userSource)
        {
            // Custom auth methods need a handler from the project (TC0040 until one exists); the checker plays the
            // project with a handler that adds a fixed marker header and no credential.
            run = GeneratorHarness.Run(files, userSource: userSource);
        }

        timings["generate"] = watch.Elapsed;
        if (Environment.GetEnvironmentVariable("CONFORMANCE_DUMP_DIR") is { Length: > 0 } dump)
        {
            // For looking into a failure: the generated code of every input, by input name.
            Directory.CreateDirectory(dump);
            File.WriteAllText(System.IO.Path.Combine(dump, input.Name.Replace('/', '_') + ".g.cs"), run.AllSources);
        }

        var generatorErrors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (generatorErrors.Count > 0)
        {
            return Single(
                input.Name,
                "generator",
                "generate: "
                    + string.Join(
                        "; ",
                        generatorErrors.Take(5).Select(d => d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
                    ),
                definition.Operations.Count
            );
        }

        // One emit gives both the compiler's errors and warnings (documentation ones included: the doc stream makes the
        // compiler check the comments) and the assembly; for the largest documents that halves the compile time.
        watch.Restart();
        using var peStream = new MemoryStream();
        using var xmlStream = new MemoryStream();
        var emit = run.OutputCompilation.Emit(peStream, xmlDocumentationStream: xmlStream);
        var compile = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id is not ("CS1701" or "CS1702")).ToList();
        timings["compile"] = watch.Elapsed;
        if (compile.Count > 0 || !emit.Success)
        {
            return Single(
                input.Name,
                "compile",
                "compile: "
                    + compile.Count
                    + " errors/warnings, first: "
                    + string.Join(
                        "; ",
                        compile.Take(5).Select(d => d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
                    ),
                definition.Operations.Count
            );
        }

        watch.Restart();
        peStream.Position = 0;
        var assembly = new System.Runtime.Loader.AssemblyLoadContext("conformance-" + Guid.NewGuid().ToString("N")).LoadFromStream(
            peStream
        );
        timings["load"] = watch.Elapsed;
        watch.Restart();
        await using var server = await Server.RecordingServer.StartAsync();
        var session = new CheckSession(definition, refs, assembly, server, options);
        var report = await session.RunAsync(input.Name, ct);
        timings["calls"] = watch.Elapsed;
        return report with { Timings = timings, Kind = definition.Kind };
    }

    private static string? CustomAuthSource(GeneratorRun run)
    {
        var interfaces = run
            .OutputCompilation.SyntaxTrees.SelectMany(t =>
                t.GetRoot()
                    .DescendantNodes()
                    .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InterfaceDeclarationSyntax>()
                    .Select(d => run.OutputCompilation.GetSemanticModel(t).GetDeclaredSymbol(d))
            )
            .OfType<INamedTypeSymbol>()
            .Where(i => i.Name.EndsWith("CustomAuth", StringComparison.Ordinal))
            .ToList();
        if (interfaces.Count == 0)
        {
            return null;
        }

        var source = new System.Text.StringBuilder();
        source.AppendLine("internal sealed class ConformanceCustomHandler : global::System.Net.Http.DelegatingHandler");
        source.AppendLine("{");
        source.AppendLine(
            "    protected override global::System.Threading.Tasks.Task<global::System.Net.Http.HttpResponseMessage> SendAsync(global::System.Net.Http.HttpRequestMessage request, global::System.Threading.CancellationToken cancellationToken)"
        );
        source.AppendLine(
            "    { request.Headers.TryAddWithoutValidation(\"X-Conformance-Custom-Auth\", \"custom\"); return base.SendAsync(request, cancellationToken); }"
        );
        source.AppendLine("}");
        var index = 0;
        foreach (var type in interfaces)
        {
            var name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            source.Append("internal sealed class ConformanceCustomAuth").Append(index++).Append(" : ").AppendLine(name);
            source.AppendLine("{");
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                source
                    .Append("    public global::System.Net.Http.DelegatingHandler ")
                    .Append(method.Name)
                    .Append('(')
                    .Append(
                        string.Join(
                            ", ",
                            method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + " " + p.Name)
                        )
                    )
                    .AppendLine(") => new ConformanceCustomHandler();");
            }

            source.AppendLine("}");
        }

        return source.ToString();
    }

    private static ConformanceReport Single(string name, string operation, string failure, int operations = 0) =>
        new(name, Math.Max(operations, 1), 0, new[] { new OperationResult(operation, "-", false, failure) });

    internal static (Definition Definition, RefResolver Refs) ReadDefinition(ConformanceInput input)
    {
        if (input.Files.Count == 0)
        {
            throw new ArgumentException("An input needs at least the definition file.", nameof(input));
        }

        var main = input.Files[0];
        var parsed = input.Files.Select(f => (f.Path, Root: SafeRead(f))).ToList();
        var refs = new RefResolver(main.Path, parsed[0].Root, parsed.Skip(1));
        var root = parsed[0].Root;
        var dialect = main.Metadata is { } m && m.TryGetValue("TypedConnectorsDialect", out var d) ? d.ToLowerInvariant() : null;
        Definition definition;
        if (
            dialect == "openapi"
            || (
                dialect is null
                && root is JsonObject o
                && (Json.Str(o, "openapi") is { Length: > 0 } version && char.IsDigit(version[0]) || o.ContainsKey("swagger"))
            )
        )
        {
            definition = OpenApiDefinitionReader.Read(refs);
        }
        else if (dialect == "scalekit" || (dialect is null && ConnectorDefinitionReader.IsScalekit(root)))
        {
            definition = ConnectorDefinitionReader.ReadScalekit(root);
        }
        else if (dialect == "databar" || (dialect is null && ConnectorDefinitionReader.IsDatabar(root)))
        {
            definition = ConnectorDefinitionReader.ReadDatabar(root);
        }
        else
        {
            definition = ConnectorDefinitionReader.ReadCanonical(
                refs,
                documentPath =>
                {
                    var full = System
                        .IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(main.Path) ?? "/", documentPath))
                        .Replace('\\', '/');
                    var index = parsed.FindIndex(p =>
                        string.Equals(System.IO.Path.GetFullPath(p.Path).Replace('\\', '/'), full, StringComparison.Ordinal)
                    );
                    return index < 0 ? null : new RefResolver(parsed[index].Path, parsed[index].Root, parsed.Where((_, i) => i != index));
                }
            );
        }

        return (definition, refs);
    }

    private static JsonNode? SafeRead(InputFile file)
    {
        try
        {
            return DocumentReader.Read(file.Path, file.Text);
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A definition whose file name says nothing about its dialect gets it as item metadata, as a project would.</summary>
    private static InputFile WithDialect(InputFile file, Definition definition)
    {
        if (file.Metadata is { } m && m.ContainsKey("TypedConnectorsDialect"))
        {
            return file;
        }

        var name = System.IO.Path.GetFileName(file.Path).ToLowerInvariant();
        var recognised =
            name.EndsWith(".connector.json", StringComparison.Ordinal)
            || name.EndsWith(".connector.yaml", StringComparison.Ordinal)
            || name.EndsWith(".openapi.json", StringComparison.Ordinal)
            || name.EndsWith(".openapi.yaml", StringComparison.Ordinal)
            || name.EndsWith(".openapi.yml", StringComparison.Ordinal)
            || name.EndsWith(".swagger.json", StringComparison.Ordinal)
            || name.EndsWith(".swagger.yaml", StringComparison.Ordinal)
            || name.EndsWith(".swagger.yml", StringComparison.Ordinal);
        if (recognised)
        {
            return file;
        }

        var dialect = definition.Kind switch
        {
            "openapi2" or "openapi3" => "openapi",
            "scalekit" => "scalekit",
            "databar" => "databar",
            _ => "connector",
        };
        var metadata = new Dictionary<string, string>(file.Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["TypedConnectorsDialect"] = dialect,
        };
        return file with { Metadata = metadata };
    }
}
