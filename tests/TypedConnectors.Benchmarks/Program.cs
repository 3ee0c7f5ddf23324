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

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
