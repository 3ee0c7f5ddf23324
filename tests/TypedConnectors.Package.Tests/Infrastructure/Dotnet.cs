using System.Diagnostics;
using System.Reflection;
using System.Text;
using TypedConnectors.Testing;

namespace TypedConnectors.Package.Tests.Infrastructure;

/// <summary>The output of one child process.</summary>
public sealed record ProcessResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"exit code {ExitCode} after {Elapsed.TotalSeconds:0.0}s\n{Output}";
}

/// <summary>Runs the dotnet CLI (and built apps) as child processes, bounded in time, isolated from the test host's MSBuild state.</summary>
public static class Dotnet
{
    /// <summary>The repository root (the directory holding Generators.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The configuration these tests were built in, so the sample is run from the matching output folder.</summary>
    public static string Configuration { get; } =
        typeof(Dotnet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

    private static string Executable =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static Task<ProcessResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunAsync(workingDirectory, timeout, null, arguments);

    public static async Task<ProcessResult> RunAsync(
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment,
        params string[] arguments
    )
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host may run under MSBuild (dotnet test); its MSBuild variables would point a child build at the
        // wrong SDK pieces. Build servers and node reuse would outlive the test and keep its output pipes open.
        foreach (
            var name in start
                .Environment.Keys.Where(k =>
                    k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                    || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                )
                .ToList()
        )
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }

        var output = new StringBuilder();
        void Append(string line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.Start();
        // Builds, packs and the native AOT publish run beside timing-sensitive tests of other projects (the Redis throughput
        // test measures wall-clock windows): at a lower priority (inherited by MSBuild and the native compiler) they take the
        // cores those tests leave.
        try
        {
            process.PriorityClass = ProcessPriorityClass.BelowNormal;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or PlatformNotSupportedException)
        {
            // The process already ended, or the platform does not allow it: the build still runs, at normal priority.
        }
        process.StandardInput.Close();

        // On threads of their own, not two blocked thread-pool threads per child for as long as it runs.
        var pumped = Task.WhenAll(
            OutputPump.Start(process.StandardOutput, Append, "dotnet stdout"),
            OutputPump.Start(process.StandardError, Append, "dotnet stderr")
        );

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            await pumped.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            try
            {
                await pumped.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                // A grandchild still holds the pipes open: the output read so far goes into the message.
            }

            lock (output)
            {
                throw new TimeoutException(
                    $"'dotnet {string.Join(' ', arguments)}' did not finish within {timeout.TotalSeconds:0}s:\n{output}"
                );
            }
        }

        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString(), stopwatch.Elapsed);
        }
    }

    /// <summary>A fresh directory under the system temp folder, outside the repository.</summary>
    public static string CreateTempDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is not a test failure.
        }
        catch (UnauthorizedAccessException) { }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Generators.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Generators.sln not found above " + AppContext.BaseDirectory);
    }
}
