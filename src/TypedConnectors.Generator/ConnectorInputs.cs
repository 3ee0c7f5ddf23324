using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Generator;

/// <summary>Decides which AdditionalFiles are connector definitions and reads their item metadata.</summary>
internal static class ConnectorInputs
{
    public const string DialectMetadata = "build_metadata.AdditionalFiles.TypedConnectorsDialect";
    public const string NamespaceMetadata = "build_metadata.AdditionalFiles.TypedConnectorsNamespace";
    public const string ClientNameMetadata = "build_metadata.AdditionalFiles.TypedConnectorsClientName";
    public const string RootNamespaceProperty = "build_property.RootNamespace";

    /// <summary>
    /// <c>false</c> turns off Microsoft.OpenApi's reading and validation of OpenAPI documents in the analyzer (its
    /// findings are warnings); anything else, or unset, leaves it on. The generator never runs it.
    /// </summary>
    public const string OpenApiValidationProperty = "build_property.TypedConnectorsOpenApiValidation";

    /// <summary>Whether the analyzer runs Microsoft.OpenApi's validation (see <see cref="OpenApiValidationProperty"/>).</summary>
    public static bool OpenApiValidation(AnalyzerConfigOptions globalOptions) =>
        !(
            globalOptions.TryGetValue(OpenApiValidationProperty, out var value)
            && string.Equals(value?.Trim(), "false", StringComparison.OrdinalIgnoreCase)
        );

    private static readonly string[] ConnectorSuffixes = { ".connector.json", ".connector.yaml", ".connector.yml" };

    private static readonly string[] OpenApiSuffixes =
    {
        ".openapi.json",
        ".openapi.yaml",
        ".openapi.yml",
        ".swagger.json",
        ".swagger.yaml",
        ".swagger.yml",
    };

    private static readonly string[] DocumentExtensions = { ".json", ".yaml", ".yml" };

    public static bool IsConnectorFileName(string path) => ConnectorSuffixes.Any(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>OpenAPI documents recognised by name (any other name needs <c>TypedConnectorsDialect="openapi"</c>).</summary>
    public static bool IsOpenApiFileName(string path) => OpenApiSuffixes.Any(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>Files a reference (an OpenAPI <c>$ref</c>, a connector's <c>"openapi"</c>) may name.</summary>
    public static bool IsDocumentFileName(string path) => DocumentExtensions.Any(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>The input for a connector file, or null when the file is not one.</summary>
    public static ConnectorInput? Create(AdditionalText file, AnalyzerConfigOptions options, CancellationToken cancellationToken)
    {
        options.TryGetValue(DialectMetadata, out var dialect);
        dialect = string.IsNullOrWhiteSpace(dialect) ? null : dialect!.Trim();
        if (dialect is null && IsOpenApiFileName(file.Path))
        {
            dialect = "openapi";
        }

        if (dialect is null && !IsConnectorFileName(file.Path))
        {
            return null;
        }

        if (string.Equals(dialect, "none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        options.TryGetValue(NamespaceMetadata, out var ns);
        options.TryGetValue(ClientNameMetadata, out var clientName);
        var text = file.GetText(cancellationToken)?.ToString() ?? "";
        return new ConnectorInput(
            file.Path,
            text,
            dialect,
            string.IsNullOrWhiteSpace(ns) ? null : ns,
            string.IsNullOrWhiteSpace(clientName) ? null : clientName
        );
    }
}
