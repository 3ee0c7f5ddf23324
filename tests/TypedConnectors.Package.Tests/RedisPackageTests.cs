using System.IO.Compression;
using System.Xml.Linq;
using TypedConnectors.Package.Tests.Infrastructure;

namespace TypedConnectors.Package.Tests;

/// <summary>
/// The optional TypedConnectors.Redis package: its own assembly and docs only (the runtime ships in TypedConnectors),
/// depending on TypedConnectors of the same version — generator included — and on the pinned StackExchange.Redis.
/// </summary>
[Trait("Category", "Package")]
public sealed class RedisPackageTests
{
    [Fact]
    public async Task RedisPackage_HoldsItsAssemblyAndDependsOnTypedConnectorsAndStackExchangeRedis()
    {
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var root = Dotnet.CreateTempDirectory("tc-redis-package");
        try
        {
            var feed = Path.Combine(root, "feed");
            var result = await Dotnet.RunAsync(
                Dotnet.RepoRoot,
                TimeSpan.FromMinutes(4),
                "pack",
                Path.Combine(Dotnet.RepoRoot, "src", "TypedConnectors.Redis", "TypedConnectors.Redis.csproj"),
                "-c",
                "Release",
                "-o",
                feed,
                "--artifacts-path",
                Path.Combine(root, "artifacts"),
                "-p:Version=" + version,
                "--disable-build-servers",
                "-nodeReuse:false"
            );
            Assert.True(result.ExitCode == 0, "dotnet pack failed: " + result);
            var package = Path.Combine(feed, $"TypedConnectors.Redis.{version}.nupkg");
            Assert.True(File.Exists(package), "no package at " + package + ": " + result);

            using var zip = ZipFile.OpenRead(package);
            var entries = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(
                ["lib/net8.0/TypedConnectors.Redis.dll", "lib/net8.0/TypedConnectors.Redis.xml"],
                entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            );
            Assert.DoesNotContain(
                entries,
                e => e.StartsWith("analyzers/", StringComparison.Ordinal) || e.StartsWith("build", StringComparison.Ordinal)
            );
            Assert.Contains("README.md", entries);

            using var nuspecStream = zip.GetEntry("TypedConnectors.Redis.nuspec")!.Open();
            var nuspec = XDocument.Load(nuspecStream);
            Assert.Equal("TypedConnectors.Redis", nuspec.Descendants().Single(e => e.Name.LocalName == "id").Value);
            var dependencies = nuspec
                .Descendants()
                .Where(e => e.Name.LocalName == "dependency")
                .ToDictionary(e => (string)e.Attribute("id")!, e => e, StringComparer.Ordinal);
            Assert.Equal(["StackExchange.Redis", "TypedConnectors"], dependencies.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(version, (string?)dependencies["TypedConnectors"].Attribute("version"));

            // TypedConnectors brings the generator and its build files, so they must not be excluded from the dependency.
            var excluded = (string?)dependencies["TypedConnectors"].Attribute("exclude") ?? "";
            Assert.DoesNotContain("Analyzers", excluded, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Build", excluded, StringComparison.OrdinalIgnoreCase);

            var pinned = XDocument
                .Load(Path.Combine(Dotnet.RepoRoot, "Directory.Packages.props"))
                .Descendants("PackageVersion")
                .Single(e => (string?)e.Attribute("Include") == "StackExchange.Redis");
            Assert.Equal((string?)pinned.Attribute("Version"), (string?)dependencies["StackExchange.Redis"].Attribute("version"));
        }
        finally
        {
            Dotnet.TryDeleteDirectory(root);
        }
    }
}
