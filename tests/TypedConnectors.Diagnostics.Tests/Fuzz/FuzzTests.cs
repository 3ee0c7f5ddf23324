using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedConnectors.Testing;
using Xunit.Abstractions;

namespace TypedConnectors.Diagnostics.Tests.Fuzz;

/// <summary>
/// Thousands of seeded mutations of the real platform payloads in shared/seed-examples (plus a canonical connector):
/// the generator and the analyzer never throw and never report an internal error, a file produces code exactly when it
/// has no error, and every distinct generated output compiles with no error.
/// </summary>
/// <remarks>
/// Replay or widen locally with TYPEDCONNECTORS_FUZZ_SEED and TYPEDCONNECTORS_FUZZ_COUNT.
/// </remarks>
public class FuzzTests(ITestOutputHelper output)
{
    private const int BatchSize = 250;

    // A canonical connector using most of the format, so mutations reach the canonical reader, templates and models too.
    private const string Canonical = """
        {
          "format_version": 1,
          "name": "Acme CRM",
          "slug": "acme-crm",
          "description": "Contacts and deals in Acme CRM.",
          "base_url": "https://{{tenant}}.acme.com/api/v2",
          "variables": [ { "name": "tenant", "description": "Workspace", "pattern": "^[a-z0-9-]+$" } ],
          "auth": [
            { "type": "api_key", "default": true, "header": "X-Api-Key", "fields": [ { "field_name": "api_key", "label": "API key", "input_type": "password" } ] },
            { "type": "oauth2", "oauth": { "authorize_uri": "https://login.acme.com/authorize", "token_uri": "https://login.acme.com/token", "available_scopes": [ "contacts.read" ], "pkce_enabled": true } }
          ],
          "rate_limit": { "requests": 100, "per": "minute" },
          "max_concurrency": 4,
          "headers": [ { "name": "Accept", "value": "application/json" } ],
          "types": {
            "Contact": { "type": "object", "required": [ "id" ], "properties": { "id": { "type": "string" }, "email": { "type": "string", "format": "email" }, "score": { "type": "integer" }, "stage": { "type": "string", "enum": [ "lead", "customer" ] } } }
          },
          "endpoints": [
            { "name": "list_contacts", "method": "GET", "path": "/contacts", "parameters": [ { "name": "limit", "in": "query", "type": "integer", "default": 50 } ], "response": { "type": "array", "items": { "$ref": "#/types/Contact" } } },
            { "name": "get_contact", "method": "GET", "path": "/contacts/{contact_id}", "parameters": [ { "name": "contact_id", "in": "path" } ], "response": { "$ref": "#/types/Contact" } },
            { "name": "create_contact", "method": "POST", "path": "/contacts", "body_template": "{\"email\": \"{{ email }}\", \"score\": {{ score | tojson }}, \"source\": \"{{ source | default(\"api\") }}\"}", "response_type": "json" }
          ]
        }
        """;

    [Fact]
    public void Mutated_payloads_never_crash_and_always_compile()
    {
        var seed = int.TryParse(
            Environment.GetEnvironmentVariable("TYPEDCONNECTORS_FUZZ_SEED"),
            NumberStyles.Integer,
            CultureInfo.InvariantCulture,
            out var s
        )
            ? s
            : 20240611;
        var count = int.TryParse(
            Environment.GetEnvironmentVariable("TYPEDCONNECTORS_FUZZ_COUNT"),
            NumberStyles.Integer,
            CultureInfo.InvariantCulture,
            out var c
        )
            ? c
            : 3000;
        var seeds = Repo.Seeds().Append(new InputFile("/project/Connectors/acme-crm.connector.json", Canonical)).ToList();
        Assert.True(seeds.Count >= 10, "expected the seed examples in " + Repo.SeedExamples);

        var clock = Stopwatch.StartNew();
        var mutator = new Mutator(seed);
        var cases = new List<InputFile>();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; cases.Count < count && i < count * 3; i++)
        {
            var original = seeds[i % seeds.Count];
            var isJson = original.Path.EndsWith(".json", StringComparison.Ordinal);
            var mutated = mutator.Mutate(original.Text, isJson);
            if (distinct.Add(mutated))
            {
                var extension = isJson ? ".connector.json" : ".connector.yaml";
                var path =
                    "/fuzz/"
                    + Path.GetFileNameWithoutExtension(original.Path).Replace(".connector", "", StringComparison.Ordinal)
                    + "-"
                    + cases.Count.ToString("D5", CultureInfo.InvariantCulture)
                    + extension;

                // Each case in its own namespace, so two mutants of one seed do not compete for one client name.
                cases.Add(
                    new InputFile(
                        path,
                        mutated,
                        new Dictionary<string, string>
                        {
                            ["TypedConnectorsNamespace"] = "Fuzz.C" + cases.Count.ToString(CultureInfo.InvariantCulture),
                        }
                    )
                );
            }
        }

        var mutateTime = clock.Elapsed;
        var failures = new List<string>();
        var outputs = new Dictionary<string, SyntaxTree[]>(StringComparer.Ordinal);
        var withCode = 0;
        var withErrors = 0;
        foreach (var batch in cases.Chunk(BatchSize))
        {
            CheckGenerator(batch, failures, outputs, ref withCode, ref withErrors);
            CheckAnalyzer(batch, failures);
        }

        var generateTime = clock.Elapsed;

        // Distinct outputs only (the namespace aside), all in one compilation.
        var compileErrors = CompileDistinct(outputs, cases, failures, out var compiled);

        output.WriteLine(
            $"seed {seed}: {cases.Count} distinct mutants of {seeds.Count} payloads; {withCode} generated code, {withErrors} had errors; "
                + $"{compiled} distinct outputs compiled with {compileErrors} errors. mutate {mutateTime.TotalSeconds:F1}s, generate+analyze {(generateTime - mutateTime).TotalSeconds:F1}s, compile {(clock.Elapsed - generateTime).TotalSeconds:F1}s"
        );
        Assert.True(failures.Count == 0, failures.Count + " failures (seed " + seed + "):\n\n" + string.Join("\n\n", failures.Take(5)));

        // The mutations must reach generation, not only the parser.
        Assert.True(withCode > count / 10, "only " + withCode + " mutants generated code");
        Assert.True(withErrors > count / 10, "only " + withErrors + " mutants had errors");
    }

    private static void CheckGenerator(
        InputFile[] batch,
        List<string> failures,
        Dictionary<string, SyntaxTree[]> outputs,
        ref int withCode,
        ref int withErrors
    )
    {
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: true);
        var result = CreateDriver(batch).RunGenerators(compilation).GetRunResult();
        var run = result.Results.Single();
        if (run.Exception is not null || result.Diagnostics.Any(d => d.Id == "CS8785"))
        {
            // Find the file that makes the generator throw.
            foreach (var file in batch)
            {
                var single = CreateDriver(new[] { file }).RunGenerators(compilation).GetRunResult().Results.Single();
                if (single.Exception is not null)
                {
                    failures.Add("generator threw " + single.Exception + "\non " + file.Path + ":\n" + Mutator.Describe(file.Text));
                }
            }

            return;
        }

        var byFile = run
            .Diagnostics.GroupBy(d => d.Location.GetLineSpan().Path)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var internalError in run.Diagnostics.Where(d => d.Id == "TC0024"))
        {
            var path = internalError.Location.GetLineSpan().Path;
            failures.Add(
                "generator: "
                    + internalError.GetMessage(CultureInfo.InvariantCulture)
                    + "\non "
                    + path
                    + ":\n"
                    + Mutator.Describe(batch.Single(f => f.Path == path).Text)
            );
        }

        for (var i = 0; i < batch.Length; i++)
        {
            var file = batch[i];
            var ns = file.Metadata!["TypedConnectorsNamespace"];
            // TC0040 (a custom auth interface nobody implements yet) is the one error that keeps the code: the interface to implement is in it.
            var hasErrors =
                byFile.TryGetValue(file.Path, out var diagnostics)
                && diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Id != "TC0040");
            var generated = run.GeneratedSources.Where(g => g.HintName.StartsWith(ns + ".", StringComparison.Ordinal)).ToList();
            var hasCode = generated.Count > 0;
            withCode += hasCode ? 1 : 0;
            withErrors += hasErrors ? 1 : 0;
            if (hasErrors == hasCode)
            {
                failures.Add(
                    (hasCode ? "code generated despite errors " : "no code and no error ")
                        + "for "
                        + file.Path
                        + ":\n"
                        + Mutator.Describe(file.Text)
                        + "\n"
                        + string.Join("\n", diagnostics ?? new List<Diagnostic>())
                );
            }

            if (hasCode)
            {
                outputs[file.Path] = generated.OrderBy(g => g.HintName, StringComparer.Ordinal).Select(g => g.SyntaxTree).ToArray();
            }
        }
    }

    /// <summary>A driver without step tracking: tracking costs grow with the square of the number of files in one run.</summary>
    private static GeneratorDriver CreateDriver(IReadOnlyList<InputFile> files) =>
        CSharpGeneratorDriver.Create(
            new[] { new TypedConnectors.Generator.ConnectorGenerator().AsSourceGenerator() },
            files.Select(f => (AdditionalText)new TestAdditionalText(f.Path, f.Text)),
            new CSharpParseOptions(LanguageVersion.CSharp12, DocumentationMode.Diagnose),
            new TestOptionsProvider("TestApp", files),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false)
        );

    private static void CheckAnalyzer(InputFile[] batch, List<string> failures)
    {
        var (diagnostics, exceptions) = DiagnosticsRun.RunAnalyzer(batch);
        foreach (var exception in exceptions)
        {
            failures.Add("analyzer threw " + exception);
        }

        foreach (var diagnostic in diagnostics.Where(d => d.Id is "TC0024" or "AD0001"))
        {
            var path = diagnostic.Location.GetLineSpan().Path;
            failures.Add(
                "analyzer: "
                    + diagnostic.GetMessage(CultureInfo.InvariantCulture)
                    + "\non "
                    + path
                    + ":\n"
                    + Mutator.Describe(batch.FirstOrDefault(f => f.Path == path)?.Text ?? "")
            );
        }

        foreach (var diagnostic in diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "TC0024"))
        {
            failures.Add("analyzer reported an error (errors belong to the generator): " + diagnostic);
        }
    }

    private static int CompileDistinct(
        Dictionary<string, SyntaxTree[]> outputs,
        List<InputFile> cases,
        List<string> failures,
        out int compiled
    )
    {
        var distinct = new Dictionary<string, (string Path, SyntaxTree[] Trees)>(StringComparer.Ordinal);
        foreach (var (path, trees) in outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            var ns = cases.Single(c => c.Path == path).Metadata!["TypedConnectorsNamespace"];
            var key = string.Join("\n", trees.Select(t => t.ToString()))
                .Replace(ns + ".", "Fuzz.C.", StringComparison.Ordinal)
                .Replace(ns + ";", "Fuzz.C;", StringComparison.Ordinal)
                .Replace(ns + "\n", "Fuzz.C\n", StringComparison.Ordinal);
            distinct.TryAdd(key, (path, trees));
        }

        // Compile errors are what is asserted; documentation diagnostics (the costliest part) only produce warnings, and
        // text that escapes a /// comment is a syntax error in every documentation mode.
        var parse = new CSharpParseOptions(LanguageVersion.CSharp12, DocumentationMode.None);
        distinct = distinct.ToDictionary(
            d => d.Key,
            d => (d.Value.Path, d.Value.Trees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), parse, t.FilePath)).ToArray()),
            StringComparer.Ordinal
        );

        compiled = distinct.Count;
        var compilation = GeneratorHarness
            .CreateCompilation("", withHttpClientFactory: true)
            .AddSyntaxTrees(distinct.Values.SelectMany(v => v.Trees));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var owners = distinct.Values.SelectMany(v => v.Trees.Select(t => (t, v.Path))).ToDictionary(p => p.t, p => p.Path);
        foreach (
            var group in errors
                .GroupBy(e => e.Location.SourceTree is { } tree && owners.TryGetValue(tree, out var owner) ? owner : "(no file)")
                .Take(5)
        )
        {
            var text = cases.SingleOrDefault(c => c.Path == group.Key)?.Text ?? "";
            failures.Add(
                "generated code does not compile for "
                    + group.Key
                    + ":\n"
                    + string.Join("\n", group.Take(5))
                    + "\ninput:\n"
                    + Mutator.Describe(text)
            );
        }

        return errors.Count;
    }
}
