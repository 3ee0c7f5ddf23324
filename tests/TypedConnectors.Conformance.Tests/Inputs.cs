using System.Reflection;
using TypedConnectors.Conformance;
using TypedConnectors.Testing;

namespace ConformanceTests;

/// <summary>The definitions the suite checks: the dev corpus, the platform seed payloads and the repository's own connector files.</summary>
public static class Inputs
{
    private static readonly string[] Extensions = { ".json", ".yaml", ".yml" };

    public static string CorpusDir { get; } = Configured("CorpusDir", "shared/corpus/openapi/dev");

    public static string SeedDir { get; } = Configured("SeedDir", "shared/seed-examples");

    public static string RepoRoot { get; } = Configured("RepoRoot", null);

    public static IReadOnlyList<string> CorpusNames() => DefinitionFiles(CorpusDir).Select(Path.GetFileName).OfType<string>().ToList();

    public static IReadOnlyList<string> SeedNames() => DefinitionFiles(SeedDir).Select(Path.GetFileName).OfType<string>().ToList();

    /// <summary>Connector files the tests and the sample own, relative to the repository root.</summary>
    public static IReadOnlyList<string> OwnedNames()
    {
        var tests = Path.Combine(RepoRoot, "tests");
        var files = Directory
            .GetDirectories(tests)
            .Select(d => Path.Combine(d, "Connectors"))
            .Append(Path.Combine(tests, "TypedConnectors.OpenApi.Tests", "Documents"))
            .Append(Path.Combine(RepoRoot, "samples", "QuickStart", "Connectors"))
            .Where(Directory.Exists)
            .SelectMany(DefinitionFiles);
        return files.Select(f => Path.GetRelativePath(RepoRoot, f).Replace('\\', '/')).OrderBy(f => f, StringComparer.Ordinal).ToList();
    }

    public static ConformanceInput Corpus(string name) => Input("corpus/" + name, Path.Combine(CorpusDir, name));

    public static ConformanceInput Seed(string name) => Input("seeds/" + name, Path.Combine(SeedDir, name));

    public static ConformanceInput Owned(string relative) => Input(relative, Path.Combine(RepoRoot, relative));

    /// <summary>
    /// The definition first, then the other JSON/YAML files of its folder that are not definitions of their own
    /// (documents an overlay or a <c>$ref</c> points into), as a project lists them as AdditionalFiles.
    /// </summary>
    private static ConformanceInput Input(string name, string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        var files = new List<InputFile> { new("/project/" + name, File.ReadAllText(path)) };
        foreach (
            var other in DefinitionFiles(folder)
                .Where(f => f != path && !IsNamedDefinition(f) && Referenced(files[0].Text, Path.GetFileName(f)))
        )
        {
            files.Add(
                new InputFile(
                    "/project/" + Path.GetDirectoryName(name)!.Replace('\\', '/') + "/" + Path.GetFileName(other),
                    File.ReadAllText(other)
                )
            );
        }

        return new ConformanceInput(name, files);
    }

    private static bool Referenced(string text, string fileName) => text.Contains(fileName, StringComparison.Ordinal);

    private static bool IsNamedDefinition(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        return name.Contains(".connector.", StringComparison.Ordinal)
            || name.Contains(".openapi.", StringComparison.Ordinal)
            || name.Contains(".swagger.", StringComparison.Ordinal);
    }

    private static IEnumerable<string> DefinitionFiles(string folder) =>
        Directory
            .GetFiles(folder)
            .Where(f => Extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(f => f, StringComparer.Ordinal);

    private static string Configured(string key, string? fallbackUnderRoot)
    {
        var configured = typeof(Inputs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = fallbackUnderRoot is null ? dir.FullName : Path.Combine(dir.FullName, fallbackUnderRoot);
            if (fallbackUnderRoot is null ? File.Exists(Path.Combine(candidate, "Generators.sln")) : Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(key + " was not found above " + AppContext.BaseDirectory);
    }
}
