using System.Diagnostics;
using System.Globalization;

namespace TypedConnectors.Benchmarks.Calls;

/// <summary>
/// <c>-- calls METHOD [N] [TRANSPORT]</c>: one of <see cref="CallBenchmarks"/>' methods (or <c>PipelineBenchmarks.METHOD</c>)
/// in a loop, in rounds of N calls, with stopwatch time and allocated bytes per call; for a profiler, not for reporting
/// (BenchmarkDotNet is).
/// </summary>
internal static class CallRounds
{
    public static void Run(string method, int count, string transport)
    {
        Func<Task> call;
        if (method.StartsWith("PipelineBenchmarks.", StringComparison.Ordinal))
        {
            var pipeline = new PipelineBenchmarks();
            pipeline.Setup();
            var info = typeof(PipelineBenchmarks).GetMethod(method["PipelineBenchmarks.".Length..])!;
            call = () => (Task)info.Invoke(pipeline, null)!;
        }
        else
        {
            var benchmark = new CallBenchmarks { Transport = transport };
            benchmark.Setup();
            var info = typeof(CallBenchmarks).GetMethod(method) ?? throw new ArgumentException($"No benchmark method {method}.");
            call = () => (Task)info.Invoke(benchmark, null)!;
        }

        for (var round = 0; round < 5; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                call().GetAwaiter().GetResult();
            }

            watch.Stop();
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{method}: {watch.Elapsed.TotalMilliseconds * 1e6 / count:0} ns/call, {cpuUsed.TotalMilliseconds * 1e6 / count:0} ns CPU/call (process), {(double)bytes / count:0} B/call (this thread)"
                )
            );
        }
    }
}
