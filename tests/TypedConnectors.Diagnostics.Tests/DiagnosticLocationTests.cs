using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedConnectors.Testing;

namespace TypedConnectors.Diagnostics.Tests;

/// <summary>
/// One test per diagnostic id: a connector file written the way a user making that mistake would write it, and the
/// exact squiggle (marked <c>[|...|]</c>) the build and the IDE show, with its severity and who reports it.
/// </summary>
public class DiagnosticLocationTests
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;

    [Fact]
    public void TC0001_malformed_json_points_at_the_parser_position()
    {
        // A missing comma after a value, the most common hand-editing mistake.
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM"
              [|"|]base_url": "https://api.acme.com/v2"
            }
            """,
            "TC0001",
            Error
        );
        Assert.Contains("JSON", found.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0001_unterminated_string_points_at_the_end_of_the_line()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM,[||]
              "base_url": "https://api.acme.com/v2"
            }
            """,
            "TC0001",
            Error
        );
    }

    [Fact]
    public void TC0002_root_that_is_not_an_object()
    {
        // Several connectors pasted into one file as an array.
        Expect.Diagnostic(
            """
            [|[
              { "name": "Acme CRM", "base_url": "https://api.acme.com" },
              { "name": "Acme Billing", "base_url": "https://billing.acme.com" }
            ]|]
            """,
            "TC0002",
            Error
        );
    }

    [Fact]
    public void TC0003_missing_required_key_points_at_the_object_that_lacks_it()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [
                [|{|]
                  "name": "list_contacts",
                  "method": "GET"
                }
              ]
            }
            """,
            "TC0003",
            Error
        );
        Assert.Contains("'path'", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0004_wrong_value_type_points_at_the_value()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "max_concurrency": [|"5"|]
            }
            """,
            "TC0004",
            Error
        );
        Assert.Equal("'max_concurrency' must be a whole number, not the string \"5\"", found.Message);
    }

    [Fact]
    public void TC0005_unknown_key_of_a_platform_payload_is_a_warning_with_a_suggestion()
    {
        // Platform payloads are third-party documents: an extra key is reported, and the payload still generates.
        var found = Expect.Diagnostic(
            """
            {
              "display_name": "Acme",
              "proxy_url": "https://api.acme.com",
              [|"descripton"|]: "Acme API",
              "auth_patterns": [ { "type": "BEARER", "fields": [ { "field_name": "token", "input_type": "password" } ] } ]
            }
            """,
            "TC0005",
            Warning,
            "acme.connector.json"
        );
        Assert.EndsWith("did you mean 'description'?", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0036_unknown_key_of_a_connector_file_is_an_error_with_a_suggestion()
    {
        // "reponse" would silently turn the typed response into a Task: the file does not generate until it is fixed.
        var run = DiagnosticsRun.Of(
            Expect.File(
                "crm.connector.json",
                Markup
                    .Parse(
                        """
                        {
                          "format_version": 1,
                          "name": "Acme CRM",
                          "base_url": "https://api.acme.com/v2",
                          "endpoints": [
                            { "name": "get_contact", "method": "get", "path": "/contacts", [|"reponse"|]: { "type": "object" } }
                          ]
                        }
                        """
                    )
                    .Text
            )
        );
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [
                { "name": "get_contact", "method": "get", "path": "/contacts", [|"reponse"|]: { "type": "object" } }
              ]
            }
            """,
            "TC0036",
            Error
        );
        Assert.Equal("'reponse' is not a known key of an endpoint; did you mean 'response'?", found.Message);
        Assert.Empty(run.Sources);
    }

    private const string PagedEndpoint = """
        {
          "format_version": 1,
          "name": "Acme CRM",
          "base_url": "https://api.acme.com/v2",
          "types": { "Page": { "type": "object", "properties": { "data": { "type": "array", "items": { "type": "string" } },
            "next": { "type": "string" }, "more": { "type": "string" } } } },
          "endpoints": [
            { "name": "list_contacts", "method": "get", "path": "/contacts",
              "parameters": [ { "name": "cursor", "in": "query" }, { "name": "limit", "in": "query", "type": "boolean" } ],
              "response": { "$ref": "#/types/Page" },
              "pagination": { "style": "cursor", "items": "/data", "cursor": "/next", PAGING } }
          ]
        }
        """;

    [Theory]
    [InlineData(
        "\"cursor_param\": [|\"after\"|]",
        "'cursor_param' names 'after', which is not a query or body parameter of operation 'list_contacts' (it has: cursor, limit)"
    )]
    [InlineData(
        "\"cursor_param\": \"cursor\", \"limit_param\": [|\"limit\"|]",
        "'limit_param' names parameter 'limit' of type boolean; it must be an integer"
    )]
    [InlineData(
        "\"cursor_param\": \"cursor\", \"total\": [|\"/count\"|]",
        "'total' points at '/count', but the response schema has no property 'count' there"
    )]
    [InlineData(
        "\"cursor_param\": \"cursor\", \"has_more\": [|\"/more\"|]",
        "'has_more' points at '/more', which is string in the response schema, not a Boolean"
    )]
    [InlineData(
        "\"cursor_param\": \"cursor\", \"has_more\": [|\"more\"|]",
        "'has_more' must be a JSON pointer into the response body, starting with '/' (for example \"/data\")"
    )]
    public void TC0060_pagination_naming_a_missing_or_mistyped_parameter_or_property_points_at_the_name(string paging, string message)
    {
        var marked = PagedEndpoint.Replace("PAGING", paging, StringComparison.Ordinal);
        var run = DiagnosticsRun.Of(Expect.File("crm.connector.json", Markup.Parse(marked).Text));
        var found = Expect.Diagnostic(marked, "TC0060", Error);
        Assert.Equal("Pagination: " + message, found.Message);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void TC0061_a_stream_flag_that_is_not_a_boolean_body_property_points_at_the_flag()
    {
        var found = Expect.Diagnostic(
            """
            openapi: 3.0.3
            info: { title: Chat, version: 1.0.0 }
            servers: [{ url: 'https://chat.example/v1' }]
            paths:
              /completions:
                post:
                  operationId: complete
                  x-stream-flag: [|mode|]
                  requestBody:
                    required: true
                    content: { application/json: { schema: { $ref: '#/components/schemas/Request' } } }
                  responses:
                    '200':
                      description: The chunks.
                      content:
                        text/event-stream: { schema: { $ref: '#/components/schemas/Chunk' } }
            components:
              schemas:
                Request: { type: object, properties: { prompt: { type: string }, mode: { type: string } } }
                Chunk: { type: object, properties: { delta: { type: string } } }
            """,
            "TC0061",
            Error,
            "chat.openapi.yaml"
        );
        Assert.Contains("'mode', which is string in the request body, not a Boolean", found.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP method", "get, post, put, patch, delete")]
    [InlineData("auth type", "none, basic, bearer, api_key, oauth2, custom")]
    [InlineData("connector type", "simple, enrichment, exporter")]
    [InlineData("input_type", "text, password")]
    public void TC0006_invalid_enum_value_lists_the_allowed_values(string what, string allowed)
    {
        var (marked, wrong) = what switch
        {
            "HTTP method" => (Endpoint("\"method\": [|\"FETCH\"|]"), "FETCH"),
            "auth type" => (
                Auth("\"type\": [|\"apikey\"|], \"fields\": [ { \"field_name\": \"api_key\", \"input_type\": \"password\" } ]"),
                "apikey"
            ),
            "connector type" => (Root("\"type\": [|\"enrich\"|],"), "enrich"),
            _ => (Auth("\"type\": \"bearer\", \"fields\": [ { \"field_name\": \"token\", \"input_type\": [|\"secret\"|] } ]"), "secret"),
        };
        var found = Expect.Diagnostic(marked, "TC0006", Error);
        Assert.StartsWith("'" + wrong + "' is not a valid " + what + "; use one of: " + allowed, found.Message, StringComparison.Ordinal);

        static string Root(string line) =>
            """
                {
                  "format_version": 1,
                  "name": "Acme CRM",
                  LINE
                  "base_url": "https://api.acme.com/v2"
                }
                """.Replace("LINE", line, StringComparison.Ordinal);

        static string Auth(string method) =>
            """
                {
                  "format_version": 1,
                  "name": "Acme CRM",
                  "base_url": "https://api.acme.com/v2",
                  "auth": [
                    { METHOD }
                  ]
                }
                """.Replace("METHOD", method, StringComparison.Ordinal);

        static string Endpoint(string method) =>
            """
                {
                  "format_version": 1,
                  "name": "Acme CRM",
                  "base_url": "https://api.acme.com/v2",
                  "endpoints": [
                    {
                      "name": "list_contacts",
                      METHOD,
                      "path": "/contacts"
                    }
                  ]
                }
                """.Replace("METHOD", method, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0007_url_without_scheme()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": [|"api.acme.com/v2"|]
            }
            """,
            "TC0007",
            Error
        );
    }

    [Fact]
    public void TC0008_plain_http_for_a_public_host_is_a_warning()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": [|"http://api.acme.com/v2"|]
            }
            """,
            "TC0008",
            Warning
        );
    }

    [Theory]
    [InlineData("http://localhost:5000/api")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://[::1]/v1")]
    public void TC0008_not_reported_for_loopback(string url)
    {
        var run = DiagnosticsRun.Of(
            Expect.File(
                "local.connector.json",
                $$"""
                {
                  "format_version": 1,
                  "name": "Local dev API",
                  "base_url": "{{url}}"
                }
                """
            )
        );
        Assert.Empty(run.Diagnostics);
        Assert.NotEmpty(run.Sources);
    }

    [Fact]
    public void TC0009_undeclared_variable_points_at_the_placeholder()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://[|{{tenant}}|].acme.com/api/v2",
              "variables": [
                { "name": "region", "description": "Data residency region" }
              ]
            }
            """,
            "TC0009",
            Error
        );
        Assert.StartsWith("'{{tenant}}' is used in the base URL but not declared", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0009_undeclared_variable_in_a_header_value()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "headers": [
                { "name": "X-Workspace", "value": "ws-[|{{ workspace_id }}|]" }
              ]
            }
            """,
            "TC0009",
            Error
        );
    }

    [Fact]
    public void TC0010_declared_variable_never_used()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://{{tenant}}.acme.com/api/v2",
              "variables": [
                { "name": "tenant" },
                { "name": [|"region"|], "default": "eu" }
              ]
            }
            """,
            "TC0010",
            Warning
        );
    }

    [Fact]
    public void TC0011_duplicate_endpoint_name_points_at_the_second_name()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [
                { "name": "list_contacts", "method": "GET", "path": "/contacts" },
                { "name": "create_contact", "method": "POST", "path": "/contacts" },
                { "name": [|"list_contacts"|], "method": "GET", "path": "/contacts/archived" }
              ]
            }
            """,
            "TC0011",
            Error
        );
    }

    [Fact]
    public void TC0012_names_that_collide_in_csharp_point_at_the_renamed_one()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [
                { "name": "list-contacts", "method": "GET", "path": "/contacts" },
                { "name": [|"list_contacts"|], "method": "GET", "path": "/v1/contacts" }
              ]
            }
            """,
            "TC0012",
            Warning
        );
        Assert.Equal(
            "'list-contacts' and 'list_contacts' both become the C# name 'ListContactsAsync'; the second is generated as 'ListContactsAsync2' — rename one to choose the name yourself",
            found.Message
        );
    }

    [Fact]
    public void TC0012_type_names_that_collide_point_at_the_type_key()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "types": {
                [|"contact_note"|]: { "type": "object", "properties": { "text": { "type": "string" } } },
                "ContactNote": { "type": "object", "properties": { "body": { "type": "string" } } }
              }
            }
            """,
            "TC0012",
            Warning
        );
    }

    [Fact]
    public void TC0013_path_parameter_missing_from_the_path()
    {
        // Renamed the placeholder in the path, forgot the parameter.
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [
                {
                  "name": "get_contact",
                  "method": "GET",
                  "path": "/contacts/{contact_id}",
                  "parameters": [
                    { "name": "contact_id", "in": "path" },
                    { "name": [|"id"|], "in": "path", "type": "integer" }
                  ]
                }
              ]
            }
            """,
            "TC0013",
            Error
        );
    }

    [Fact]
    public void TC0014_path_placeholder_without_a_parameter_points_at_the_placeholder()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [
                {
                  "name": "get_deal",
                  "method": "GET",
                  "path": "/pipelines/{pipeline_id}/deals/[|{deal_id}|]",
                  "parameters": [
                    { "name": "pipeline_id", "in": "path" }
                  ]
                }
              ]
            }
            """,
            "TC0014",
            Error
        );
    }

    [Theory]
    [InlineData("\"rate_limit\": [|0|],")]
    [InlineData("\"rate_limit\": { \"requests\": [|0|], \"per\": \"minute\" },")]
    [InlineData("\"max_concurrency\": [|-1|],")]
    public void TC0015_limits_below_one(string line)
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              LINE
              "base_url": "https://api.acme.com/v2"
            }
            """.Replace("LINE", line, StringComparison.Ordinal),
            "TC0015",
            Error
        );
    }

    [Fact]
    public void TC0016_name_longer_than_256()
    {
        var name = string.Concat(Enumerable.Repeat("Acme CRM contacts, deals and pipelines ", 7));
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": [|"NAME"|],
              "slug": "acme-crm",
              "base_url": "https://api.acme.com/v2"
            }
            """.Replace("NAME", name, StringComparison.Ordinal),
            "TC0016",
            Warning
        );
        Assert.Equal("'name' is " + name.Length + " characters long; the limit is 256", found.Message);
    }

    [Fact]
    public void TC0016_url_longer_than_512()
    {
        var path = string.Concat(Enumerable.Repeat("/segment", 70));
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": [|"https://api.acme.comPATH"|]
            }
            """.Replace("PATH", path, StringComparison.Ordinal),
            "TC0016",
            Warning
        );
    }

    [Fact]
    public void TC0016_body_template_longer_than_2048_counts_the_template_as_written()
    {
        var fields = string.Join(", ", Enumerable.Range(1, 120).Select(i => "\\\"field_" + i + "\\\": \\\"value\\\""));
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [
                {
                  "name": "import_contacts",
                  "method": "POST",
                  "path": "/contacts/import",
                  "body_template": [|"{\"email\": \"{{ email }}\", FIELDS}"|]
                }
              ]
            }
            """.Replace("FIELDS", fields, StringComparison.Ordinal),
            "TC0016",
            Warning
        );
        var length = ("{\"email\": \"{{ email }}\", " + fields.Replace("\\\"", "\"", StringComparison.Ordinal) + "}").Length;
        Assert.Equal("'body_template' is " + length + " characters long; the limit is 2048", found.Message);
    }

    [Fact]
    public void TC0017_two_default_auth_methods_points_at_the_second_default()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "auth": [
                {
                  "type": "api_key",
                  "default": true,
                  "header": "X-Api-Key",
                  "fields": [ { "field_name": "api_key", "input_type": "password" } ]
                },
                {
                  "type": "bearer",
                  [|"default"|]: true,
                  "fields": [ { "field_name": "token", "input_type": "password" } ]
                }
              ]
            }
            """,
            "TC0017",
            Error
        );
    }

    [Fact]
    public void TC0018_several_auth_methods_and_no_default_points_at_the_auth_key()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              [|"auth"|]: [
                { "type": "api_key", "header": "X-Api-Key", "fields": [ { "field_name": "api_key", "input_type": "password" } ] },
                { "type": "bearer", "fields": [ { "field_name": "token", "input_type": "password" } ] }
              ]
            }
            """,
            "TC0018",
            Warning
        );
        Assert.Contains("'api_key' is used when none is chosen", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0019_oauth_without_token_uri()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "auth": [
                {
                  "type": "oauth2",
                  [|"oauth"|]: {
                    "authorize_uri": "https://login.acme.com/oauth/authorize",
                    "available_scopes": [ "contacts.read", "deals.write" ]
                  }
                }
              ]
            }
            """,
            "TC0019",
            Error
        );
        Assert.Equal("OAuth method 'oauth2' needs 'token_uri' for the authorization_code flow", found.Message);
    }

    [Fact]
    public void TC0019_oauth_method_without_any_oauth_configuration_points_at_its_type()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "auth": [
                { "type": [|"oauth2"|], "display_name": "Sign in with Acme" }
              ]
            }
            """,
            "TC0019",
            Error
        );
    }

    [Fact]
    public void TC0020_oauth_without_scopes_is_a_warning()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "auth": [
                {
                  "type": "oauth2",
                  [|"oauth"|]: {
                    "authorize_uri": "https://login.acme.com/oauth/authorize",
                    "token_uri": "https://login.acme.com/oauth/token"
                  }
                }
              ]
            }
            """,
            "TC0020",
            Warning
        );
    }

    [Fact]
    public void TC0021_bearer_token_pasted_into_a_header()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "headers": [
                { "name": "Accept", "value": "application/json" },
                { "name": "Authorization", "value": [|"Bearer sk_live_51HfR2kL9xQ"|] }
              ]
            }
            """,
            "TC0021",
            Warning
        );
        Assert.DoesNotContain("51HfR2kL9xQ", found.Message, StringComparison.Ordinal);
        Assert.Contains("connection secret", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0021_api_key_field_with_a_default()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "auth": [
                {
                  "type": "api_key",
                  "header": "X-Api-Key",
                  "fields": [
                    { "field_name": "api_key", "label": "API key", "default": [|"ak_3f9d2c71b0e84"|] }
                  ]
                }
              ]
            }
            """,
            "TC0021",
            Warning
        );
    }

    [Fact]
    public void TC0022_line_break_in_a_header_value_points_at_the_escape()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "headers": [
                { "name": "Accept", "value": "application/json[|\r|]\nX-Debug: 1" }
              ]
            }
            """,
            "TC0022",
            Error
        );
        Assert.Contains("line break", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0022_header_name_with_a_space()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "headers": [
                { "name": [|"Api Version"|], "value": "2024-06-01" }
              ]
            }
            """,
            "TC0022",
            Error
        );
    }

    [Fact]
    public void TC0022_idempotency_key_header_with_a_colon()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "idempotency_key_header": [|"Idempotency:Key"|]
            }
            """,
            "TC0022",
            Error
        );
    }

    [Fact]
    public void TC0022_rate_limit_reset_header_with_a_space()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "rate_limit_headers": { "remaining": "X-Left", "reset": [|"X Reset"|] }
            }
            """,
            "TC0022",
            Error
        );
    }

    [Fact]
    public void TC0023_unknown_filter_in_a_body_template_points_inside_the_escaped_string()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [
                {
                  "name": "create_contact",
                  "method": "POST",
                  "path": "/contacts",
                  "body_template": "{\"email\": \"{{ email }}\", \"name\": \"[|{{ name | upper }}|]\"}"
                }
              ]
            }
            """,
            "TC0023",
            Error
        );
        Assert.Contains("unknown filter 'upper'", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0023_unclosed_hole()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "endpoints": [
                {
                  "name": "create_contact",
                  "method": "POST",
                  "path": "/contacts",
                  "body_template": "{\"email\": \"[|{{|] email }\"}"
                }
              ]
            }
            """,
            "TC0023",
            Error
        );
    }

    [Fact]
    public async Task TC0024_internal_error_names_the_exception_and_the_file_instead_of_crashing_the_analyzer()
    {
        var files = new[] { new ThrowingText("/project/Connectors/locked.connector.json") };
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        var options = new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions(
            System.Collections.Immutable.ImmutableArray.Create<AdditionalText>(files),
            new TestOptionsProvider("TestApp", Array.Empty<InputFile>())
        );
        var exceptions = new List<Exception>();
        var diagnostics = await compilation
            .WithAnalyzers(
                System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(
                    new TypedConnectors.Generator.ConnectorAnalyzer()
                ),
                new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzersOptions(
                    options,
                    (ex, _, _) => exceptions.Add(ex),
                    concurrentAnalysis: false,
                    logAnalyzerExecutionTime: false
                )
            )
            .GetAnalyzerDiagnosticsAsync();

        Assert.Empty(exceptions);
        var found = Reported.From(Assert.Single(diagnostics), Reporter.Analyzer);
        Assert.Equal("TC0024", found.Id);
        Assert.Equal(Error, found.Severity);
        Assert.Equal("/project/Connectors/locked.connector.json", found.Path);
        Assert.Equal("(1,1)-(1,1)", found.Span);
        Assert.Equal(
            "TypedConnectors could not process 'locked.connector.json' — System.IO.IOException: The file is locked by another process. — please report this with the file attached",
            found.Message
        );
    }

    [Fact]
    public void TC0025_nesting_deeper_than_the_limit()
    {
        var open = string.Concat(Enumerable.Repeat("{\"a\":", 63));
        var close = new string('}', 63);
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "types": OPEN[|{|]}CLOSE
            }
            """.Replace("OPEN", open, StringComparison.Ordinal).Replace("CLOSE", close, StringComparison.Ordinal),
            "TC0025",
            Error
        );
    }

    [Fact]
    public void TC0025_yaml_nested_200000_levels_deep_stops_at_the_limit_without_overflowing_the_stack()
    {
        var found = Expect.Diagnostic(
            "openapi: 3.0.3\ninfo: { title: Inventory, version: 1.0.0 }\nx-deep: "
                + new string('[', 63)
                + "[|[|]"
                + new string('[', 200_000 - 64)
                + new string(']', 200_000)
                + "\npaths: {}\n",
            "TC0025",
            Error,
            "inventory.openapi.yaml"
        );
        Assert.EndsWith("nesting deeper than 64 levels", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0025_file_larger_than_the_limit_is_refused_without_parsing()
    {
        var text = "{\"name\": \"huge\", \"description\": \"" + new string('x', 33 * 1024 * 1024) + "\"}";
        var found = Expect.Diagnostic("[||]" + text, "TC0025", Error, "huge.connector.json");
        Assert.Contains("larger than 32 MB", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0026_format_version_from_the_future()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": [|2|],
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2"
            }
            """,
            "TC0026",
            Error
        );
    }

    [Fact]
    public void TC0027_dialect_metadata_that_names_no_dialect()
    {
        var found = Expect.Diagnostic(
            """
            [|{|]
              "info": { "name": "Acme CRM", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
              "item": []
            }
            """,
            "TC0027",
            Error,
            "acme.postman.json",
            new Dictionary<string, string> { ["TypedConnectorsDialect"] = "postman" }
        );
        Assert.Contains("'postman'", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0028_duplicate_key_points_at_the_second_occurrence()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "description": "Contacts and deals",
              [|"base_url"|]: "https://sandbox.acme.com/v2"
            }
            """,
            "TC0028",
            Warning
        );
    }

    [Fact]
    public void TC0029_variable_pattern_that_is_not_a_regular_expression()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://{{tenant}}.acme.com/api",
              "variables": [
                { "name": "tenant", "pattern": [|"[a-z0-9-+"|] }
              ]
            }
            """,
            "TC0029",
            Error
        );
    }

    [Fact]
    public void TC0033_reference_to_a_type_that_does_not_exist()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "types": {
                "Contact": { "type": "object", "properties": { "email": { "type": "string" } } }
              },
              "endpoints": [
                {
                  "name": "get_contact",
                  "method": "GET",
                  "path": "/contacts/{id}",
                  "parameters": [ { "name": "id", "in": "path" } ],
                  "response": { "$ref": [|"#/types/Contacts"|] }
                }
              ]
            }
            """,
            "TC0033",
            Error
        );
    }

    [Fact]
    public void TC0035_two_auth_methods_with_the_same_key()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "auth": [
                { "type": "api_key", "default": true, "header": "X-Api-Key", "fields": [ { "field_name": "api_key", "input_type": "password" } ] },
                { "type": [|"api_key"|], "in": "query", "parameter_name": "key", "fields": [ { "field_name": "api_key", "input_type": "password" } ] }
              ]
            }
            """,
            "TC0035",
            Error
        );
    }

    [Fact]
    public void TC0006_endpoint_auth_key_that_names_no_auth_method()
    {
        var found = Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "auth": [
                { "key": "partner", "type": "api_key", "header": "X-Partner-Key", "fields": [ { "field_name": "partner_key", "input_type": "password" } ] }
              ],
              "endpoints": [
                { "name": "list_partners", "method": "GET", "path": "/partners", "auth": [ [|"partners"|] ] }
              ]
            }
            """,
            "TC0006",
            Error
        );
        Assert.Equal("'partners' is not a valid auth method key; use one of: partner", found.Message);
    }

    [Fact]
    public void TC0001_malformed_yaml_points_at_the_parser_position()
    {
        // A closing quote forgotten in an OpenAPI document.
        var found = Expect.Diagnostic(
            """
            openapi: 3.0.3
            info:
              title: [|"|]Inventory API
              version: 1.0.0
            paths: {}
            """,
            "TC0001",
            Error,
            "inventory.openapi.yaml"
        );
        Assert.StartsWith("The YAML in this file cannot be read: ", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0025_yaml_alias_bomb_is_refused_at_the_alias_that_crosses_the_limit()
    {
        // "Billion laughs": a few hundred bytes that expand to 10^9 nodes.
        var found = Expect.Diagnostic(
            """
            openapi: 3.0.3
            info: { title: Inventory, version: 1.0.0 }
            x-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
            x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
            x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
            x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
            x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
            x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
            x-g: &g [[|*|]f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
            x-h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
            x-i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
            paths: {}
            """,
            "TC0025",
            Error,
            "inventory.openapi.yaml"
        );
        Assert.Contains("aliases", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TC0030_openapi_version_that_is_not_supported()
    {
        Expect.Diagnostic(
            """
            openapi: [|4.0.0|]
            info:
              title: Inventory
              version: 1.0.0
            paths: {}
            """,
            "TC0030",
            Error,
            "inventory.openapi.yaml"
        );
    }

    [Fact]
    public void TC0031_openapi_api_key_scheme_without_a_name()
    {
        var found = Expect.Diagnostic(
            """
            openapi: 3.0.3
            info:
              title: Inventory
              version: 1.0.0
            paths: {}
            components:
              securitySchemes:
                partnerKey:
                  [|type: apiKey
                  in: header
            |]
            """,
            "TC0031",
            Warning,
            "inventory.openapi.yaml"
        );
        Assert.Equal("OpenAPI: API key scheme 'partnerKey' has no 'name'; it is skipped", found.Message);
    }

    [Fact]
    public void TC0032_openapi_parameter_style_that_is_not_supported()
    {
        Expect.Diagnostic(
            """
            openapi: 3.0.3
            info:
              title: Inventory
              version: 1.0.0
            paths:
              /items:
                get:
                  operationId: listItems
                  parameters:
                    - name: ids
                      in: query
                      style: [|matrix|]
                      schema:
                        type: array
                        items:
                          type: string
                  responses:
                    '200':
                      description: OK
            """,
            "TC0032",
            Warning,
            "inventory.openapi.yaml"
        );
    }

    [Fact]
    public void TC0033_openapi_reference_to_a_missing_schema_is_reported_once()
    {
        // Microsoft.OpenApi reports the same reference too; only TypedConnectors' error reaches the error list.
        var found = Expect.Diagnostic(
            """
            openapi: 3.0.3
            info:
              title: Inventory
              version: 1.0.0
            paths:
              /items:
                get:
                  operationId: listItems
                  responses:
                    '200':
                      description: OK
                      content:
                        application/json:
                          schema:
                            $ref: [|'#/components/schemas/Itemz'|]
            components:
              schemas:
                Item:
                  type: object
            """,
            "TC0033",
            Error,
            "inventory.openapi.yaml"
        );
        Assert.Equal("'#/components/schemas/Itemz' cannot be resolved: nothing exists at that location of this document", found.Message);
    }

    [Fact]
    public void TC0034_reference_to_a_file_that_is_not_an_additional_file()
    {
        Expect.Diagnostic(
            """
            openapi: 3.0.3
            info:
              title: Inventory
              version: 1.0.0
            paths:
              /items:
                get:
                  operationId: listItems
                  responses:
                    '200':
                      description: OK
                      content:
                        application/json:
                          schema:
                            $ref: [|'common.yaml#/components/schemas/Item'|]
            """,
            "TC0034",
            Error,
            "inventory.openapi.yaml"
        );
    }

    [Fact]
    public void TC0040_custom_auth_without_an_implementation_points_at_the_type()
    {
        Expect.Diagnostic(
            """
            {
              "format_version": 1,
              "name": "Acme CRM",
              "base_url": "https://api.acme.com/v2",
              "auth": [
                { "key": "hmac", "type": [|"custom"|], "display_name": "HMAC request signing" }
              ]
            }
            """,
            "TC0040",
            Error
        );
    }

    [Fact]
    public void TC0050_mcp_connector_in_a_project_without_the_mcp_sdk_is_reported_by_the_generator_for_the_whole_file()
    {
        // About the project's references rather than a place in the file, and only the generator sees the references.
        var run = DiagnosticsRun.Of(
            Expect.File(
                "github-mcp.connector.json",
                """
                {
                  "display_name": "Github MCP",
                  "auth_patterns": [ { "type": "OAUTH", "is_mcp": true, "oauth_config": { "pkce_enabled": true } } ],
                  "proxy_url": "https://api.githubcopilot.com/mcp/"
                }
                """
            )
        );
        var found = Assert.Single(run.Diagnostics, d => d.Id == "TC0050");
        Assert.Equal((Warning, Reporter.Generator, "(1,1)-(1,1)"), (found.Severity, found.Reporter, found.Span));
        Assert.NotEmpty(run.Sources);
    }

    private sealed class ThrowingText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(CancellationToken cancellationToken = default) =>
            throw new IOException("The file is locked by another process.");
    }
}
