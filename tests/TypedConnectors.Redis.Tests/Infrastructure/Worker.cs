using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using TypedConnectors.Testing;

namespace TypedConnectors.Redis.Tests.Infrastructure;

/// <summary>One worker process (TypedConnectors.Redis.Worker) started with <c>dotnet &lt;dll&gt; args</c>.</summary>
public sealed class Worker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private Task _pumps = Task.CompletedTask;

    private Worker(Process process) => _process = process;

    public static string DllPath { get; } =
        typeof(Worker).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerPath").Value!;

    public IEnumerable<string> Output => _output;

    public string Errors => string.Join("\n", _errors);

    public int Id => _process.Id;

    public static Worker Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        Assert.True(File.Exists(DllPath), "worker not built: " + DllPath);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var worker = new Worker(process);
        worker._pumps = Task.WhenAll(
            OutputPump.Start(process.StandardOutput, worker._output.Enqueue, "worker stdout"),
            OutputPump.Start(process.StandardError, worker._errors.Enqueue, "worker stderr")
        );
        return worker;
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_output.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                await Task.WhenAny(_pumps, Task.Delay(TimeSpan.FromSeconds(5)));
                if (_output.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } last)
                {
                    return last;
                }

                throw new InvalidOperationException(
                    $"worker exited ({_process.ExitCode}) before '{prefix}': {string.Join("\n", _output)}\n{Errors}"
                );
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"no '{prefix}' from the worker within {timeout}: {string.Join("\n", _output)}\n{Errors}");
    }

    public async Task GoAsync() => await _process.StandardInput.WriteLineAsync("GO");

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            await _pumps.WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"worker did not exit within {timeout}: {string.Join("\n", _output)}\n{Errors}");
        }

        return _process.ExitCode;
    }

    /// <summary>The values of the RESULT line: <c>RESULT a=1 b=x</c>.</summary>
    public async Task<Dictionary<string, string>> ResultAsync(TimeSpan timeout)
    {
        var line = await WaitForLineAsync("RESULT ", timeout);
        return line["RESULT ".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
