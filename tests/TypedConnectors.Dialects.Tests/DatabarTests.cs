using System.Text.Json;
using DialectTests.CompanyLookup;
using DialectTests.Infrastructure;
using DialectTests.LeadExporter;
using DialectTests.MyScoringApi;
using TypedConnectors;
using TypedConnectors.Generator;
using TypedConnectors.Generator.Reading;
using TypedConnectors.Testing;

namespace DialectTests;

/// <summary>The Databar seed connectors (and a body-template variant) compiled from their payloads and called for real.</summary>
public class DatabarTests
{
    private static ConnectorConnectionOptions At(LoopbackServer server) => new() { BaseAddress = server.BaseAddress };

    [Fact]
    public async Task Enrichment_posts_required_query_and_body_fields_with_defaults_and_the_connection_token()
    {
        await using var server = await LoopbackServer.StartJsonAsync("""{"score":87}""");
        using var client = new MyScoringApiClient(MyScoringApiConnection.Create("sk-live-real-token", At(server)));

        var result = await client.EnrichAsync(companyDomain: "acme.com", domain: "acme.com");

        var request = server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/score", request.Path);
        Assert.Equal("?company_domain=acme.com", request.QueryString);
        Assert.Equal("Bearer sk-live-real-token", request.Header("Authorization"));
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("""{"domain":"acme.com","enrichment_type":"full"}""", request.Body);
        Assert.Equal(87, result.GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task Enrichment_defaults_can_be_overridden_and_the_literal_token_is_never_sent()
    {
        await using var server = await LoopbackServer.StartJsonAsync("{}");
        using var client = new MyScoringApiClient(MyScoringApiConnection.Create("real", At(server)));

        await client.EnrichAsync("a.io", "b.io", enrichmentType: "light");

        var request = server.Single();
        Assert.Equal("""{"domain":"b.io","enrichment_type":"light"}""", request.Body);
        Assert.DoesNotContain(request.Headers, h => h.Value.Contains("sk-xxx", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => MyScoringApiConnection.Create(""));
    }

    [Fact]
    public void Enrichment_rate_limit_is_per_minute_and_max_concurrency_applies()
    {
        var descriptor = ConnectorDescriptor.For(typeof(MyScoringApiClient));
        Assert.Equal(60, descriptor.RateLimit?.PermitLimit);
        Assert.Equal(TimeSpan.FromMinutes(1), descriptor.RateLimit?.Window);
        Assert.Equal(5, descriptor.MaxConcurrency);
        Assert.Equal("https://api.example.com", descriptor.BaseUrl);

        var connection = MyScoringApiConnection.Create("t");
        Assert.NotNull(connection.RateLimiter);
        Assert.Equal(5, connection.MaxConcurrency);
        Assert.Null(ConnectorDescriptor.For(typeof(CompanyLookupClient)).RateLimit);
    }

    [Fact]
    public async Task Simple_get_sends_the_required_query_parameter()
    {
        await using var server = await LoopbackServer.StartJsonAsync("""{"name":"Acme"}""");
        using var client = new CompanyLookupClient(CompanyLookupConnection.Create("tok", At(server)));

        var company = await client.EnrichAsync(domain: "acme.com");

        var request = server.Single();
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/company", request.Path);
        Assert.Equal("acme.com", request.Query("domain"));
        Assert.Equal("Bearer tok", request.Header("Authorization"));
        Assert.Equal("", request.Body);
        Assert.Equal("Acme", company.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("databar-enrichment.json")]
    [InlineData("databar-simple-get.json")]
    public void Literal_bearer_header_is_reported_at_its_value(string seed)
    {
        var text = Seeds.Text(seed);
        var result = ConnectorPipeline.Run(
            new ConnectorInput(Seeds.PathOf(seed), text, "databar", null, null),
            new GeneratorSettings("App", false, false),
            CancellationToken.None
        );

        var warning = Assert.Single(result.Diagnostics, d => d.Id == "TC0021");
        var valueAt = text.IndexOf("\"Bearer sk-xxx\"", StringComparison.Ordinal);
        Assert.Equal(valueAt, warning.Location.Start);
        Assert.Equal("\"Bearer sk-xxx\"".Length, warning.Location.Length);
        Assert.Equal((8, 15), (warning.Location.StartLine, warning.Location.StartColumn));
        Assert.DoesNotContain("sk-xxx", string.Join(" ", warning.Arguments), StringComparison.Ordinal);
        Assert.NotNull(result.Spec);
        Assert.Equal("token", Assert.Single(Assert.Single(result.Spec!.AuthMethods).Fields).Name);
    }

    [Fact]
    public async Task Template_body_escapes_quotes_newlines_and_unicode_and_applies_defaults()
    {
        await using var server = await LoopbackServer.StartJsonAsync("""{"accepted":true}""");
        using var client = new LeadExporterClient(LeadExporterConnection.Create("real-key", At(server)));

        var email = "ada\"lovelace\"@example.com\n\t\\ ünïcødé ✓ \u0001";
        await client.ExportAsync(xWorkspace: "ws-1", email: email, score: "42", tags: "[\"vip\"]");

        var request = server.Single();
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/v2/leads", request.Path);
        Assert.Equal("databar", request.Query("source"));
        Assert.Equal("false", request.Query("dry_run"));
        Assert.Equal("ws-1", request.Header("X-Workspace"));
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Equal("real-key", request.Header("X-API-Key"));
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);

        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(email, body.RootElement.GetProperty("email").GetString());
        Assert.Equal("none", body.RootElement.GetProperty("note").GetString());

        // tojson renders the (string) value as a JSON value; it can never break out of the document.
        Assert.Equal("42", body.RootElement.GetProperty("score").GetString());
        Assert.Equal("[\"vip\"]", body.RootElement.GetProperty("tags").GetString());
        Assert.StartsWith("{\n  \"email\": \"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_values_cannot_inject_json()
    {
        await using var server = await LoopbackServer.StartJsonAsync("{}");
        using var client = new LeadExporterClient(LeadExporterConnection.Create("k", At(server)));

        await client.ExportAsync("ws", "x\", \"admin\": true, \"y\": \"", "1", "}]", note: "\"}");

        using var body = JsonDocument.Parse(server.Single().Body);
        Assert.False(body.RootElement.TryGetProperty("admin", out _));
        Assert.Equal("x\", \"admin\": true, \"y\": \"", body.RootElement.GetProperty("email").GetString());
        Assert.Equal("\"}", body.RootElement.GetProperty("note").GetString());
    }
}
