using DialectTests.Infrastructure;
using Microsoft.CodeAnalysis;
using TypedConnectors.Generator.Reading;
using TypedConnectors.Testing;

namespace DialectTests;

/// <summary>In-memory generator runs over the seed payloads and hand-made variants: diagnostics and compile cleanliness.</summary>
public class GenerationTests
{
    public static TheoryData<string> AllSeeds => new(Seeds.ScalekitFiles.Concat(Seeds.DatabarFiles));

    private static ReadResult Read(string path, string text, string? dialect = null) =>
        ConnectorFileReader.Read(
            new ConnectorInput(path, text, dialect, null, null),
            new GeneratorSettings("App", false, false),
            CancellationToken.None
        );

    [Theory]
    [MemberData(nameof(AllSeeds))]
    public void Each_seed_generates_code_that_compiles_without_any_warning(string seed)
    {
        // Documentation diagnostics are on (DocumentationMode.Diagnose), so missing or malformed XML docs count too.
        var run = GeneratorHarness.Run(new[] { Seeds.Input(seed) }, withHttpClientFactory: true);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains(run.Sources, s => s.HintName.EndsWith(".Client.g.cs", StringComparison.Ordinal));
        var isMcp = Seeds.Text(seed).Contains("\"is_mcp\": true", StringComparison.Ordinal);
        Assert.Equal(isMcp, run.Sources.Any(s => s.HintName.EndsWith(".Mcp.g.cs", StringComparison.Ordinal)));
    }

    [Fact]
    public void Databar_api_document_generates_code_that_compiles_without_any_warning()
    {
        var run = GeneratorHarness.Run(
            new[] { new InputFile(Seeds.PathOf("databar-api.openapi.yaml"), Seeds.Text("databar-api.openapi.yaml")) }
        );

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains("CreateConnectorV1ConnectorsPostAsync(", run.Source(".Client.g.cs"), StringComparison.Ordinal);
        Assert.Contains("public void Validate()", run.Source(".Models.g.cs"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllSeeds))]
    public void Each_seed_is_recognised_by_shape_in_a_connector_file(string seed)
    {
        var byMetadata = GeneratorHarness.Run(new[] { Seeds.Input(seed) });
        var byShape = GeneratorHarness.Run(
            new[] { new InputFile("/project/" + Path.GetFileNameWithoutExtension(seed) + ".connector.json", Seeds.Text(seed)) }
        );

        Assert.Empty(byShape.GeneratorDiagnostics);
        Assert.Empty(byShape.CompileDiagnostics);
        Assert.Equal(
            byMetadata.Sources.Select(s => s.SourceText.ToString()).OrderBy(s => s, StringComparer.Ordinal),
            byShape.Sources.Select(s => s.SourceText.ToString()).OrderBy(s => s, StringComparer.Ordinal)
        );
    }

    [Theory]
    [MemberData(nameof(AllSeeds))]
    public void Each_seed_reads_without_errors_or_unknown_keys(string seed)
    {
        var result = Read(Seeds.PathOf(seed), Seeds.Text(seed), Seeds.DialectOf(seed));

        Assert.NotNull(result.Spec);

        // The Databar seeds carry a literal bearer token: that one warning is expected (and tested in DatabarTests).
        Assert.All(result.Diagnostics, d => Assert.Equal("TC0021", d.Id));
    }

    [Fact]
    public void Mcp_connector_without_the_sdk_gets_the_proxy_client_and_a_warning()
    {
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        compilation = compilation.RemoveReferences(
            compilation.References.Where(r => (r.Display ?? "").Contains("ModelContextProtocol", StringComparison.Ordinal))
        );
        Assert.Null(compilation.GetTypeByMetadataName("ModelContextProtocol.Client.HttpClientTransport"));

        var run = GeneratorHarness.RunDriver(
            GeneratorHarness.CreateDriver(new[] { Seeds.Input("scalekit-apify-mcp-bearer.json") }),
            compilation
        );

        var warning = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("TC0050", warning.Id);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains(
            "ModelContextProtocol.Core",
            warning.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal
        );
        Assert.Empty(run.CompileDiagnostics);
        var source = Assert.Single(run.Sources).SourceText.ToString();
        Assert.Contains("GetAsync<TResponse>(", source, StringComparison.Ordinal);
        Assert.DoesNotContain("ModelContextProtocol", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonical_mcp_connector_gets_the_mcp_client_too()
    {
        var text =
            """{ "format_version": 1, "name": "Docs MCP", "base_url": "https://docs.example.com/mcp", "is_mcp": true, "auth": [ { "type": "bearer", "fields": [ { "field_name": "token", "input_type": "password" } ] } ] }""";

        var run = GeneratorHarness.Run(new[] { new InputFile("/p/docs.connector.json", text) });

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        var mcp = run.Source(".Mcp.g.cs");
        Assert.Contains("public async global::System.Threading.Tasks.Task<DocsMcpSession> ConnectMcpAsync(", mcp, StringComparison.Ordinal);
        Assert.Contains("__path.TrimEnd('/')", mcp, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_scalekit_keys_are_reported_with_a_suggestion()
    {
        var text = Seeds
            .Text("scalekit-bearer-token.json")
            .Replace("\"proxy_enabled\"", "\"proxy_enabeld\"", StringComparison.Ordinal)
            .Replace("\"hint\"", "\"hnit\"", StringComparison.Ordinal);

        var result = Read("/p/x.connector.json", text);

        var unknown = result.Diagnostics.Where(d => d.Id == "TC0005").ToList();
        Assert.Equal(2, unknown.Count);
        Assert.Contains(
            unknown,
            d => d.Arguments.Contains("proxy_enabeld") && d.Arguments.Any(a => a.Contains("'proxy_enabled'", StringComparison.Ordinal))
        );
        Assert.Contains(unknown, d => d.Arguments.Contains("hnit") && d.Arguments.Any(a => a.Contains("'hint'", StringComparison.Ordinal)));
        var at = text.IndexOf("\"proxy_enabeld\"", StringComparison.Ordinal);
        Assert.Contains(unknown, d => d.Location.Start == at);
    }

    [Fact]
    public void Scalekit_mutation_of_an_unknown_field_is_reported()
    {
        var text = """
            {
              "display_name": "X",
              "auth_patterns": [
                { "type": "API_KEY", "fields": [ { "field_name": "api_key", "input_type": "password" } ],
                  "auth_field_mutations": { "apikey": { "prefix": "Key " } } }
              ],
              "proxy_url": "https://api.example.com"
            }
            """;

        var result = Read("/p/x.connector.json", text);

        var unknown = Assert.Single(result.Diagnostics, d => d.Id == "TC0005");
        Assert.Contains("apikey", unknown.Arguments);
        Assert.Contains(unknown.Arguments, a => a.Contains("'api_key'", StringComparison.Ordinal));
        Assert.Empty(result.Spec!.AuthMethods[0].Mutations);
    }

    [Fact]
    public void Scalekit_wrong_pattern_type_is_an_error_at_the_value()
    {
        var text = """{ "display_name": "X", "auth_patterns": [ { "type": "DIGEST" } ], "proxy_url": "https://api.example.com" }""";

        var result = Read("/p/x.connector.json", text);

        Assert.Null(result.Spec);
        var error = Assert.Single(result.Diagnostics, d => d.Id == "TC0006");
        Assert.Equal(text.IndexOf("\"DIGEST\"", StringComparison.Ordinal), error.Location.Start);
        Assert.Contains(error.Arguments, a => a.Contains("API_KEY", StringComparison.Ordinal));
    }

    [Fact]
    public void Scalekit_builtin_placeholders_become_connection_values_and_others_must_be_declared()
    {
        var builtIn =
            """{ "display_name": "V", "auth_patterns": [ { "type": "BEARER", "fields": [ { "field_name": "token", "input_type": "password" } ] } ], "proxy_url": "https://{{domain}}/api/{{version}}" }""";
        var run = GeneratorHarness.Run(new[] { new InputFile("/p/v.connector.json", builtIn) });
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains(
            "Create(string token, string domain, string version, global::TypedConnectors.ConnectorConnectionOptions? options = null)",
            run.AllSources,
            StringComparison.Ordinal
        );

        var undeclared = builtIn.Replace("{{version}}", "{{tenant}}", StringComparison.Ordinal);
        var result = Read("/p/v.connector.json", undeclared);
        var error = Assert.Single(result.Diagnostics, d => d.Id == "TC0009");
        Assert.Equal(undeclared.IndexOf("{{tenant}}", StringComparison.Ordinal), error.Location.Start);
    }

    [Fact]
    public void Scalekit_account_fields_and_path_parameter_fields_fill_the_proxy_url()
    {
        var text = """
            {
              "display_name": "Workspace API",
              "auth_patterns": [
                {
                  "type": "BEARER",
                  "fields": [
                    { "field_name": "token", "label": "Token", "input_type": "password", "required": true },
                    { "field_name": "region", "label": "Region", "input_type": "select", "required": true, "is_path_param": true }
                  ],
                  "account_fields": [ { "field_name": "workspace_id", "label": "Workspace", "input_type": "text", "required": true, "is_path_param": true } ]
                }
              ],
              "proxy_url": "https://{{region}}.api.example.com/workspaces/{{workspace_id}}",
              "proxy_enabled": true
            }
            """;

        var run = GeneratorHarness.Run(new[] { new InputFile("/p/w.connector.json", text) });

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains(
            "Create(string token, string region, string workspaceId, global::TypedConnectors.ConnectorConnectionOptions? options = null)",
            run.AllSources,
            StringComparison.Ordinal
        );
        Assert.Contains("public string? WorkspaceId => GetValue(\"workspace_id\");", run.AllSources, StringComparison.Ordinal);
        Assert.Empty(Read("/p/w.connector.json", text).Diagnostics);
    }

    [Fact]
    public void Scalekit_oauth_without_configuration_is_reported_unless_it_is_an_mcp_server()
    {
        var plain =
            """{ "display_name": "O", "auth_patterns": [ { "type": "OAUTH", "fields": [] } ], "proxy_url": "https://api.example.com" }""";
        Assert.Contains(Read("/p/o.connector.json", plain).Diagnostics, d => d.Id == "TC0019");

        var mcp = plain.Replace(
            "\"fields\": []",
            "\"fields\": [], \"is_mcp\": true, \"oauth_config\": { \"pkce_enabled\": true }",
            StringComparison.Ordinal
        );
        var result = Read("/p/o.connector.json", mcp);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id is "TC0019" or "TC0020");
        Assert.True(result.Spec!.IsMcp);
        Assert.True(result.Spec.AuthMethods[0].OAuth!.PkceEnabled);
    }

    [Fact]
    public void Scalekit_oauth_config_is_read_with_required_scopes()
    {
        var result = Read(Seeds.PathOf("scalekit-asana-oauth.json"), Seeds.Text("scalekit-asana-oauth.json"), "scalekit");

        var oauth = result.Spec!.AuthMethods.Single().OAuth!;
        Assert.Equal("https://app.asana.com/-/oauth_authorize", oauth.AuthorizeUri);
        Assert.Equal("https://app.asana.com/-/oauth_token", oauth.TokenUri);
        Assert.Equal("https://app.asana.com/api/1.0/users/me", oauth.UserInfoUri);
        Assert.Equal(new[] { ("profile", true), ("email", true) }, oauth.Scopes.Select(s => (s.Scope, s.Required)));
        Assert.False(oauth.PkceEnabled);
        Assert.False(result.Spec.IsMcp);
    }

    [Fact]
    public void Databar_template_error_is_reported_at_its_line_and_column()
    {
        var text =
            "{\n  \"name\": \"T\",\n  \"method\": \"post\",\n  \"url\": \"https://api.example.com/x\",\n"
            + "  \"body_template\": \"{\\\"a\\\": \\\"{{ a }}\\\",\\n \\\"b\\\": {{ b | upper }}}\"\n}";

        var result = Read("/p/t.connector.json", text);

        Assert.Null(result.Spec);
        var error = Assert.Single(result.Diagnostics, d => d.Id == "TC0023");
        Assert.Contains("unknown filter 'upper'", error.Arguments[0], StringComparison.Ordinal);

        // Line 5 (0-based 4); the hole "{{ b | upper }}" starts after the escaped quotes and "\n" of the JSON string.
        var hole = text.IndexOf("{{ b | upper }}", StringComparison.Ordinal);
        Assert.Equal(hole, error.Location.Start);
        Assert.Equal("{{ b | upper }}".Length, error.Location.Length);
        Assert.Equal((4, hole - text.LastIndexOf('\n', hole) - 1), (error.Location.StartLine, error.Location.StartColumn));
    }

    [Fact]
    public void Databar_unclosed_template_hole_is_reported_at_the_braces()
    {
        var text = """{ "name": "T", "method": "post", "url": "https://api.example.com/x", "body_template": "{\"a\": {{ a }" }""";

        var result = Read("/p/t.connector.json", text);

        var error = Assert.Single(result.Diagnostics, d => d.Id == "TC0023");
        Assert.Equal(text.IndexOf("{{ a }", StringComparison.Ordinal), error.Location.Start);
    }

    [Fact]
    public void Databar_template_variables_become_typed_parameters_in_order()
    {
        var text =
            """{ "name": "T", "type": "exporter", "method": "post", "url": "https://api.example.com/x", "body_template": "{\"a\": \"{{ first }}\", \"b\": {{ second | default(3) }}, \"c\": \"{{ first }}\"}" }""";

        var run = GeneratorHarness.Run(new[] { new InputFile("/p/t.connector.json", text) });

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains(
            "ExportAsync(string first, string second = \"3\", global::TypedConnectors.ConnectorCallOptions? options = null, global::System.Threading.CancellationToken cancellationToken = default)",
            run.AllSources,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void Databar_credential_headers_become_auth_methods_of_the_matching_kind()
    {
        static string Connector(string header, string value) =>
            "{ \"name\": \"T\", \"method\": \"get\", \"url\": \"https://api.example.com/x\", \"headers\": [ { \"name\": \""
            + header
            + "\", \"value\": \""
            + value
            + "\" } ] }";

        var token = Read("/p/a.connector.json", Connector("Authorization", "Token abcdef123456")).Spec!.AuthMethods.Single();
        Assert.Equal(("bearer", "Token", null), (token.Key, token.Prefix, token.HeaderName));

        var basic = Read("/p/b.connector.json", Connector("Authorization", "Basic dXNlcjpwYXNz")).Spec!.AuthMethods.Single();
        Assert.Equal(TypedConnectors.Generator.Model.AuthKind.Basic, basic.Kind);
        Assert.Equal(new[] { "username", "password" }, basic.Fields.Select(f => f.Name));

        var apiKey = Read("/p/c.connector.json", Connector("X-Api-Key", "abcdef123456")).Spec!.AuthMethods.Single();
        Assert.Equal(("api_key", "X-Api-Key"), (apiKey.Key, apiKey.HeaderName));

        var plain = Read("/p/d.connector.json", Connector("X-Trace", "abc"));
        Assert.Empty(plain.Spec!.AuthMethods);
        Assert.Equal("abc", plain.Spec.Operations[0].Parameters.Single().Constant);
        Assert.DoesNotContain(plain.Diagnostics, d => d.Id == "TC0021");
    }

    [Fact]
    public void Databar_unknown_type_is_an_error_and_id_and_created_at_are_accepted()
    {
        var returned =
            """{ "id": 42, "name": "T", "type": "enrichment", "method": "get", "url": "https://api.example.com/x", "created_at": "2025-01-15T10:30:00Z", "body_template": null, "rate_limit": null, "max_concurrency": null }""";
        Assert.Empty(Read("/p/a.connector.json", returned).Diagnostics);

        var wrongType = Read(
            "/p/b.connector.json",
            """{ "name": "T", "type": "importer", "method": "get", "url": "https://api.example.com/x" }"""
        );
        Assert.Contains(wrongType.Diagnostics, d => d.Id == "TC0006" && d.Arguments.Contains("importer"));
    }
}
