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
        var call = Method(method, transport);
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

    /// <summary>
    /// <c>-- pair A B [N] [TRANSPORT]</c>: rounds of N calls of A, then of B, alternately in one process, with the median
    /// and quartiles of B's time over A's per pair of rounds and the bytes allocated per call: a quick, steadier comparison than separate processes
    /// while changing the code (BenchmarkDotNet's run is what is reported).
    /// </summary>
    public static void Pair(string first, string second, int count, string transport)
    {
        var a = Method(first, transport);
        var b = Method(second, transport);
        var ratios = new List<double>();
        var timesA = new List<double>();
        var timesB = new List<double>();
        long bytesA = 0;
        long bytesB = 0;
        for (var round = 0; round < 40; round++)
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var ta = Time(a, count);
            var between = GC.GetTotalAllocatedBytes(precise: true);
            var tb = Time(b, count);
            var after = GC.GetTotalAllocatedBytes(precise: true);
            if (round >= 5)
            {
                timesA.Add(ta);
                timesB.Add(tb);
                ratios.Add(tb / ta);
                bytesA += between - allocated;
                bytesB += after - between;
            }
        }

        ratios.Sort();
        timesA.Sort();
        timesB.Sort();
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{first}: {timesA[timesA.Count / 2]:0} ns/call, {(double)bytesA / (count * timesA.Count):0} B/call; {second}: {timesB[timesB.Count / 2]:0} ns/call, {(double)bytesB / (count * timesB.Count):0} B/call; {second}/{first} median {ratios[ratios.Count / 2]:0.000} (quartiles {ratios[ratios.Count / 4]:0.000}–{ratios[3 * ratios.Count / 4]:0.000}); bytes are the whole process's (an in-process server's too)"
            )
        );
    }

    private static double Time(Func<Task> call, int count)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            call().GetAwaiter().GetResult();
        }

        return watch.Elapsed.TotalMilliseconds * 1e6 / count;
    }

    private static Func<Task> Method(string method, string transport)
    {
        if (method.StartsWith("PipelineBenchmarks.", StringComparison.Ordinal))
        {
            var pipeline = new PipelineBenchmarks();
            pipeline.Setup();
            var info = typeof(PipelineBenchmarks).GetMethod(method["PipelineBenchmarks.".Length..])!;
            return () => (Task)info.Invoke(pipeline, null)!;
        }

        var benchmark = new CallBenchmarks { Transport = transport };
        benchmark.Setup();
        var target = typeof(CallBenchmarks).GetMethod(method) ?? throw new ArgumentException($"No benchmark method {method}.");
        return () => (Task)target.Invoke(benchmark, null)!;
    }
}
