using System.Globalization;
using System.Reflection;
using System.Text;

namespace TypedConnectors.Benchmarks;

/// <summary>The documents the benchmarks read: the largest of the dev corpus, and a synthetic one of the 4 MB class.</summary>
public static class Documents
{
    public const string Linode = "apisguru__linode.com__openapi.yaml";
    public const string Synthetic = "synthetic-4mb.openapi.json";

    public static string Text(string name) =>
        name == Synthetic ? SyntheticJson.Value : File.ReadAllText(Path.Combine(CorpusDirectory(), name));

    private static readonly Lazy<string> SyntheticJson = new(() => BuildSynthetic(targetBytes: 4 * 1024 * 1024));

    internal static string CorpusDirectory()
    {
        var configured = typeof(Documents)
            .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "CorpusDir")
            ?.Value;
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "corpus", "openapi", "dev");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/corpus/openapi/dev was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// A Stripe/GitHub-sized OpenAPI 3.0 JSON document: resources with CRUD operations, query and path parameters,
    /// enums, nested objects, allOf inheritance, a discriminated oneOf and shared error responses.
    /// </summary>
    internal static string BuildSynthetic(int targetBytes)
    {
        var paths = new StringBuilder();
        var schemas = new StringBuilder();
        var i = 0;
        while (paths.Length + schemas.Length < targetBytes)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            if (i > 0)
            {
                paths.Append(',');
                schemas.Append(',');
            }

            paths.Append(
                $$"""
                "/resources{{n}}": {
                  "get": { "operationId": "listResource{{n}}", "tags": ["group{{i % 40}}"], "summary": "Lists resource {{n}}.",
                    "parameters": [
                      { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } },
                      { "name": "starting_after", "in": "query", "schema": { "type": "string" } },
                      { "name": "expand", "in": "query", "style": "form", "explode": true, "schema": { "type": "array", "items": { "type": "string" } } },
                      { "name": "status", "in": "query", "schema": { "$ref": "#/components/schemas/Status{{n}}" } } ],
                    "responses": {
                      "200": { "description": "A page.", "content": { "application/json": { "schema": { "type": "object", "properties": {
                        "data": { "type": "array", "items": { "$ref": "#/components/schemas/Resource{{n}}" } }, "has_more": { "type": "boolean" } } } } } },
                      "default": { "$ref": "#/components/responses/Error" } } },
                  "post": { "operationId": "createResource{{n}}", "tags": ["group{{i % 40}}"],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewResource{{n}}" } } } },
                    "responses": { "201": { "description": "Created.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Resource{{n}}" } } } },
                      "default": { "$ref": "#/components/responses/Error" } } } },
                "/resources{{n}}/{id}": {
                  "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
                  "get": { "operationId": "getResource{{n}}", "tags": ["group{{i % 40}}"],
                    "responses": { "200": { "description": "The resource.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Resource{{n}}" } } } },
                      "404": { "$ref": "#/components/responses/Error" } } },
                  "delete": { "operationId": "deleteResource{{n}}", "tags": ["group{{i
                    % 40}}"], "responses": { "204": { "description": "Deleted." } } } }
                """
            );
            schemas.Append(
                $$"""
                "Status{{n}}": { "type": "string", "enum": ["active", "in-review", "archived", "deleted"] },
                "NewResource{{n}}": { "type": "object", "required": ["name"], "description": "A new resource {{n}}.", "properties": {
                  "name": { "type": "string", "maxLength": 200, "description": "The name." },
                  "metadata": { "type": "object", "additionalProperties": { "type": "string" } },
                  "amount": { "type": "integer", "format": "int64" },
                  "currency": { "type": "string", "minLength": 3, "maxLength": 3 },
                  "status": { "$ref": "#/components/schemas/Status{{n}}" },
                  "address": { "type": "object", "properties": { "line1": { "type": "string" }, "city": { "type": "string" }, "country": { "type": "string" } } },
                  "payment": { "oneOf": [ { "$ref": "#/components/schemas/Card" }, { "$ref": "#/components/schemas/Bank" } ], "discriminator": { "propertyName": "kind" } } } },
                "Resource{{n}}": { "allOf": [ { "$ref": "#/components/schemas/NewResource{{n}}" }, { "type": "object", "required": ["id"], "properties": {
                  "id": { "type": "string" }, "created": { "type": "string", "format": "date-time" }, "livemode": { "type": "boolean" },
                  "parent": { "$ref": "#/components/schemas/Resource{{(
                    i == 0 ? n : (i - 1).ToString(CultureInfo.InvariantCulture)
                )}}" } } } ] }
                """
            );
            i++;
        }

        return $$"""
            { "openapi": "3.0.3", "info": { "title": "Synthetic", "version": "1" }, "servers": [ { "url": "https://api.synthetic.example.com/v1" } ],
              "components": {
                "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
                "responses": { "Error": { "description": "An error.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } },
                "schemas": {
                  "Error": { "type": "object", "properties": { "code": { "type": "string" }, "message": { "type": "string" } } },
                  "Payment": { "type": "object", "required": ["kind"], "properties": { "kind": { "type": "string" } } },
                  "Card": { "type": "object", "required": ["kind"], "properties": { "kind": { "type": "string" }, "last4": { "type": "string" } } },
                  "Bank": { "type": "object", "required": ["kind"], "properties": { "kind": { "type": "string" }, "iban": { "type": "string" } } },
            {{schemas}} } },
              "security": [ { "bearer": [] } ],
              "paths": { {{paths}} } }
            """;
    }
}
