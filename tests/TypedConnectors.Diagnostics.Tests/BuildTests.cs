using System.Diagnostics;

namespace TypedConnectors.Diagnostics.Tests;

/// <summary>
/// One real <c>dotnet build</c> of a small consumer project (BuildFixture/) that references the generator the way an
/// in-repo project does — ProjectReference with OutputItemType="Analyzer" — and contains a broken connector file next
/// to valid ones (JSON and an OpenAPI YAML document, which needs the bundled YamlDotNet and Microsoft.OpenApi).
/// </summary>
public class BuildTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Dotnet_build_shows_connector_diagnostics_at_their_line_and_column()
    {
        var project = Path.Combine(Path.GetTempPath(), "tc-build-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "BuildFixture"), project);
        Directory.CreateDirectory(Path.Combine(project, "empty-feed"));
        try
        {
            var (exitCode, log) = Build(project, "Consumer.csproj");
            output.WriteLine(log);
            var file = Path.Combine(project, "Connectors", "crm.connector.json");
            var lines = log.Split('\n').Select(l => l.Trim()).ToList();

            Assert.NotEqual(0, exitCode);

            // The generator's error, at the '{deal_id}' placeholder (line 19, column 47), with its help link.
            Assert.Contains(
                lines,
                l =>
                    l.StartsWith(
                        file
                            + "(19,47): error TC0014: The path contains '{deal_id}' but no parameter 'deal_id' with \"in\": \"path\" is declared (https://",
                        StringComparison.Ordinal
                    )
            );

            // The unknown key, an error in a connector file, with the suggestion, in the same build as the other error.
            Assert.Contains(
                lines,
                l =>
                    l.StartsWith(
                        file + "(4,3): error TC0036: 'descripton' is not a known key of a connector; did you mean 'description'?",
                        StringComparison.Ordinal
                    )
            );

            // The analyzer's warnings are shown although the file has errors.
            Assert.Contains(lines, l => l.StartsWith(file + "(25,50): warning TC0021: ", StringComparison.Ordinal));

            // .globalconfig severities: TC0008 raised to an error, TC0010 switched off.
            Assert.Contains(lines, l => l.StartsWith(file + "(5,15): error TC0008: ", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("TC0010", StringComparison.Ordinal));

            // The generator and analyzer loaded with their bundled dependencies and never failed; the valid files'
            // clients (used by Program.cs) were generated and compiled.
            Assert.DoesNotContain(
                lines,
                l =>
                    l.Contains("CS8784", StringComparison.Ordinal)
                    || l.Contains("CS8785", StringComparison.Ordinal)
                    || l.Contains("AD0001", StringComparison.Ordinal)
                    || l.Contains("CS8032", StringComparison.Ordinal)
                    || l.Contains("TC0024", StringComparison.Ordinal)
            );
            Assert.DoesNotContain(
                lines,
                l => l.Contains(": error CS", StringComparison.Ordinal) || l.Contains(": warning CS", StringComparison.Ordinal)
            );
            Assert.DoesNotContain(
                lines,
                l =>
                    l.Contains("billing.connector.json", StringComparison.Ordinal)
                    || l.Contains("inventory.openapi.yaml", StringComparison.Ordinal)
            );
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    /// <summary>
    /// The QuickStart sample, copied as it is (project, code, connector files) next to build files that import the
    /// repository's, plus one connector file with the kind of mistake a user makes: a misspelt HTTP method.
    /// </summary>
    [Fact]
    public void Sample_project_with_a_broken_connector_file_shows_the_error_at_its_line_and_column_and_nothing_else_breaks()
    {
        var root = Path.Combine(Path.GetTempPath(), "tc-sample-" + Guid.NewGuid().ToString("N"));
        var project = Path.Combine(root, "QuickStart");
        var sample = Path.Combine(Repo.Root, "samples", "QuickStart");
        foreach (
            var file in Directory
                .GetFiles(sample, "*", SearchOption.AllDirectories)
                .Where(f =>
                    !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    && !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                )
        )
        {
            var target = Path.Combine(project, Path.GetRelativePath(sample, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.WriteAllText(
            Path.Combine(root, "Directory.Build.props"),
            $"""
            <Project>
              <PropertyGroup><DirectoryPackagesPropsPath>{Repo.Root}/Directory.Packages.props</DirectoryPackagesPropsPath></PropertyGroup>
              <Import Project="{Repo.Root}/Directory.Build.props" />
            </Project>
            """
        );
        File.WriteAllText(
            Path.Combine(root, "Directory.Build.targets"),
            $"""<Project><Import Project="{Repo.Root}/Directory.Build.targets" /></Project>"""
        );
        var broken = Path.Combine(project, "Connectors", "orders.connector.json");
        File.WriteAllText(
            broken,
            """
            {
              "format_version": 1,
              "name": "Orders",
              "base_url": "https://orders.example.com/api",
              "endpoints": [
                {
                  "name": "list_orders",
                  "method": "gte",
                  "path": "/orders"
                }
              ]
            }
            """
        );
        try
        {
            var (exitCode, log) = Build(project, "QuickStart.csproj");
            output.WriteLine(log);
            var lines = log.Split('\n').Select(l => l.Trim()).ToList();

            Assert.NotEqual(0, exitCode);
            Assert.Contains(
                lines,
                l =>
                    l.StartsWith(
                        broken
                            + "(8,17): error TC0006: 'gte' is not a valid HTTP method; use one of: get, post, put, patch, delete, head, options",
                        StringComparison.Ordinal
                    )
            );

            // Only that file failed: the sample's own connectors generated and its code compiled against them.
            Assert.Single(lines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct());
            Assert.DoesNotContain(
                lines,
                l =>
                    l.Contains(": error CS", StringComparison.Ordinal)
                    || l.Contains("AD0001", StringComparison.Ordinal)
                    || l.Contains("CS8785", StringComparison.Ordinal)
            );
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Configuration =>
        typeof(BuildTests)
            .Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>()
            .FirstOrDefault()
            ?.Configuration
        ?? "Release";

    private static (int ExitCode, string Log) Build(string project, string projectFile)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (
            var argument in new[]
            {
                // The configuration the tests were built in, so the generator and runtime projects are already up to date.
                "build",
                projectFile,
                "-c",
                Configuration,
                "-nologo",
                "-clp:NoSummary",
                "--disable-build-servers",
                "-nodeReuse:false",
                "-p:TypedConnectorsRepo=" + Repo.Root,
            }
        )
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under MSBuild-related variables of its own; the nested build must not inherit them.
        foreach (
            var name in start
                .Environment.Keys.Where(k =>
                    k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                    || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                )
                .ToList()
        )
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet build did not finish in 5 minutes:\n" + stdout);
        }

        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }
}
