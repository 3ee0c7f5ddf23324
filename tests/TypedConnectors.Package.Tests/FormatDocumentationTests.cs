using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using TypedConnectors.Generator;
using TypedConnectors.Package.Tests.Infrastructure;
using TypedConnectors.Testing;

namespace TypedConnectors.Package.Tests;

/// <summary>
/// What users read must match what the generator does: the format document's complete example and the README's
/// example generate without diagnostics (and the README's C# compiles against the result), and connector.schema.json
/// knows exactly the keys and values the canonical reader knows.
/// </summary>
public sealed class FormatDocumentationTests
{
    [Fact]
    public void CompleteExample_InConnectorFormatDoc_GeneratesWarningFreeCode()
    {
        var doc = File.ReadAllText(Path.Combine(Dotnet.RepoRoot, "docs", "connector-format.md"));
        var marker = doc.IndexOf("<!-- complete-example -->", StringComparison.Ordinal);
        Assert.True(marker >= 0, "the complete example marker is missing");
        var json = CodeBlock(doc[marker..], "json");
        var customAuthMarker = doc.IndexOf("<!-- complete-example-custom-auth -->", StringComparison.Ordinal);
        Assert.True(customAuthMarker >= 0, "the custom auth example marker is missing");
        var customAuth =
            "using System;\nusing System.Net.Http;\nusing System.Security.Cryptography;\nusing System.Text;\nusing System.Threading;\nusing System.Threading.Tasks;\n"
            + "using DocApp.AcmeSupport;\n\nnamespace DocApp;\n\n"
            + CodeBlock(doc[customAuthMarker..], "csharp");

        var run = GeneratorHarness.Run(
            [new InputFile("support.connector.json", json)],
            "DocApp",
            withHttpClientFactory: true,
            userSource: customAuth
        );

        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity != DiagnosticSeverity.Hidden));
        Assert.Empty(run.CompileDiagnostics);
        var client = run.Source("AcmeSupportClient.Client");
        foreach (
            var method in new[]
            {
                "GetTicketAsync",
                "ListTicketsAsync",
                "CreateTicketAsync",
                "UpdateTicketAsync",
                "AddReplyAsync",
                "ExportTicketAsync",
                "DeleteTicketAsync",
                "GetStatusAsync",
            }
        )
        {
            Assert.Contains(method + "(", client, StringComparison.Ordinal);
        }

        foreach (
            var factory in new[]
            {
                "Create(",
                "CreateApiKeyBasic(",
                "CreateToken(",
                "CreateQueryKey(",
                "CreateBearer(",
                "CreateOauth",
                "CreateSigned(",
            }
        )
        {
            Assert.Contains("public static AcmeSupportConnection " + factory, client, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ReadmeExample_GeneratesAndItsCSharpCompiles()
    {
        var readme = File.ReadAllText(Path.Combine(Dotnet.RepoRoot, "README.md"));
        var json = CodeBlock(readme, "json");
        var snippet = CodeBlock(readme, "csharp");

        // The snippet is top-level code; the harness compiles a library, so it becomes a method body.
        var lines = snippet.Split('\n');
        var usings = lines.Where(l =>
            l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("using var", StringComparison.Ordinal)
        );
        var body = lines.Where(l => !usings.Contains(l));
        var user =
            "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n"
            + string.Join('\n', usings)
            + "\ninternal static class ReadmeSnippet\n{\n    internal static async Task RunAsync()\n    {\n"
            + string.Join('\n', body)
            + "\n    }\n}\n";

        var run = GeneratorHarness.Run(
            [new InputFile("weather.connector.json", json)],
            "MyApp",
            withHttpClientFactory: true,
            userSource: user
        );

        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity != DiagnosticSeverity.Hidden));
        Assert.Empty(run.CompileDiagnostics);
    }

    [Fact]
    public void Schema_KnowsExactlyTheKeysOfTheCanonicalReader()
    {
        var schema = LoadSchema();
        var reader = CanonicalReaderType();

        AssertSameKeys(Field(reader, "RootKeys"), schema["properties"]!, "top level");
        AssertSameKeys(Field(reader, "VariableKeys"), Def(schema, "variable")["properties"]!, "variable");
        AssertSameKeys(Field(reader, "AuthKeys"), Def(schema, "auth_method")["properties"]!, "auth method");
        AssertSameKeys(Field(reader, "FieldKeys"), Def(schema, "field")["properties"]!, "field");
        AssertSameKeys(Field(reader, "MutationKeys"), Def(schema, "field_mutation")["properties"]!, "field mutation");
        AssertSameKeys(Field(reader, "OAuthKeys"), Def(schema, "oauth")["properties"]!, "oauth");
        AssertSameKeys(Field(reader, "EndpointKeys"), Def(schema, "endpoint")["properties"]!, "endpoint");
        AssertSameKeys(Field(reader, "ParameterKeys"), Def(schema, "parameter")["properties"]!, "parameter");
        var schemaReader = reader.Assembly.GetType("TypedConnectors.Generator.Reading.SchemaReader", throwOnError: true)!;
        AssertSameKeys(Field(schemaReader, "SchemaKeys"), Def(schema, "schema")["properties"]!, "schema");
    }

    [Fact]
    public void Schema_AllowsExactlyTheValuesOfTheCanonicalReader()
    {
        var schema = LoadSchema();
        var reader = CanonicalReaderType();

        AssertSameValues(Names(reader, "ConnectorKinds"), schema["properties"]!["type"]!, "connector type");
        AssertSameValues(Names(reader, "AuthKinds"), Def(schema, "auth_method")["properties"]!["type"]!, "auth type");
        AssertSameValues(Names(reader, "Locations"), Def(schema, "auth_method")["properties"]!["in"]!, "API key location");
        AssertSameValues(Names(reader, "InputTypes"), Def(schema, "field")["properties"]!["input_type"]!, "input type");
        AssertSameValues(
            Names(reader, "ClientAuthentications"),
            Def(schema, "oauth")["properties"]!["client_authentication"]!,
            "client authentication"
        );
        AssertSameValues(Names(reader, "ParameterLocations"), Def(schema, "parameter")["properties"]!["in"]!, "parameter location");
        AssertSameValues(Names(reader, "ResponseKinds"), Def(schema, "endpoint")["properties"]!["response_type"]!, "response type");

        // HTTP methods are case-insensitive; the schema lists the lower- and upper-case spellings.
        var methods = Def(schema, "endpoint")["properties"]!["method"]!["enum"]!.AsArray().Select(v => (string)v!).ToList();
        Assert.Equal(
            Names(reader, "HttpMethods").SelectMany(m => new[] { m, m.ToUpperInvariant() }).Order(StringComparer.Ordinal),
            methods.Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public void Schema_IsDraft202012()
    {
        var schema = LoadSchema();
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)schema["$schema"]);
        Assert.Contains("name", schema["required"]!.AsArray().Select(v => (string?)v));
        Assert.NotNull(schema["properties"]!["$schema"]);
    }

    private static JsonNode LoadSchema() => JsonNode.Parse(File.ReadAllText(Path.Combine(Dotnet.RepoRoot, "connector.schema.json")))!;

    private static JsonNode Def(JsonNode schema, string name) =>
        schema["$defs"]![name] ?? throw new InvalidOperationException("no $defs/" + name);

    private static Type CanonicalReaderType() =>
        typeof(ConnectorGenerator).Assembly.GetType("TypedConnectors.Generator.Reading.Canonical.CanonicalReader", throwOnError: true)!;

    private static IEnumerable<string> Field(Type type, string name) =>
        (IEnumerable<string>)(
            type.GetField(name, BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(null)
            ?? throw new InvalidOperationException(type.Name + "." + name + " not found")
        );

    /// <summary>The names of a <c>(string Name, T Value)[]</c> table.</summary>
    private static IEnumerable<string> Names(Type type, string name)
    {
        var table = (IEnumerable)(
            type.GetField(name, BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(null)
            ?? throw new InvalidOperationException(type.Name + "." + name + " not found")
        );
        foreach (var tuple in table)
        {
            yield return (string)tuple.GetType().GetField("Item1")!.GetValue(tuple)!;
        }
    }

    private static void AssertSameKeys(IEnumerable<string> readerKeys, JsonNode properties, string what)
    {
        var schemaKeys = properties
            .AsObject()
            .Select(p => p.Key)
            .Where(k => k is not "$comment" and not "$schema")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(
            readerKeys.Order(StringComparer.Ordinal).SequenceEqual(schemaKeys),
            $"{what}: reader keys [{string.Join(", ", readerKeys.Order(StringComparer.Ordinal))}] but schema keys [{string.Join(", ", schemaKeys)}]"
        );
    }

    private static void AssertSameValues(IEnumerable<string> readerValues, JsonNode property, string what)
    {
        var schemaValues = property["enum"]!.AsArray().Select(v => (string)v!).Order(StringComparer.Ordinal).ToList();
        Assert.True(
            readerValues.Distinct().Order(StringComparer.Ordinal).SequenceEqual(schemaValues),
            $"{what}: reader values [{string.Join(", ", readerValues)}] but schema values [{string.Join(", ", schemaValues)}]"
        );
    }

    /// <summary>The first fenced code block of a language in a markdown text.</summary>
    private static string CodeBlock(string markdown, string language)
    {
        var match = Regex.Match(
            markdown.Replace("\r\n", "\n", StringComparison.Ordinal),
            "```" + language + "\n(.*?)\n```",
            RegexOptions.Singleline
        );
        Assert.True(match.Success, "no ```" + language + " block found");
        return match.Groups[1].Value;
    }
}
