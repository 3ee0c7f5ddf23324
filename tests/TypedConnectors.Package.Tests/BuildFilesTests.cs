using System.Text.Json.Nodes;
using TypedConnectors.Package.Tests.Infrastructure;

namespace TypedConnectors.Package.Tests;

/// <summary>
/// The package's build files (src/TypedConnectors/buildTransitive) as MSBuild evaluates them in a project: connector
/// files become AdditionalFiles once, bin/obj are skipped, files the project lists keep their metadata, and the
/// default can be turned off.
/// </summary>
[Trait("Category", "Package")]
public sealed class BuildFilesTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DefaultItems_AddConnectorFilesOnce_SkipBinObj_AndCanBeTurnedOff(bool enabled)
    {
        var dir = Dotnet.CreateTempDirectory("tc-buildfiles");
        try
        {
            var buildFiles = Path.Combine(Dotnet.RepoRoot, "src", "TypedConnectors", "buildTransitive");
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />\n");
            foreach (
                var file in new[]
                {
                    "listed.connector.json",
                    "sub/found.connector.yaml",
                    "api/pets.openapi.yml",
                    "api/legacy.swagger.json",
                    "bin/Debug/copy.connector.json",
                    "obj/x.openapi.json",
                    "notes.json",
                }
            )
            {
                var path = Path.Combine(dir, file);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, "{}");
            }

            // Imported the way NuGet imports a package's props (before the project body) and targets (after it).
            File.WriteAllText(
                Path.Combine(dir, "consumer.csproj"),
                $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <Import Project="{buildFiles}/TypedConnectors.props" />
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    {(enabled ? "" : "<TypedConnectorsEnableDefaultItems>false</TypedConnectorsEnableDefaultItems>")}
                  </PropertyGroup>
                  <ItemGroup>
                    <AdditionalFiles Include="./listed.connector.json" TypedConnectorsNamespace="Custom.Ns" />
                  </ItemGroup>
                  <Import Project="{buildFiles}/TypedConnectors.targets" />
                </Project>
                """
            );

            var result = await Dotnet.RunAsync(
                dir,
                TimeSpan.FromMinutes(2),
                "msbuild",
                "consumer.csproj",
                "-getItem:AdditionalFiles",
                "-getItem:CompilerVisibleItemMetadata",
                "-getItem:CompilerVisibleProperty",
                "-nodeReuse:false"
            );
            Assert.True(result.ExitCode == 0, result.ToString());
            var json = JsonNode.Parse(result.Output[result.Output.IndexOf('{', StringComparison.Ordinal)..])!;
            var files = json["Items"]!["AdditionalFiles"]!
                .AsArray()
                .Select(i => ((string)i!["FullPath"]!)[(dir.Length + 1)..].Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToList();

            string[] expected = enabled
                ? ["api/legacy.swagger.json", "api/pets.openapi.yml", "listed.connector.json", "sub/found.connector.yaml"]
                : ["listed.connector.json"];
            Assert.Equal(expected, files);

            var listed = json["Items"]!["AdditionalFiles"]!
                .AsArray()
                .Single(i => ((string)i!["FullPath"]!).EndsWith("listed.connector.json", StringComparison.Ordinal))!;
            Assert.Equal("Custom.Ns", (string?)listed["TypedConnectorsNamespace"]);

            var metadata = json["Items"]!["CompilerVisibleItemMetadata"]!
                .AsArray()
                .Where(i => (string?)i!["Identity"] == "AdditionalFiles")
                .Select(i => (string)i!["MetadataName"]!)
                .ToList();
            Assert.Contains("TypedConnectorsDialect", metadata);
            Assert.Contains("TypedConnectorsNamespace", metadata);
            Assert.Contains("TypedConnectorsClientName", metadata);
            Assert.Contains(json["Items"]!["CompilerVisibleProperty"]!.AsArray(), i => (string?)i!["Identity"] == "RootNamespace");
        }
        finally
        {
            Dotnet.TryDeleteDirectory(dir);
        }
    }
}
