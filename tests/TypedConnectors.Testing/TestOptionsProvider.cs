using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TypedConnectors.Testing;

/// <summary>Global build properties plus per-file AdditionalFiles item metadata, as MSBuild passes them to analyzers.</summary>
public sealed class TestOptionsProvider(string rootNamespace, IEnumerable<InputFile> files) : AnalyzerConfigOptionsProvider
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _metadata = files
        .GroupBy(f => f.Path, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);

    public override AnalyzerConfigOptions GlobalOptions { get; } =
        new DictionaryOptions(new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace });

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => DictionaryOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        _metadata.TryGetValue(textFile.Path, out var values)
            ? new DictionaryOptions(values.ToDictionary(kv => "build_metadata.AdditionalFiles." + kv.Key, kv => kv.Value))
            : DictionaryOptions.Empty;

    private sealed class DictionaryOptions(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly DictionaryOptions Empty = new(new Dictionary<string, string>());

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
