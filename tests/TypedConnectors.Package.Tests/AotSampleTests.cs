using System.Diagnostics;
using System.Text.RegularExpressions;
using TypedConnectors.Package.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedConnectors.Package.Tests;

/// <summary>
/// A generated client in a native AOT app: samples/AotSample is published with PublishAot for linux-x64 (needs clang and
/// zlib1g-dev), with no trimming or AOT warning, and the native binary makes its calls and exits 0.
/// </summary>
[Trait("Category", "Package")]
public sealed partial class AotSampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AotSample_PublishesNativeWithoutWarningsAndItsCallsSucceed()
    {
        var project = Path.Combine(Dotnet.RepoRoot, "samples", "AotSample", "AotSample.csproj");
        var publishDirectory = Dotnet.CreateTempDirectory("tc-aot");

        // A fresh compile and native compile, so every trimming/AOT warning is reported again rather than skipped as up to date.
        Dotnet.TryDeleteDirectory(Path.Combine(Dotnet.RepoRoot, "samples", "AotSample", "obj", "Release", "net10.0", "linux-x64"));
        try
        {
            var publish = await Dotnet.RunAsync(
                Dotnet.RepoRoot,
                TimeSpan.FromMinutes(15),
                "publish",
                project,
                "-c",
                "Release",
                "-r",
                "linux-x64",
                "-p:PublishAot=true",
                "-o",
                publishDirectory,
                "-clp:NoSummary"
            );
            Report($"[timing] dotnet publish -p:PublishAot=true (linux-x64): {publish.Elapsed.TotalSeconds:0.0} s");
            Assert.True(publish.ExitCode == 0, "publish failed: " + publish);

            var warnings = AotWarning().Matches(publish.Output).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
            Assert.True(warnings.Count == 0, "trimming/AOT warnings:\n" + string.Join("\n", warnings) + "\n" + publish.Output);

            var binary = Path.Combine(publishDirectory, "AotSample");
            Assert.True(File.Exists(binary), "no native binary at " + binary);
            Assert.False(File.Exists(Path.Combine(publishDirectory, "AotSample.dll")), "the publish output is not native");

            var stopwatch = Stopwatch.StartNew();
            var run = await RunAsync(binary, TimeSpan.FromMinutes(1));
            Report($"[timing] native AotSample run: {stopwatch.Elapsed.TotalSeconds:0.00} s");
            output.WriteLine(run.Output);
            Assert.True(run.ExitCode == 0, "the native sample failed: " + run);
            Assert.DoesNotContain("FAILED", run.Output, StringComparison.Ordinal);
            foreach (
                var call in new[]
                {
                    "GetItemAsync(1)",
                    "GetItemAsync(2)",
                    "ListItemsAsync",
                    "CreateItemAsync",
                    "GetItemAsync(404)",
                    "request body",
                }
            )
            {
                Assert.Contains("[ok] " + call, run.Output, StringComparison.Ordinal);
            }

            Assert.Contains("all calls succeeded", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            Dotnet.TryDeleteDirectory(publishDirectory);
        }
    }

    /// <summary>Timings go to the test's output and to the console, where a CI log shows them.</summary>
    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private static async Task<ProcessResult> RunAsync(string executable, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the native sample did not finish within " + timeout.TotalSeconds + " s");
        }

        return new ProcessResult(process.ExitCode, await stdout + await stderr, stopwatch.Elapsed);
    }

    /// <summary>ILLink (IL2xxx) and ILCompiler (IL3xxx) warnings, as MSBuild prints them.</summary>
    [GeneratedRegex(@"warning IL[23]\d{3}[^\r\n]*")]
    private static partial Regex AotWarning();
}
