using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>Broken or unusual documents give diagnostics at the line and column of the offending node, never exceptions.</summary>
public sealed class DiagnosticTests
{
    private static Reported Single(IEnumerable<Reported> reported, string id)
    {
        var matches = reported.Where(r => r.Id == id).ToList();
        Assert.True(matches.Count == 1, "expected one " + id + " in:\n" + string.Join("\n", reported));
        return matches[0];
    }

    private static void At(Reported diagnostic, int line, int column) =>
        Assert.True(diagnostic.Line == line && diagnostic.Column == column, "expected (" + line + "," + column + "): " + diagnostic);

    [Fact]
    public void A_yaml_syntax_error_is_an_error_at_its_position()
    {
        var reported = Reported.Of(
            new InputFile("/p/broken.openapi.yaml", "openapi: 3.0.0\ninfo:\n  title: x\n  version: [1, 2\npaths: {}\n")
        );

        var error = Single(reported, "TC0001");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal("broken.openapi.yaml", error.File);
        At(error, 4, 14);
    }

    [Fact]
    public void A_json_syntax_error_is_an_error_at_its_position()
    {
        var reported = Reported.Of(
            new InputFile("/p/broken.openapi.json", "{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {\n    \"/a\": {,}\n  }\n}\n")
        );

        At(Single(reported, "TC0001"), 4, 12);
    }

    [Fact]
    public void An_unsupported_version_is_an_error_at_the_version()
    {
        var reported = Reported.Of(
            new InputFile("/p/future.openapi.yaml", "openapi: 4.0.0\ninfo: { title: x, version: '1' }\npaths: {}\n")
        );

        var error = Single(reported, "TC0030");
        At(error, 1, 10);
        Assert.Contains("'4.0.0' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_to_nothing_is_an_error_at_the_reference()
    {
        var reported = Reported.Of(
            new InputFile(
                "/p/refs.openapi.yaml",
                """
                openapi: 3.0.0
                info: { title: x, version: '1' }
                paths:
                  /a:
                    get:
                      responses:
                        '200':
                          description: ok
                          content:
                            application/json:
                              schema:
                                $ref: '#/components/schemas/Missing'
                """
            )
        );

        var error = Single(reported, "TC0033");
        At(error, 12, 23);
        Assert.Contains("#/components/schemas/Missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_to_a_url_is_never_fetched_and_is_an_error_at_the_reference()
    {
        var reported = Reported.Of(
            new InputFile(
                "/p/remote.openapi.yaml",
                """
                openapi: 3.0.0
                info: { title: x, version: '1' }
                paths:
                  /a:
                    get:
                      responses:
                        '200':
                          description: ok
                          content:
                            application/json:
                              schema: { $ref: 'https://example.com/schemas.yaml#/Pet' }
                """
            )
        );

        var error = Single(reported, "TC0033");
        At(error, 11, 31);
        Assert.Contains("never fetched", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_to_a_file_that_is_not_an_additional_file_is_an_error_at_the_reference()
    {
        var reported = Reported.Of(
            new InputFile(
                "/p/split.openapi.yaml",
                """
                openapi: 3.0.0
                info: { title: x, version: '1' }
                paths:
                  /a:
                    get:
                      responses:
                        '200':
                          description: ok
                          content:
                            application/json:
                              schema:
                                $ref: 'common/missing.yaml#/Pet'
                """
            )
        );

        var error = Single(reported, "TC0034");
        At(error, 12, 23);
        Assert.Contains("common/missing.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_microsoft_openapi_cannot_read_is_located_and_the_client_is_still_generated()
    {
        var yaml = """
            openapi: 3.0.0
            info: { title: Lenient, version: '1' }
            paths:
              /a:
                get:
                  operationId: getA
                  parameters:
                    - name: q
                      in: query
                      required: optional
                      schema: { type: string }
                  responses:
                    '204': { description: ok }
            """;
        var reported = Reported.Of(new InputFile("/p/lenient.openapi.yaml", yaml));

        Assert.DoesNotContain(reported, r => r.Severity == DiagnosticSeverity.Error);
        var ours = reported.Single(r =>
            r.Id == "TC0031" && r.Message.Contains("'required' must be true or false", StringComparison.Ordinal)
        );
        At(ours, 10, 21);
        var theirs = reported.Single(r =>
            r.Id == "TC0031" && r.Message.Contains("Microsoft.OpenApi cannot read this document (FormatException", StringComparison.Ordinal)
        );
        At(theirs, 10, 21);

        var run = OpenApiRun.Generate("/p/lenient.openapi.yaml", yaml);
        Assert.Contains("GetAAsync(string? q = null", run.Source(".Client.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Microsoft_openapi_validation_errors_are_warnings_at_the_node_they_name()
    {
        var reported = Reported.Of(
            new InputFile(
                "/p/untitled.openapi.yaml",
                """
                openapi: 3.0.0
                info:
                  description: no title, no version
                paths: {}
                components:
                  schemas:
                    'Page[Item]':
                      type: object
                """
            )
        );

        Assert.DoesNotContain(reported, r => r.Severity == DiagnosticSeverity.Error);
        At(reported.Single(r => r.Message.Contains("'Page[Item]'", StringComparison.Ordinal)), 7, 5);
        Assert.Contains(reported, r => r.Id == "TC0031" && r.Message.Contains("'title'", StringComparison.Ordinal) && r.Line == 2);
    }

    [Fact]
    public void An_unsupported_construct_is_a_warning_naming_it_and_the_rest_is_generated()
    {
        var yaml = """
            openapi: 3.0.0
            info: { title: Hooks, version: '1' }
            paths:
              /subscribe:
                post:
                  operationId: subscribe
                  callbacks:
                    onEvent:
                      '{$request.body#/url}':
                        post:
                          responses:
                            '200': { description: ok }
                  responses:
                    '201': { description: ok }
            """;
        var reported = Reported.Of(new InputFile("/p/hooks.openapi.yaml", yaml));

        var warning = Single(reported, "TC0032");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        At(warning, 8, 9);
        Assert.Contains("callbacks", warning.Message, StringComparison.Ordinal);
        Assert.Contains(
            "SubscribeAsync(",
            OpenApiRun.Generate("/p/hooks.openapi.yaml", yaml).Source(".Client.g.cs"),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void A_duplicate_yaml_key_is_a_warning_at_the_second_key_and_the_first_value_wins()
    {
        var yaml = """
            openapi: 3.0.0
            info: { title: Twice, version: '1' }
            paths:
              /a:
                get:
                  operationId: first
                  responses: { '204': { description: ok } }
                get:
                  operationId: second
                  responses: { '204': { description: ok } }
            """;
        var reported = Reported.Of(new InputFile("/p/twice.openapi.yaml", yaml));

        At(Single(reported, "TC0028"), 8, 5);
        var client = OpenApiRun.Generate("/p/twice.openapi.yaml", yaml).Source(".Client.g.cs");
        Assert.Contains("FirstAsync(", client, StringComparison.Ordinal);
        Assert.DoesNotContain("SecondAsync(", client, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_bomb_stops_at_the_node_limit()
    {
        var lines = new List<string> { "openapi: 3.0.0", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 9; i++)
        {
            lines.Add("a" + i + ": &a" + i + " [" + string.Join(", ", Enumerable.Repeat("*a" + (i - 1), 10)) + "]");
        }

        var reported = Reported.Of(new InputFile("/p/bomb.openapi.yaml", string.Join("\n", lines) + "\n"));

        var error = Single(reported, "TC0025");
        Assert.Contains("aliases", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line is >= 7 and <= 10, error.ToString());
    }

    [Fact]
    public void Components_that_refer_to_each_other_in_a_long_line_are_cut_with_a_warning_instead_of_overflowing_the_stack()
    {
        // Mapping recurses along the line: 800 links overflowed the stack of the thread the generator ran on and
        // took the compiler down with it.
        const int links = 3000;
        var schemas = string.Join(
            ",\n",
            Enumerable
                .Range(0, links)
                .Select(i =>
                    "\"A"
                    + i
                    + "\": { \"type\": \"object\", \"properties\": { \"next\": { \"$ref\": \"#/components/schemas/A"
                    + (i + 1)
                    + "\" }, \"v\": { \"type\": \"string\" } } }"
                )
                .Append("\"A" + links + "\": { \"type\": \"object\" }")
        );
        var json =
            "{ \"openapi\": \"3.0.3\", \"info\": { \"title\": \"Line\", \"version\": \"1\" }, \"paths\": { \"/a\": { \"get\": { "
            + "\"operationId\": \"getA\", \"responses\": { \"200\": { \"description\": \"ok\", \"content\": { \"application/json\": { "
            + "\"schema\": { \"$ref\": \"#/components/schemas/A0\" } } } } } } } },\n\"components\": { \"schemas\": {\n"
            + schemas
            + "\n} } }";

        var cut = OpenApiRun
            .Read("/p/line.openapi.json", json)
            .Where(d => d.Arguments.Any(a => a.Contains("nest more than 128", StringComparison.Ordinal)))
            .ToList();
        Assert.NotEmpty(cut);
        // At the schema where the line is cut: A128, once A0 to A127 are being mapped (Ak is on line 3 + k, 0-based 2 + k).
        Assert.Equal(2 + 128, cut[0].Location.StartLine);

        var run = OpenApiRun.Generate("/p/line.openapi.json", json);
        var models = run.Source(".Models.g.cs");
        Assert.Matches(@"partial record A0\b", models);
        Assert.Matches(@"partial record A" + links + @"\b", models);
        Assert.Contains("global::TestApp.Line.A1? Next", models, StringComparison.Ordinal);
        Assert.Contains("global::System.Text.Json.JsonElement? Next", models, StringComparison.Ordinal);
    }

    [Fact]
    public void References_into_a_chain_longer_than_the_hop_bound_are_errors_up_to_a_cap()
    {
        // A0 to A39 are each only a reference to the next, so a reference to A0 does not end within 32 references.
        // 300 properties refer to A0: one error each would flood the IDE; they stop at 200 and say so.
        var chain = Enumerable.Range(0, 40).Select(i => "\"A" + i + "\": { \"$ref\": \"#/components/schemas/A" + (i + 1) + "\" },");
        var properties = string.Join(
            ",\n",
            Enumerable.Range(0, 300).Select(i => "\"p" + i + "\": { \"$ref\": \"#/components/schemas/A0\" }")
        );
        var json =
            "{ \"openapi\": \"3.0.3\", \"info\": { \"title\": \"Hops\", \"version\": \"1\" }, \"paths\": {},\n"
            + "\"components\": { \"schemas\": {\n"
            + string.Join("\n", chain)
            + "\n\"A40\": { \"type\": \"object\" },\n\"Many\": { \"type\": \"object\", \"properties\": {\n"
            + properties
            + "\n} } } } }";

        var errors = OpenApiRun.Read("/p/hops.openapi.json", json).Where(d => d.Id == "TC0030").ToList();

        Assert.Equal(201, errors.Count);
        Assert.Contains("does not end within 32 references", errors[0].Arguments[0], StringComparison.Ordinal);
        // At the first property (0-based line 2 + 40 + 2 = 44).
        Assert.Equal(44, errors[0].Location.StartLine);
        Assert.Equal(200, errors.Take(200).Select(e => e.Location.StartLine).Distinct().Count());
        Assert.Contains("more than 200 problems", errors[^1].Arguments[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Operation_ids_used_twice_are_warned_and_both_operations_generated()
    {
        var yaml = """
            openapi: 3.0.0
            info: { title: Dupes, version: '1' }
            paths:
              /a:
                get:
                  operationId: fetch
                  responses: { '204': { description: ok } }
              /b:
                get:
                  operationId: fetch
                  responses: { '204': { description: ok } }
            """;
        var reported = Reported.Of(new InputFile("/p/dupes.openapi.yaml", yaml));

        var warning = reported.Single(r => r.Message.Contains("operationId 'fetch'", StringComparison.Ordinal));
        At(warning, 10, 20);
        Assert.Equal(2, OpenApiRun.ClientMethods(OpenApiRun.Generate("/p/dupes.openapi.yaml", yaml)).Count);
    }
}
