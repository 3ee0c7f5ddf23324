using System.Reflection;
using TypedConnectors.Testing;

namespace DialectTests.Infrastructure;

/// <summary>The platform example payloads in ../shared/seed-examples (read-only; never copied or edited).</summary>
public static class Seeds
{
    public static readonly string[] ScalekitFiles =
    {
        "scalekit-api-key-mcp.json",
        "scalekit-apify-mcp-bearer.json",
        "scalekit-asana-oauth.json",
        "scalekit-attention-api-key.json",
        "scalekit-bearer-token.json",
        "scalekit-freshdesk-basic-domain.json",
        "scalekit-github-mcp-oauth.json",
        "scalekit-internal-mcp-basic.json",
    };

    public static readonly string[] DatabarFiles = { "databar-enrichment.json", "databar-simple-get.json" };

    /// <summary>The folder, from the path the build passes in (Directory.Build.props' SharedDir), else found by walking up.</summary>
    public static string Directory { get; } = Locate();

    public static string PathOf(string fileName) => System.IO.Path.Combine(Directory, fileName);

    public static string Text(string fileName) => File.ReadAllText(PathOf(fileName));

    /// <summary>The seed as an AdditionalFile with the dialect metadata a project would give a *.json payload.</summary>
    public static InputFile Input(string fileName) =>
        new(PathOf(fileName), Text(fileName), new Dictionary<string, string> { ["TypedConnectorsDialect"] = DialectOf(fileName) });

    public static string DialectOf(string fileName) => fileName.StartsWith("scalekit-", StringComparison.Ordinal) ? "scalekit" : "databar";

    private static string Locate()
    {
        var configured = typeof(Seeds)
            .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SeedExamplesDir")
            ?.Value;
        if (!string.IsNullOrEmpty(configured) && System.IO.Directory.Exists(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "seed-examples");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/seed-examples was not found above " + AppContext.BaseDirectory);
    }
}
