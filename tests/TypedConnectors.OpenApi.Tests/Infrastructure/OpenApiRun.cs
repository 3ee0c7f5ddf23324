using Microsoft.CodeAnalysis;
using TypedConnectors.Generator;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Reading;
using TypedConnectors.Generator.Reading.OpenApi;
using TypedConnectors.Testing;

namespace OpenApiTests.Infrastructure;

/// <summary>Helpers to run the generator over OpenAPI documents and look at what came out.</summary>
public static class OpenApiRun
{
    public static readonly IReadOnlyDictionary<string, string> OpenApiDialect = new Dictionary<string, string>
    {
        ["TypedConnectorsDialect"] = "openapi",
    };

    /// <summary>The generator over one document, compiled.</summary>
    public static GeneratorRun Generate(string path, string text, bool withHttpClientFactory = false) =>
        GeneratorHarness.Run(new[] { new InputFile(path, text, OpenApiDialect) }, "TestApp", withHttpClientFactory);

    /// <summary>
    /// Every diagnostic reading produces (the generator reports the errors, the analyzer the rest), for documents
    /// that may refer to the other <paramref name="files"/>.
    /// </summary>
    internal static List<DiagnosticInfo> Read(string path, string text, params InputFile[] files)
    {
        var input = new ConnectorInput(path, text, ConnectorInputs.IsConnectorFileName(path) ? null : "openapi", null, null);
        var documents = DocumentSet.Create(files.Select(f => new DocumentText(f.Path, f.Text)).Append(new DocumentText(path, text)));
        return ConnectorPipeline
            .Run(input, new GeneratorSettings("TestApp", false, false), CancellationToken.None, documents, microsoftOpenApiValidation: true)
            .Diagnostics.ToList();
    }

    /// <summary>The public async methods of the generated clients (the main client and its operation groups) — one per operation.</summary>
    public static List<IMethodSymbol> ClientMethods(GeneratorRun run) => run.ClientMethods();
}
