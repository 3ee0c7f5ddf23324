using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TypedConnectors.Benchmarks.Bench;

namespace TypedConnectors.Benchmarks.Calls;

/// <summary>
/// The pieces of one generated call, each against its hand-written counterpart, to attribute the allocation gap of
/// <see cref="CallBenchmarks"/>: building the request (the generated <c>__Request…</c> body and
/// <see cref="ConnectorRequest.Build(Uri)"/> against a plain <see cref="HttpRequestMessage"/>), and deserializing the
/// page with the generated JSON metadata against the hand-written source-generated context. The pipeline's share is
/// <see cref="PipelineBenchmarks"/>'s:
/// <c>dotnet run -c Release --project tests/TypedConnectors.Benchmarks -- --filter '*CallPieceBenchmarks*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CallPieceBenchmarks
{
    private static readonly Uri BaseAddress = new("http://bench.invalid/api/");

    [BenchmarkCategory("build GET one"), Benchmark(Baseline = true)]
    public int BuildOne_HttpRequestMessage()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, "items/1"));
        return message.RequestUri!.OriginalString.Length;
    }

    [BenchmarkCategory("build GET one"), Benchmark]
    public int BuildOne_ConnectorRequest()
    {
        // What the generated __RequestGetItemAsync does, then what ConnectorHttp does with it.
        var request = new ConnectorRequest("GET", "/items/{id}") { OperationId = "getItem" };
        request.PathParameter("id", ConnectorFormat.ToString(1L));
        request.Accept = "application/json";
        request.CallOptions = null;
        using var message = request.Build(BaseAddress);
        return message.RequestUri!.OriginalString.Length;
    }

    [BenchmarkCategory("build GET page"), Benchmark(Baseline = true)]
    public int BuildPage_HttpRequestMessage()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, "items?limit=20"));
        return message.RequestUri!.OriginalString.Length;
    }

    [BenchmarkCategory("build GET page"), Benchmark]
    public int BuildPage_ConnectorRequest()
    {
        var request = new ConnectorRequest("GET", "/items") { OperationId = "listItems" };
        request.Query("limit", ConnectorFormat.ToString(20));
        request.Accept = "application/json";
        using var message = request.Build(BaseAddress);
        return message.RequestUri!.OriginalString.Length;
    }

    [BenchmarkCategory("deserialize page of 20"), Benchmark(Baseline = true)]
    public int Page_HandWrittenContext() => JsonSerializer.Deserialize(Answers.Page, HwJson.Default.ListHwItem)!.Count;

    [BenchmarkCategory("deserialize page of 20"), Benchmark]
    public int Page_GeneratedMetadata() => JsonSerializer.Deserialize(Answers.Page, BenchJson.ListOfItemTypeInfo)!.Count;
}
