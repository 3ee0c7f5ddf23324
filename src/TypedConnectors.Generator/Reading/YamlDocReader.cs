using TypedConnectors.Generator.Diagnostics;

namespace TypedConnectors.Generator.Reading;

/// <summary>Reads YAML text into a <see cref="DocNode"/> tree with character positions.</summary>
internal static class YamlDocReader
{
    public static DocNode? Read(SourceFile file, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        // Replaced by the YamlDotNet-based reader that the OpenAPI import brings.
        cancellationToken.ThrowIfCancellationRequested();
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MalformedDocument, file.WholeFile(), "YAML", "YAML input is not supported yet"));
        return null;
    }
}
