namespace TypedConnectors.Testing;

/// <summary>
/// Reads a child process's redirected output line by line on a thread of its own.
/// </summary>
/// <remarks>
/// <see cref="System.Diagnostics.Process.BeginOutputReadLine"/> reads each pipe with a blocking read on a thread-pool
/// thread for as long as the process lives (dotnet/runtime#81896). Four workers and redis-server hold ten pool threads of
/// this process that way, and the QuotaServer's requests, which run on the same pool, then queue until the pool adds a
/// thread: stalls of the API of up to a second that the scale-out tests would count against the limiter. The package
/// tests' builds and publishes read their output the same way, beside the other test projects' servers.
/// </remarks>
public static class OutputPump
{
    /// <summary>Calls <paramref name="onLine"/> for every line until the end of the stream; the task completes then.</summary>
    public static Task Start(StreamReader reader, Action<string> onLine, string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                while (reader.ReadLine() is { } line)
                {
                    onLine(line);
                }
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }
}
