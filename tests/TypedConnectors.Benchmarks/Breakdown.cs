using System.Diagnostics;
using TypedConnectors.Generator;
using TypedConnectors.Generator.Emit;
using TypedConnectors.Generator.Reading;

namespace TypedConnectors.Benchmarks;

/// <summary><c>-- breakdown</c>: where one generation spends its time (reading, binding, emitting), by stopwatch.</summary>
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
            for (var round = 0; round < 3; round++)
            {
                var total = Stopwatch.StartNew();
                var file = new SourceFile(path, text);
                var diagnostics = new List<Generator.Diagnostics.DiagnosticInfo>();
                var docStart = Stopwatch.StartNew();
                var root = ConnectorFileReader.IsYaml(path)
                    ? YamlDocReader.Read(file, diagnostics, default)
                    : JsonDocReader.Read(file, diagnostics, default);
                var docTime = docStart.ElapsedMilliseconds;
                var readStart = Stopwatch.StartNew();
                var result = ConnectorPipeline.Run(input, settings, default);
                var readTime = readStart.ElapsedMilliseconds;
                var emitStart = Stopwatch.StartNew();
                var files = ConnectorEmitter.Emit(result.Spec!, settings, "Bench", default).ToList();
                var emitTime = emitStart.ElapsedMilliseconds;
                Console.WriteLine(
                    $"{name}: tree {docTime} ms, read+map+check+bind {readTime} ms, emit {emitTime} ms ({files.Sum(f => f.Text.Length) / 1024} KB), total {total.ElapsedMilliseconds} ms; {result.Spec!.Operations.Count} operations, {result.Spec.Types.Count} types"
                );
                var checkStart = Stopwatch.StartNew();
                var context = new DocContext(file, root!, new List<Generator.Diagnostics.DiagnosticInfo>(), default);
                var openApi = new Generator.Reading.OpenApi.OpenApiContext(
                    new Generator.Reading.OpenApi.ApiDocument(context, (DocObject)root!),
                    Generator.Reading.OpenApi.OpenApiVersion.V30,
                    null
                );
                Generator.Reading.OpenApi.MicrosoftOpenApiCheck.Run(openApi);
                var checkTime = checkStart.ElapsedMilliseconds;
                var mapStart = Stopwatch.StartNew();
                var spec = Generator.Reading.OpenApi.OpenApiReader.Read(
                    new DocContext(file, root!, new List<Generator.Diagnostics.DiagnosticInfo>(), default),
                    (DocObject)root!,
                    null
                );
                var mapTime = mapStart.ElapsedMilliseconds;
                var validateStart = Stopwatch.StartNew();
                var vc = new DocContext(file, root!, new List<Generator.Diagnostics.DiagnosticInfo>(), default);
                Generator.Validation.ConnectorValidator.Validate(spec!, vc);
                var validateTime = validateStart.ElapsedMilliseconds;
                var bindStart = Stopwatch.StartNew();
                Generator.Model.SpecBinder.Bind(spec!, input, settings, new List<Generator.Diagnostics.DiagnosticInfo>(), vc);
                Console.WriteLine(
                    $"   microsoft.openapi {checkTime} ms, reader incl. check {mapTime} ms, validate {validateTime} ms, bind {bindStart.ElapsedMilliseconds} ms"
                );
            }
        }
    }
}
