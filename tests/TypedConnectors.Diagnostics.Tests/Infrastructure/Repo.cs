using System.Reflection;
using Microsoft.CodeAnalysis;
using TypedConnectors.Generator;
using TypedConnectors.Testing;

namespace TypedConnectors.Diagnostics.Tests;

/// <summary>Files of the repository and the shared folder beside it, found by walking up from the test binaries.</summary>
public static class Repo
{
    public static string Root { get; } = FindUp("Generators.sln", isFile: true);

    /// <summary>The real platform payloads (CI clones the repository with shared/ beside it).</summary>
    public static string SeedExamples { get; } =
        Path.Combine(FindUp(Path.Combine("shared", "seed-examples"), isFile: false), "shared", "seed-examples");

    public static string DiagnosticsDocs => Path.Combine(Root, "docs", "diagnostics");

    public static string GeneratorProject => Path.Combine(Root, "src", "TypedConnectors.Generator");

    /// <summary>Every seed example as a connector input, named so the generator picks it up and reads it by its shape.</summary>
    public static IReadOnlyList<InputFile> Seeds() =>
        Directory
            .GetFiles(SeedExamples)
            .Where(p =>
                p.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                || p.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
                || p.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            )
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => new InputFile("/project/Connectors/" + SeedName(p), File.ReadAllText(p)))
            .ToList();

    /// <summary><c>databar-enrichment.json</c> → <c>databar-enrichment.connector.json</c>.</summary>
    public static string SeedName(string path)
    {
        var name = Path.GetFileName(path);
        var extension = Path.GetExtension(name);
        var stem = Path.GetFileNameWithoutExtension(name);
        return stem + ".connector" + extension;
    }

    /// <summary>All descriptors the generator assembly declares (the descriptors class is internal; tests read it by reflection).</summary>
    public static IReadOnlyList<DiagnosticDescriptor> Descriptors()
    {
        var type = typeof(ConnectorGenerator).Assembly.GetType(
            "TypedConnectors.Generator.Diagnostics.DiagnosticDescriptors",
            throwOnError: true
        )!;
        // Every: the descriptors declared in DiagnosticDescriptors and those the registered operation features declare.
        var every =
            (IEnumerable<DiagnosticDescriptor>)type.GetProperty("Every", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var fields = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);
        var list = every.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        Assert.All(fields, f => Assert.Contains(f, list));
        return list;
    }

    private static string FindUp(string relative, bool isFile)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (isFile ? File.Exists(candidate) : Directory.Exists(candidate))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("No folder above " + AppContext.BaseDirectory + " contains " + relative);
    }
}
