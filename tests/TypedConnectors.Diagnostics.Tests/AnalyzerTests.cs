using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TypedConnectors.Generator;
using TypedConnectors.Testing;

namespace TypedConnectors.Diagnostics.Tests;

/// <summary>How the analyzer and the generator share the work: each diagnostic once, severities configurable, files isolated.</summary>
public class AnalyzerTests
{
    // Errors and warnings together, as a user mid-edit would have them.
    private const string ManyProblems = """
        {
          "format_version": 1,
          "name": "Acme CRM",
          "descripton": "Contacts and deals",
          "base_url": "http://api.acme.com/{{tenant}}",
          "variables": [ { "name": "region" } ],
          "headers": [ { "name": "Authorization", "value": "Bearer sk_live_51HfR2kL9xQ" } ],
          "rate_limit": 0,
          "endpoints": [
            { "name": "get_contact", "method": "GET", "path": "/contacts/{id}" },
            { "name": "get_contact", "method": "FETCH", "path": "/contacts" }
          ]
        }
        """;

    [Fact]
    public void Supported_diagnostics_are_every_non_error_descriptor_plus_the_internal_error()
    {
        var supported = new ConnectorAnalyzer().SupportedDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal).ToList();
        var expected = Repo.Descriptors()
            .Where(d => d.DefaultSeverity != DiagnosticSeverity.Error || d.Id == "TC0024")
            .Select(d => d.Id)
            .ToList();
        Assert.Equal(expected, supported);
        Assert.Contains("TC0005", supported);
        Assert.DoesNotContain("TC0001", supported);
        Assert.DoesNotContain("TC0036", supported);
    }

    [Fact]
    public void Each_problem_is_reported_once_errors_by_the_generator_and_warnings_by_the_analyzer()
    {
        var run = DiagnosticsRun.Of(Expect.File("crm.connector.json", ManyProblems));

        Assert.Empty(run.AnalyzerExceptions);
        Assert.All(
            run.Diagnostics,
            d => Assert.Equal(d.Severity == DiagnosticSeverity.Error ? Reporter.Generator : Reporter.Analyzer, d.Reporter)
        );
        var keys = run.Diagnostics.Select(d => d.Id + d.Span).ToList();
        Assert.Equal(keys.Distinct().Count(), keys.Count);

        // Read errors do not hide the validation behind them: one build shows the whole picture.
        var ids = run.Diagnostics.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "TC0006", "TC0008", "TC0009", "TC0010", "TC0014", "TC0015", "TC0021", "TC0036" }, ids);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void Seed_examples_produce_no_errors_and_only_analyzer_warnings()
    {
        var seeds = Repo.Seeds().Where(s => s.Path.EndsWith(".json", StringComparison.Ordinal)).ToList();
        var run = DiagnosticsRun.Of(seeds);

        Assert.Empty(run.AnalyzerExceptions);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);

        // TC0050 depends on the compilation's references, which only the generator sees; every other warning is the analyzer's.
        Assert.All(run.Diagnostics.Where(d => d.Id != "TC0050"), d => Assert.Equal(Reporter.Analyzer, d.Reporter));

        // The Databar payloads carry "Authorization: Bearer sk-xxx": each gets the literal-credential warning at that value.
        var credentials = run.Diagnostics.Where(d => d.Id == "TC0021").ToList();
        Assert.Equal(
            new[] { "databar-enrichment.connector.json", "databar-simple-get.connector.json" },
            credentials.Select(d => Path.GetFileName(d.Path))
        );
        Assert.All(credentials, d => Assert.Equal("(9,16)-(9,31)", d.Span));
        Assert.Empty(run.CompileDiagnostics);
    }

    [Theory]
    [InlineData("dotnet_diagnostic.TC0021.severity = error", "TC0021", DiagnosticSeverity.Error)]
    [InlineData("dotnet_diagnostic.TC0021.severity = suggestion", "TC0021", DiagnosticSeverity.Info)]
    [InlineData("dotnet_diagnostic.TC0008.severity = error", "TC0008", DiagnosticSeverity.Error)]
    public void Analyzer_severities_follow_the_analyzer_config(string config, string id, DiagnosticSeverity expected)
    {
        var (diagnostics, exceptions) = DiagnosticsRun.RunAnalyzer(
            new[] { Expect.File("crm.connector.json", ManyProblems) },
            SeverityConfig.Parse(config)
        );

        Assert.Empty(exceptions);
        Assert.Equal(expected, Assert.Single(diagnostics, d => d.Id == id).Severity);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(diagnostics, d => d.Id == "TC0010").Severity);
    }

    [Fact]
    public void Analyzer_diagnostics_configured_to_none_are_not_reported()
    {
        var (diagnostics, _) = DiagnosticsRun.RunAnalyzer(
            new[] { Expect.File("crm.connector.json", ManyProblems) },
            SeverityConfig.Parse("dotnet_diagnostic.TC0021.severity = none\ndotnet_diagnostic.TC0008.severity = none")
        );

        Assert.DoesNotContain(diagnostics, d => d.Id is "TC0021" or "TC0008");
        Assert.Contains(diagnostics, d => d.Id == "TC0010");
    }

    [Fact]
    public async Task Warnings_as_errors_from_the_compilation_options_apply_to_analyzer_diagnostics()
    {
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        compilation = compilation.WithOptions(compilation.Options.WithGeneralDiagnosticOption(ReportDiagnostic.Error));
        var file = Expect.File("crm.connector.json", ManyProblems);
        var options = new AnalyzerOptions(
            ImmutableArray.Create<AdditionalText>(new TestAdditionalText(file.Path, file.Text)),
            new TestOptionsProvider("TestApp", new[] { file })
        );
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ConnectorAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync();

        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
    }

    [Fact]
    public void A_broken_file_produces_no_code_and_leaves_the_other_files_alone()
    {
        var good = Expect.File(
            "billing.connector.json",
            """
            {
              "format_version": 1,
              "name": "Acme Billing",
              "base_url": "https://billing.acme.com/v1",
              "auth": [ { "type": "bearer", "fields": [ { "field_name": "token", "input_type": "password" } ] } ],
              "endpoints": [
                { "name": "list_invoices", "method": "GET", "path": "/invoices", "response": { "type": "array", "items": { "type": "object", "properties": { "id": { "type": "string" } } } } }
              ]
            }
            """
        );
        var broken = Expect.File("crm.connector.json", ManyProblems);

        var run = DiagnosticsRun.Of(good, broken);

        Assert.All(run.Diagnostics, d => Assert.Equal(broken.Path, d.Path));
        Assert.Contains(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.NotEmpty(run.Sources);
        Assert.All(run.Sources, s => Assert.Contains("AcmeBilling", s.HintName, StringComparison.Ordinal));
        Assert.Empty(run.CompileDiagnostics);
        Assert.NotNull(run.Generation.OutputCompilation.GetTypeByMetadataName("TestApp.AcmeBilling.AcmeBillingClient"));
    }

    [Fact]
    public void A_document_a_connector_file_overlays_is_diagnosed_once_through_that_file()
    {
        // The OpenAPI document has a problem (an unsupported parameter style); the connector file over it has a typo and
        // renames an operation the document does not have. The analyzer reads the pair as the generator does: nothing
        // shows up twice, and the document is not also read on its own.
        var document = new InputFile(
            "/project/specs/inventory.openapi.yaml",
            """
            openapi: 3.0.3
            info: { title: Inventory, version: 1.0.0 }
            servers: [{ url: 'https://inventory.example.com/api' }]
            paths:
              /items:
                get:
                  operationId: listItems
                  parameters:
                    - { name: ids, in: query, style: matrix, schema: { type: array, items: { type: string } } }
                  responses: { '204': { description: ok } }
            """
        );
        var connector = Expect.File(
            "inventory.connector.json",
            """
            {
              "format_version": 1,
              "name": "Inventory",
              "openapi": "../specs/inventory.openapi.yaml",
              "base_url": "https://inventory.example.com/api",
              "max_concurency": 4,
              "operations": { "rename": { "listItem": "list_all_items" } }
            }
            """
        );

        var run = DiagnosticsRun.Of(document, connector);

        Assert.Empty(run.AnalyzerExceptions);
        var style = Assert.Single(run.Diagnostics, d => d.Id == "TC0032");
        Assert.Equal((document.Path, "(9,42)-(9,48)", Reporter.Analyzer), (style.Path, style.Span, style.Reporter));
        var typo = Assert.Single(run.Diagnostics, d => d.Id == "TC0036");
        Assert.Equal((connector.Path, "(6,3)-(6,19)", Reporter.Generator), (typo.Path, typo.Span, typo.Reporter));

        // Only a reading with the document can tell that the overlay renames an operation the document does not have.
        var rename = Assert.Single(run.Diagnostics, d => d.Id == "TC0031");
        Assert.Equal((connector.Path, "(7,31)-(7,41)"), (rename.Path, rename.Span));
        Assert.Contains("did you mean 'listItems'", rename.Message, StringComparison.Ordinal);
        Assert.Equal(3, run.Diagnostics.Length);

        // The misspelt key is an error in a connector file, so the pair generates nothing until it is fixed.
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void A_file_with_errors_shows_all_its_warnings_in_the_same_run_each_once()
    {
        // Errors (an undeclared variable, a path placeholder without a parameter, an unknown key) next to warnings
        // (an unused variable, a duplicate key, a literal credential, two endpoints that become the same C# method).
        var text = """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://{{tenant}}.acme.com",
              "variables": [ { "name": "region" } ],
              "headers": [ { "name": "Authorization", "value": "Bearer sk_live_51HfR2kL9xQ" } ],
              "endpoints": [
                { "name": "get_deal", "method": "get", "path": "/deals/{id}", "sumary": "x" },
                { "name": "get-deal", "method": "get", "path": "/deals", "method": "post" }
              ]
            }
            """;
        var run = DiagnosticsRun.Of(Expect.File("crm.connector.json", text));

        Assert.Empty(run.AnalyzerExceptions);
        Assert.Equal(
            new[]
            {
                SpanOf(text, "{{tenant}}") + " TC0009 Error Generator",
                SpanOf(text, "\"region\"") + " TC0010 Warning Analyzer",
                SpanOf(text, "\"Bearer sk_live_51HfR2kL9xQ\"") + " TC0021 Warning Analyzer",
                SpanOf(text, "{id}") + " TC0014 Error Generator",
                SpanOf(text, "\"sumary\"") + " TC0036 Error Generator",
                SpanOf(text, "\"get-deal\"") + " TC0012 Warning Analyzer",
                SpanOf(text, "\"method\"", 3) + " TC0028 Warning Analyzer",
            },
            run.Diagnostics.Select(d => d.Span + " " + d.Id + " " + d.Severity + " " + d.Reporter)
        );
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void Two_files_with_problems_each_show_every_problem_of_both()
    {
        const string Crm = """
            {
              "name": "Acme CRM",
              "base_url": "http://api.acme.com",
              "endpoints": [ { "name": "get_deal", "method": "get", "path": "/deals/{id}" } ]
            }
            """;
        const string Acme = """
            {
              "display_name": "Acme",
              "proxy_url": "ftp://api.acme.com",
              "descripton": "Acme API",
              "auth_patterns": [ { "type": "BEARER", "fields": [ { "field_name": "token", "input_type": "password" } ] } ]
            }
            """;
        var run = DiagnosticsRun.Of(Expect.File("crm.connector.json", Crm), Expect.File("acme.connector.json", Acme));

        Assert.Empty(run.AnalyzerExceptions);
        Assert.Equal(
            new[]
            {
                "acme.connector.json" + SpanOf(Acme, "\"ftp://api.acme.com\"") + " TC0007 Error Generator",
                "acme.connector.json" + SpanOf(Acme, "\"descripton\"") + " TC0005 Warning Analyzer",
                "crm.connector.json" + SpanOf(Crm, "\"http://api.acme.com\"") + " TC0008 Warning Analyzer",
                "crm.connector.json" + SpanOf(Crm, "{id}") + " TC0014 Error Generator",
            },
            run.Diagnostics.Select(d => Path.GetFileName(d.Path) + d.Span + " " + d.Id + " " + d.Severity + " " + d.Reporter)
        );
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void An_endpoint_or_parameter_that_cannot_be_generated_is_still_checked_to_the_end()
    {
        // The endpoint has no path and its parameter no location; what else they say is checked in the same build.
        var text = """
            {
              "name": "Acme CRM",
              "base_url": "https://api.acme.com",
              "endpoints": [ { "name": "get_deal", "method": "get", "deprecated": "yes",
                "parameters": [ { "name": "id", "type": "integer", "default": "7", "descripton": "x" } ] } ]
            }
            """;
        var run = DiagnosticsRun.Of(Expect.File("crm.connector.json", text));

        Assert.Equal(
            new[]
            {
                SpanOf(text, "{", 2, 1) + " TC0003",
                SpanOf(text, "\"yes\"") + " TC0004",
                SpanOf(text, "{", 3, 1) + " TC0003",
                SpanOf(text, "\"7\"") + " TC0004",
                SpanOf(text, "\"descripton\"") + " TC0036",
            },
            run.Diagnostics.Select(d => d.Span + " " + d.Id)
        );
    }

    /// <summary>The span of the <paramref name="occurrence"/>th <paramref name="needle"/> in the text, as the diagnostics print it.</summary>
    private static string SpanOf(string text, string needle, int occurrence = 1, int? length = null)
    {
        var index = -1;
        for (var i = 0; i < occurrence; i++)
        {
            index = text.IndexOf(needle, index + 1, StringComparison.Ordinal);
            Assert.True(index >= 0, needle);
        }

        var (line, column) = Markup.Position(text, index);
        var (endLine, endColumn) = Markup.Position(text, index + (length ?? needle.Length));
        return "(" + line + "," + column + ")-(" + endLine + "," + endColumn + ")";
    }

    [Fact]
    public void Files_that_are_not_connectors_are_ignored()
    {
        var run = DiagnosticsRun.Of(
            new InputFile("/project/appsettings.json", "{ this is not json"),
            new InputFile(
                "/project/Connectors/skipped.connector.json",
                "{ broken",
                new Dictionary<string, string> { ["TypedConnectorsDialect"] = "none" }
            )
        );

        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public async Task Cancellation_is_honoured_not_reported()
    {
        using var cancellation = new CancellationTokenSource();
        var file = new CancellingText("/project/Connectors/crm.connector.json", ManyProblems, cancellation);
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray.Create<AdditionalText>(file), new TestOptionsProvider("TestApp", Array.Empty<InputFile>())),
            (ex, _, _) => exceptions.Add(ex),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false
        );
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ConnectorAnalyzer()), options);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellation.Token));
        Assert.Empty(exceptions);
        Assert.True(file.Read);
    }

    [Fact]
    public void Generator_honours_cancellation()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var driver = GeneratorHarness.CreateDriver(new[] { Expect.File("crm.connector.json", ManyProblems) });
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);

        Assert.ThrowsAny<OperationCanceledException>(() =>
            driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out _, cancellation.Token)
        );
    }

    /// <summary>Cancels the analysis as the analyzer reads the file, so the cancellation arrives inside the analyzer's own work.</summary>
    private sealed class CancellingText(string path, string text, CancellationTokenSource cancellation) : AdditionalText
    {
        public bool Read { get; private set; }

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default)
        {
            Read = true;
            cancellation.Cancel();
            return SourceText.From(text);
        }
    }
}
