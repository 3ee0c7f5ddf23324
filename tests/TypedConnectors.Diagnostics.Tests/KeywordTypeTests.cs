using Microsoft.CodeAnalysis;

namespace TypedConnectors.Diagnostics.Tests;

/// <summary>
/// Keywords of the canonical format hold the types connector.schema.json gives them, as written — no coercion — and
/// the format's evolution rule (format_version) and strictness (unknown keys) are what docs/connector-format.md says.
/// </summary>
public class KeywordTypeTests
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;

    private static string Connector(string parameter) =>
        """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [
                {
                  "name": "list_contacts",
                  "method": "get",
                  "path": "/contacts",
                  "parameters": [
            """
        + "        "
        + parameter
        + "\n"
        + """
                  ]
                }
              ]
            }
            """;

    [Fact]
    public void Maximum_written_as_a_string_is_a_wrong_type_at_the_value_not_a_dropped_check()
    {
        var found = Expect.Diagnostic(
            Connector("""{ "name": "limit", "in": "query", "type": "integer", "maximum": [|"100"|] }"""),
            "TC0004",
            Error
        );
        Assert.Equal("'maximum' must be a number, not the string \"100\"", found.Message);
    }

    [Fact]
    public void Integer_parameter_default_written_as_a_string_is_not_coerced()
    {
        var found = Expect.Diagnostic(
            Connector("""{ "name": "limit", "in": "query", "type": "integer", "default": [|"30"|] }"""),
            "TC0004",
            Error
        );
        Assert.Equal("'default' must be a whole number (the declared type is integer), not the string \"30\"", found.Message);
    }

    [Fact]
    public void Integer_parameter_default_with_a_typo_is_an_error_not_a_nullable_parameter()
    {
        var run = DiagnosticsRun.Of(
            Expect.File(
                "crm.connector.json",
                Markup.Parse(Connector("""{ "name": "limit", "in": "query", "type": "integer", "default": [|"3O"|] }""")).Text
            )
        );
        Expect.At(
            run,
            Markup.Parse(Connector("""{ "name": "limit", "in": "query", "type": "integer", "default": [|"3O"|] }""")),
            "TC0004",
            Error,
            Expect.Folder + "crm.connector.json"
        );
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void Parameter_default_given_through_a_schema_is_checked_against_that_schema()
    {
        Expect.Diagnostic(
            Connector("""{ "name": "limit", "in": "query", "schema": { "type": "number" }, "default": [|true|] }"""),
            "TC0004",
            Error
        );
    }

    [Fact]
    public void Parameter_default_of_a_referenced_type_is_checked_against_the_referenced_schema()
    {
        var marked = """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "types": { "Page": { "type": "integer", "minimum": 1 } },
              "endpoints": [
                { "name": "list_contacts", "method": "get", "path": "/contacts",
                  "parameters": [ { "name": "page", "in": "query", "schema": { "$ref": "#/types/Page" }, "default": [|"1"|] } ] }
              ]
            }
            """;
        Expect.Diagnostic(marked, "TC0004", Error);
    }

    [Fact]
    public void Integer_default_that_is_not_a_whole_number_is_a_wrong_type()
    {
        var found = Expect.Diagnostic(
            Connector("""{ "name": "limit", "in": "query", "type": "integer", "default": [|2.5|] }"""),
            "TC0004",
            Error
        );
        Assert.Contains("whole number", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_typed_defaults_generate_their_values()
    {
        var run = DiagnosticsRun.Of(
            Expect.File(
                "crm.connector.json",
                Connector("""{ "name": "limit", "in": "query", "type": "integer", "default": 30, "maximum": 100 }""")
            )
        );
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == Error);
        Assert.Contains(run.Sources, s => s.SourceText.ToString().Contains("int limit = 30", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_of_an_untyped_parameter_is_a_string_as_written()
    {
        // Without a type the parameter is a string: the number 5 is not coerced to "5".
        Expect.Diagnostic(Connector("""{ "name": "q", "in": "query", "default": [|5|] }"""), "TC0004", Error);
    }

    [Fact]
    public void Default_that_is_not_a_member_of_the_enum_is_not_a_valid_value()
    {
        var found = Expect.Diagnostic(
            Connector("""{ "name": "sort", "in": "query", "type": "string", "enum": [ "asc", "desc" ], "default": [|"up"|] }"""),
            "TC0006",
            Error
        );
        Assert.Equal("'up' is not a valid default; use one of: asc, desc", found.Message);
    }

    [Fact]
    public void Enum_member_of_the_wrong_type_for_the_declared_type_is_reported_at_the_member()
    {
        Expect.Diagnostic(
            Connector("""{ "name": "size", "in": "query", "type": "integer", "enum": [ 10, [|"twenty"|] ] }"""),
            "TC0004",
            Error
        );
    }

    [Theory]
    [InlineData("""{ "type": "integer", "default": [|"5"|] }""")]
    [InlineData("""{ "type": "boolean", "example": [|"yes"|] }""")]
    [InlineData("""{ "type": "string", "examples": [ "a", [|7|] ] }""")]
    [InlineData("""{ "type": "number", "minimum": [|"0"|] }""")]
    [InlineData("""{ "type": "string", "maxLength": [|"10"|] }""")]
    [InlineData("""{ "type": "string", "description": [|5|] }""")]
    [InlineData("""{ "$ref": "#/types/Contact", "nullable": [|"true"|] }""")]
    [InlineData("""{ "type": "object", "additionalProperties": [|"no"|] }""")]
    [InlineData("""{ "type": "string", "readOnly": [|1|] }""")]
    public void Schema_keywords_of_a_response_member_are_type_checked_relative_to_its_type(string member)
    {
        var marked =
            """
                {
                  "format_version": 1,
                  "name": "Acme CRM",
                  "base_url": "https://api.acme.com/v2",
                  "types": { "Contact": { "type": "object", "properties": { "id": { "type": "string" } } } },
                  "endpoints": [
                    { "name": "get_contact", "method": "get", "path": "/contact",
                      "response": { "type": "object", "properties": { "value": 
                """
            + member
            + """
                 } } }
                  ]
                }
                """;
        Expect.Diagnostic(marked, "TC0004", Error);
    }

    [Fact]
    public void Negative_length_limit_is_out_of_range()
    {
        Expect.Diagnostic(Connector("""{ "name": "q", "in": "query", "type": "string", "maxLength": [|-1|] }"""), "TC0029", Error);
    }

    [Fact]
    public void Parameter_pattern_that_is_not_a_regular_expression_is_out_of_range()
    {
        var found = Expect.Diagnostic(
            Connector("""{ "name": "q", "in": "query", "type": "string", "pattern": [|"[a-z"|] }"""),
            "TC0029",
            Error
        );
        Assert.Equal("'pattern' is not a valid regular expression", found.Message);
    }

    [Fact]
    public void Shorthand_type_next_to_a_schema_is_an_error_at_the_shorthand_key()
    {
        var found = Expect.Diagnostic(
            Connector("""{ "name": "q", "in": "query", [|"type"|]: "integer", "schema": { "type": "string" } }"""),
            "TC0029",
            Error
        );
        Assert.Contains("\"schema\"", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Required_key_of_the_wrong_type_is_one_wrong_type_not_also_a_missing_key()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": [|5|],
              "base_url": "https://api.acme.com/v2"
            }
            """,
            "TC0004",
            Error
        );
        Assert.Equal("'name' must be a string, not number 5", found.Message);
    }

    [Theory]
    [InlineData("\"reponse\": { \"type\": \"object\" }", "reponse", "an endpoint", "response")]
    [InlineData("\"parameters\": [ { \"name\": \"q\", \"in\": \"query\", \"requierd\": true } ]", "requierd", "a parameter", "required")]
    [InlineData("\"response\": { \"type\": \"object\", \"propertys\": { } }", "propertys", "a schema", "properties")]
    public void Unknown_keys_at_every_level_of_a_connector_file_are_errors_with_a_suggestion(
        string member,
        string key,
        string what,
        string suggestion
    )
    {
        var text =
            """
                {
                  "format_version": 1,
                  "name": "Acme CRM",
                  "base_url": "https://api.acme.com/v2",
                  "endpoints": [ { "name": "get_contact", "method": "get", "path": "/contacts", 
                """
            + member
            + """
                 } ]
                }
                """;
        var run = DiagnosticsRun.Of(Expect.File("crm.connector.json", text));
        var found = Assert.Single(run.Diagnostics);
        Assert.Equal(("TC0036", Error, Reporter.Generator), (found.Id, found.Severity, found.Reporter));
        Assert.Equal("'" + key + "' is not a known key of " + what + "; did you mean '" + suggestion + "'?", found.Message);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void Extension_and_comment_keys_are_allowed_but_a_comment_must_be_a_string()
    {
        var found = Expect.Diagnostic(
            """
            {
              "$schema": "../connector.schema.json",
              "format_version": 1,
              "x-owner": "team-crm",
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [ { "$comment": "first", "x-tag": 1, "name": "get_contact", "method": "get", "path": "/contacts", "response": { "$comment": [|2|] } } ]
            }
            """,
            "TC0004",
            Error
        );
        Assert.Equal("'$comment' must be a string, not number 2", found.Message);
    }

    [Fact]
    public void Format_version_newer_than_supported_is_the_only_diagnostic_and_names_the_supported_versions()
    {
        var marked = """
            {
              "format_version": [|2|],
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "retry": { "attempts": 3 }
            }
            """;
        var run = DiagnosticsRun.Of(Expect.File("crm.connector.json", Markup.Parse(marked).Text));
        var found = Expect.At(run, Markup.Parse(marked), "TC0026", Error, Expect.Folder + "crm.connector.json");
        Assert.Equal("format_version 2 is not supported by this version of TypedConnectors; supported: 1", found.Message);
        Assert.Single(run.Diagnostics);
    }

    [Fact]
    public void Format_version_written_as_a_string_is_a_wrong_type()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": [|"1"|],
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2"
            }
            """,
            "TC0004",
            Error
        );
    }

    [Fact]
    public void Missing_format_version_is_version_1_and_just_as_strict()
    {
        var good = DiagnosticsRun.Of(
            Expect.File("crm.connector.json", """{ "name": "Acme CRM", "base_url": "https://api.acme.com/v2" }""")
        );
        Assert.Empty(good.Diagnostics);
        Assert.NotEmpty(good.Sources);

        var typo = DiagnosticsRun.Of(
            Expect.File("crm.connector.json", """{ "name": "Acme CRM", "base_url": "https://api.acme.com/v2", "max_concurency": 2 }""")
        );
        Assert.Equal("TC0036", Assert.Single(typo.Diagnostics).Id);
    }
}
