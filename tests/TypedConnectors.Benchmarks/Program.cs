using BenchmarkDotNet.Running;

namespace TypedConnectors.Benchmarks;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project tests/TypedConnectors.Benchmarks -- --filter *</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "breakdown")
        {
            Breakdown.Run();
            return;
        }

        if (args.Length is 2 or 3 && args[0] == "rounds")
        {
            Rounds(args[1], args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 8);
            return;
        }

        if (args.Length is >= 2 and <= 4 && args[0] == "calls")
        {
            Calls.CallRounds.Run(
                args[1],
                args.Length >= 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100_000,
                args.Length == 4 ? args[3] : "memory"
            );
            return;
        }

        if (args.Length is >= 3 and <= 5 && args[0] == "pair")
        {
            Calls.CallRounds.Pair(
                args[1],
                args[2],
                args.Length >= 4 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 20_000,
                args.Length == 5 ? args[4] : "memory"
            );
            return;
        }

        if (args.Length == 2 && args[0] == "dump")
        {
            GenerationBenchmarks.Dump(args[1]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    /// <summary>
    /// <c>-- rounds DOCUMENT [N]</c>: the generation benchmark's two methods alternately, N times, with stopwatch times,
    /// allocated bytes, collections by generation and GC pause time; for a profiler
    /// (<c>dotnet-trace collect -- dotnet …TypedConnectors.Benchmarks.dll rounds …</c>), not for reporting (BenchmarkDotNet is).
    /// </summary>
    private static void Rounds(string document, int count)
    {
        var benchmark = new GenerationBenchmarks { Document = document };
        benchmark.Setup();
        for (var i = 0; i < count; i++)
        {
            Measure("full generation", () => benchmark.FullGeneration());
            Measure("Microsoft.OpenApi parse", () => benchmark.MicrosoftOpenApiParse());
        }
    }

    private static void Measure(string name, Func<object?> run)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var paused = GC.GetTotalPauseDuration();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        run();
        // CollectionCount(n) counts the collections of generation n or older: each generation's own is the difference.
        var (all, older, oldest) = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        Console.WriteLine(
            $"{name}: {watch.ElapsedMilliseconds} ms, {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024 * 1024)} MB allocated; "
                + $"collections {all - older}/{older - oldest}/{oldest} (gen0/1/2), "
                + $"GC pauses {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms"
        );
    }
}
