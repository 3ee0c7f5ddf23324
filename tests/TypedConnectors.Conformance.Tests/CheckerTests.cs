using System.Text.Json.Nodes;
using TypedConnectors.Conformance;
using TypedConnectors.Conformance.Checking;
using TypedConnectors.Conformance.Reading;
using TypedConnectors.Conformance.Synthesis;
using TypedConnectors.Testing;

namespace ConformanceTests;

/// <summary>The checker's own parts: routing, reading and value synthesis, against what servers and documents do.</summary>
public sealed class CheckerTests
{
    private static DefOperation Op(string method, string path) => new() { Method = method, Path = path };

    [Fact]
    public void Literal_segments_beat_templated_ones_and_fragments_are_ignored()
    {
        var byId = Op("get", "/users/{id}");
        var me = Op("get", "/users/me");
        var shared = Op("put", "/files/{file_id}#add_shared_link");
        var router = new Router(new[] { byId, me, shared, Op("get", "/"), Op("get", "/items/{id}.json") });

        Assert.Same(me, router.Match("GET", "/users/me", "", null)!.Operation);
        var match = router.Match("GET", "/users/a%2Fb", "", null)!;
        Assert.Same(byId, match.Operation);
        Assert.Equal("a/b", match.PathValues["id"]);
        Assert.Same(shared, router.Match("PUT", "/files/12", "", null)!.Operation);
        Assert.Equal("7", router.Match("GET", "/items/7.json", "", null)!.PathValues["id"]);
        Assert.Null(router.Match("POST", "/users/me", "", null));
        Assert.Null(router.Match("GET", "/users/me/", "", null));
        Assert.NotNull(router.Match("GET", "/", "", null));
    }

    [Fact]
    public void Yaml_keeps_the_first_of_repeated_keys_and_types_plain_scalars_only()
    {
        var node = DocumentReader.Read("a.yaml", "a: 1\nb: '2'\nc: true\nd: 'true'\na: 3\ne: 007\nf: ~\n")!.AsObject();
        Assert.Equal(1, node["a"]!.GetValue<long>());
        Assert.Equal("2", node["b"]!.GetValue<string>());
        Assert.True(node["c"]!.GetValue<bool>());
        Assert.Equal("true", node["d"]!.GetValue<string>());
        Assert.Equal("007", node["e"]!.GetValue<string>());
        Assert.Null(node["f"]);
    }

    [Fact]
    public void Operation_security_overrides_the_document_and_an_empty_list_is_anonymous()
    {
        var text = """
            openapi: 3.0.3
            info: { title: T, version: '1' }
            security: [{ key: [] }]
            components: { securitySchemes: { key: { type: apiKey, in: header, name: X-Key }, basic: { type: http, scheme: basic } } }
            paths:
              /a: { get: { responses: { '200': { description: ok } } } }
              /b: { get: { security: [], responses: { '200': { description: ok } } } }
              /c: { get: { security: [{ basic: [] }, {}], responses: { '200': { description: ok } } } }
            """;
        var (definition, _) = ConformanceChecker.ReadDefinition(
            new ConformanceInput("t", new[] { new InputFile("/p/t.openapi.yaml", text) })
        );
        Assert.Equal(new[] { "key" }, Assert.Single(definition.Operations.Single(o => o.Path == "/a").Security!));
        Assert.Empty(definition.Operations.Single(o => o.Path == "/b").Security!);
        Assert.Contains(definition.Operations.Single(o => o.Path == "/c").Security!, s => s.Count == 0);
        Assert.Equal(
            ("apiKey", "header", "X-Key"),
            definition.Auth.Where(a => a.Key == "key").Select(a => (a.Kind, a.In, a.Name)).Single()
        );
    }

    [Fact]
    public void Synthesised_values_respect_enums_ranges_lengths_and_discriminators()
    {
        var root = JsonNode.Parse(
            """
            { "components": { "schemas": {
              "Pet": { "type": "object", "required": ["kind"], "discriminator": { "propertyName": "kind", "mapping": { "dog": "#/components/schemas/Dog" } },
                       "properties": { "kind": { "type": "string" } } },
              "Dog": { "allOf": [ { "$ref": "#/components/schemas/Pet" }, { "properties": { "bark": { "type": "string", "minLength": 5 } } } ] },
              "Page": { "type": "integer", "minimum": 10, "maximum": 20 },
              "Kind": { "type": "string", "enum": ["", "b"] } } } }
            """
        );
        var json = new JsonSynthesizer(new RefResolver("/d.json", root, Array.Empty<(string, JsonNode?)>()));
        var pet = json.Value(JsonNode.Parse("""{ "$ref": "#/components/schemas/Pet" }""")) as JsonObject;
        Assert.Equal("dog", pet!["kind"]!.GetValue<string>());
        Assert.True(pet["bark"]!.GetValue<string>().Length >= 5);
        Assert.Equal(10, json.Value(JsonNode.Parse("""{ "$ref": "#/components/schemas/Page" }"""))!.GetValue<long>());
        Assert.Equal("b", json.Value(JsonNode.Parse("""{ "$ref": "#/components/schemas/Kind" }"""))!.GetValue<string>());
    }

    [Fact]
    public void The_checker_infers_pagination_from_the_documented_rules_on_its_own_reading()
    {
        var (definition, _) = ConformanceChecker.ReadDefinition(
            Inputs.Owned("tests/TypedConnectors.OpenApi.Tests/Documents/paging.openapi.yaml")
        );
        string Paged(string path) =>
            definition.Operations.Single(o => o.Path == path).Pagination is { } p
                ? p.Style
                    + " "
                    + p.Items
                    + " "
                    + (p.Cursor ?? p.LastItemCursor ?? p.NextUrl ?? "")
                    + " "
                    + (p.CursorParam ?? p.HasMore ?? "")
                : "-";

        Assert.Equal("cursor /data /id starting_after", Paged("/charges"));
        Assert.Equal("cursor /events /next_cursor cursor", Paged("/events"));
        Assert.Equal("cursor /tokens /nextPageToken pageToken", Paged("/tokens"));
        Assert.Equal("next_url /logs /next_page_url ", Paged("/logs"));
        Assert.Equal("next_url /files /next ", Paged("/files"));
        Assert.Equal("next_url /data /links/next ", Paged("/stations"));
        Assert.Equal("next_url /orders /_links/next ", Paged("/orders"));
        Assert.Equal("link_header   ", Paged("/photos"));
        Assert.Equal("next_url /value /nextLink ", Paged("/users"));
        Assert.Equal("-", Paged("/mixed"));
        Assert.Equal("-", Paged("/untyped"));
        Assert.Equal("-", Paged("/refunds"));

        // The dev corpus: Train Travel's collections through their allOf wrapper, its single resources not.
        var (train, _) = ConformanceChecker.ReadDefinition(Inputs.Corpus("bump-sh__train-travel-api__openapi.yaml"));
        Assert.Equal(
            new[]
            {
                "GET /bookings next_url /data /links/next",
                "GET /stations next_url /data /links/next",
                "GET /trips next_url /data /links/next",
            },
            train
                .Operations.Where(o => o.Pagination is not null)
                .Select(o => o.Label + " " + o.Pagination!.Style + " " + o.Pagination.Items + " " + o.Pagination.NextUrl)
                .Order(StringComparer.Ordinal)
        );
    }
}
