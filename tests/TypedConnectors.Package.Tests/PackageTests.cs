using System.IO.Compression;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using TypedConnectors.Package.Tests.Infrastructure;
using TypedConnectors.Testing;

namespace TypedConnectors.Package.Tests;

/// <summary>
/// The promise of the package: a project outside this repository that adds only the TypedConnectors package and a
/// connector file gets a typed client that builds without warnings and makes a real call.
/// </summary>
[Trait("Category", "Package")]
public sealed class PackageTests
{
    private const string ApiKey = "pkg-test-key-5b1f";
    private const string Marker = "TYPED-CONNECTORS-PACKAGE-OK";

    [Fact]
    public async Task PackedPackage_WorksInAFreshProjectOutsideTheRepository()
    {
        // A version no earlier run used, so restore can never pick a stale copy from the global packages folder.
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var root = Dotnet.CreateTempDirectory("tc-package");
        try
        {
            var feed = Path.Combine(root, "feed");
            var package = await PackAsync(root, feed, version);
            AssertLayout(package);

            await using var server = await LoopbackServer.StartAsync(
                async (context, request) =>
                {
                    var authorized = request.Header("X-Api-Key") == ApiKey;
                    context.Response.StatusCode = authorized ? 200 : 401;
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(
                        authorized ? """{"message":"hello, package","count":3}""" : """{"error":"bad key"}"""
                    );
                }
            );

            var app = Path.Combine(root, "app");
            WriteConsumer(app, feed, version, server.BaseAddress);

            var build = await Dotnet.RunAsync(
                app,
                TimeSpan.FromMinutes(4),
                "build",
                "-c",
                "Release",
                "-warnaserror",
                "--disable-build-servers",
                "-nodeReuse:false"
            );
            Assert.True(build.ExitCode == 0, "consumer build failed: " + build);
            Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);

            var run = await Dotnet.RunAsync(
                app,
                TimeSpan.FromMinutes(1),
                Path.Combine(app, "bin", "Release", "net10.0", "PackageConsumer.dll"),
                ApiKey
            );
            Assert.True(run.ExitCode == 0, "consumer run failed: " + run);
            Assert.Contains(Marker + " hello, package x3", run.Output, StringComparison.Ordinal);

            var received = server.Single();
            Assert.Equal("GET", received.Method);
            Assert.Equal("/v1/greetings/package", received.Path);
            Assert.Equal("?excited=true", received.QueryString);
            Assert.Equal(ApiKey, received.Header("X-Api-Key"));
        }
        finally
        {
            Dotnet.TryDeleteDirectory(root);
            RemoveFromGlobalPackagesFolder(version);
        }
    }

    private static async Task<string> PackAsync(string root, string feed, string version)
    {
        // Built in a separate artifacts folder: the solution build may be using the repository's bin/obj right now.
        var result = await Dotnet.RunAsync(
            Dotnet.RepoRoot,
            TimeSpan.FromMinutes(4),
            "pack",
            Path.Combine(Dotnet.RepoRoot, "src", "TypedConnectors", "TypedConnectors.csproj"),
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
        var package = Path.Combine(feed, $"TypedConnectors.{version}.nupkg");
        Assert.True(File.Exists(package), "no package at " + package + ": " + result);
        return package;
    }

    private static void AssertLayout(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("lib/net8.0/TypedConnectors.Runtime.dll", entries);
        Assert.Contains("lib/net8.0/TypedConnectors.Runtime.xml", entries);
        Assert.Contains("buildTransitive/TypedConnectors.props", entries);
        Assert.Contains("buildTransitive/TypedConnectors.targets", entries);
        Assert.Contains("build/TypedConnectors.props", entries);
        Assert.Contains("build/TypedConnectors.targets", entries);
        Assert.Contains("connector.schema.json", entries);

        // The generator and every dll its project says must travel with it into the compiler.
        Assert.Contains("analyzers/dotnet/cs/TypedConnectors.Generator.dll", entries);
        var bundled = BundledAnalyzerDependencies();
        Assert.Contains("Microsoft.OpenApi.dll", bundled);
        Assert.Contains("YamlDotNet.dll", bundled);
        foreach (var dll in bundled)
        {
            Assert.Contains("analyzers/dotnet/cs/" + dll, entries);
        }

        // Nothing else in lib/ or analyzers/: the package's own empty assembly and stray dependencies stay out.
        Assert.Equal(
            bundled.Append("TypedConnectors.Generator.dll").Order(StringComparer.Ordinal),
            entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)).Select(Path.GetFileName).Order(StringComparer.Ordinal)
        );
        Assert.Equal(2, entries.Count(e => e.StartsWith("lib/", StringComparison.Ordinal)));

        // The package depends on exactly what the runtime references.
        using var nuspecStream = zip.GetEntry("TypedConnectors.nuspec")!.Open();
        var nuspec = XDocument.Load(nuspecStream);
        var dependencies = nuspec
            .Descendants()
            .Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string)e.Attribute("id")!)
            .Order(StringComparer.Ordinal)
            .ToList();
        // Build-only references (analyzers with PrivateAssets="all") are not dependencies of the package.
        var runtimeReferences = XDocument
            .Load(Path.Combine(Dotnet.RepoRoot, "src", "TypedConnectors.Runtime", "TypedConnectors.Runtime.csproj"))
            .Descendants("PackageReference")
            .Where(e => (string?)e.Attribute("PrivateAssets") != "all")
            .Select(e => (string?)e.Attribute("Include"))
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("Microsoft.Extensions.Logging.Abstractions", dependencies);
        Assert.Equal(runtimeReferences, dependencies);
    }

    /// <summary>File names of the BundledAnalyzerDependency items in the generator project.</summary>
    private static List<string> BundledAnalyzerDependencies() =>
        ProjectItems(Path.Combine("src", "TypedConnectors.Generator", "TypedConnectors.Generator.csproj"), "BundledAnalyzerDependency")
            .Select(include => include.Replace('\\', '/').Split('/')[^1])
            .ToList();

    private static IEnumerable<string> ProjectItems(string relativePath, string itemType) =>
        XDocument
            .Load(Path.Combine(Dotnet.RepoRoot, relativePath))
            .Descendants(itemType)
            .Select(e => (string?)e.Attribute("Include"))
            .OfType<string>();

    private static void WriteConsumer(string app, string feed, string version, Uri serverBase)
    {
        Directory.CreateDirectory(app);

        // Stop MSBuild from looking further up the temp folder for build files.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />\n");

        File.WriteAllText(
            Path.Combine(app, "nuget.config"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """
        );

        // Only the package: no AdditionalFiles item, the package's build files pick up the connector file.
        File.WriteAllText(
            Path.Combine(app, "PackageConsumer.csproj"),
            $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
                <NoWarn>$(NoWarn);CS1591</NoWarn>
                <!-- This test is about the package, not about advisories for its dependencies. -->
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TypedConnectors" Version="{version}" />
              </ItemGroup>
            </Project>
            """
        );

        Directory.CreateDirectory(Path.Combine(app, "connectors"));
        File.WriteAllText(
            Path.Combine(app, "connectors", "greeter.connector.json"),
            $$"""
            {
              "format_version": 1,
              "name": "Greeter",
              "description": "Says hello.",
              "base_url": "{{serverBase}}v1",
              "auth": [ { "type": "api_key", "header": "X-Api-Key", "fields": [ { "field_name": "api_key", "input_type": "password" } ] } ],
              "rate_limit": 600,
              "endpoints": [
                {
                  "name": "get_greeting",
                  "summary": "Greets someone.",
                  "method": "get",
                  "path": "/greetings/{name}",
                  "parameters": [
                    { "name": "name", "in": "path" },
                    { "name": "excited", "in": "query", "type": "boolean", "default": false }
                  ],
                  "response": {
                    "type": "object",
                    "required": [ "message", "count" ],
                    "properties": { "message": { "type": "string" }, "count": { "type": "integer" } }
                  }
                }
              ]
            }
            """
        );

        File.WriteAllText(
            Path.Combine(app, "Program.cs"),
            $$"""
            using PackageConsumer.Greeter;

            var connection = GreeterConnection.Create(apiKey: args[0]);
            using var client = new GreeterClient(connection);
            GetGreetingResponse greeting = await client.GetGreetingAsync("package", excited: true);
            Console.WriteLine($"{{Marker}} {greeting.Message} x{greeting.Count}");
            """
        );
    }

    private static void RemoveFromGlobalPackagesFolder(string version)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        Dotnet.TryDeleteDirectory(Path.Combine(packages, "typedconnectors", version));
    }
}
