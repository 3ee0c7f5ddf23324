using System.Diagnostics;
using TypedConnectors.Generator;
using TypedConnectors.Generator.Emit;
using TypedConnectors.Generator.Reading;
using TypedConnectors.Generator.Reading.OpenApi;

namespace TypedConnectors.Benchmarks;

/// <summary>
/// <c>-- breakdown</c>: where one generation spends its time, by stopwatch, step by step as the generator runs them
/// (tree, mapping, validation, binding, emission), plus what the analyzer adds (Microsoft.OpenApi's reading and
/// validation, on the cached tree), with the megabytes each step allocates. Each round starts with an empty tree cache.
/// </summary>
internal static class Breakdown
{
    public static void Run()
    {
        foreach (var name in new[] { Documents.Linode, Documents.Synthetic })
        {
            var text = Documents.Text(name);
            var path = "/bench/" + (name == Documents.Linode ? "linode.openapi.yaml" : name);
            var input = new ConnectorInput(path, text, null, null, null);
            var settings = new GeneratorSettings("Bench", false, false);
            for (var round = 0; round < 5; round++)
            {
                DocTrees.Clear();
                var diagnostics = new List<Generator.Diagnostics.DiagnosticInfo>();
                var allocated = new List<long>();
                var before = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                var root = (DocObject)DocTrees.Read(path, text, diagnostics, default, out var file)!;
                var tree = Lap(watch, allocated, ref before);
                var context = new DocContext(file, root, diagnostics, default);
                var spec = OpenApiReader.Read(context, root, null)!;
                var map = Lap(watch, allocated, ref before);
                Generator.Validation.ConnectorValidator.Validate(spec, context);
                var validate = Lap(watch, allocated, ref before);
                var bound = Generator.Model.SpecBinder.Bind(spec, input, settings, diagnostics, context);
                var bind = Lap(watch, allocated, ref before);
                var files = ConnectorEmitter.Emit(bound, settings, "Bench", default).ToList();
                var emit = Lap(watch, allocated, ref before);
                var openApi = new OpenApiContext(new ApiDocument(context, root), OpenApiVersion.V30, null);
                MicrosoftOpenApiCheck.Run(openApi);
                var check = Lap(watch, allocated, ref before);
                Console.WriteLine(
                    $"{name}: tree {tree} ms, map {map} ms, validate {validate} ms, bind {bind} ms, emit {emit} ms "
                        + $"({files.Sum(f => f.Text.Length) / 1024} KB) = generator {tree + map + validate + bind + emit} ms; "
                        + $"analyzer's Microsoft.OpenApi {check} ms; {bound.Operations.Count} operations, {bound.Types.Count} types; "
                        + $"MB allocated by step: {string.Join(", ", allocated)}"
                );
            }
        }
    }

    /// <summary>The step's milliseconds; its allocated megabytes go to <paramref name="allocated"/>.</summary>
    private static long Lap(Stopwatch watch, List<long> allocated, ref long before)
    {
        var now = GC.GetAllocatedBytesForCurrentThread();
        allocated.Add((now - before) / (1024 * 1024));
        before = now;
        var elapsed = watch.ElapsedMilliseconds;
        watch.Restart();
        return elapsed;
    }
}
