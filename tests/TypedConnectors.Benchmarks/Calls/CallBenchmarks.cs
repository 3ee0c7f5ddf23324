using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Refit;
using RestSharp;
using RestSharp.Serializers.Json;
using TypedConnectors.Benchmarks.Bench;

namespace TypedConnectors.Benchmarks.Calls;

/// <summary>
/// One call of the generated client (Calls/bench.openapi.yaml) against the same call written by hand with HttpClient and
/// a System.Text.Json source-generated context (the baseline), Refit and RestSharp (both on that context), grouped by
/// operation, over an in-memory handler and over loopback Kestrel:
/// <c>dotnet run -c Release --project tests/TypedConnectors.Benchmarks -- --filter *CallBenchmarks* --job short</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class CallBenchmarks
{
    private static readonly HwItem Body = new()
    {
        Id = 0,
        Name = "Widget",
        Status = HwStatus.Active,
        Price = 9.5,
        Tags = ["blue", "small"],
        CreatedAt = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero),
        Description = "A small blue widget.",
    };

    private static readonly Item GeneratedBody = new()
    {
        Id = 0,
        Name = "Widget",
        Status = Status.Active,
        Price = 9.5,
        Tags = ["blue", "small"],
        CreatedAt = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero),
        Description = "A small blue widget.",
    };

    private ApiServer? _server;
    private HttpClient _http = null!;
    private BenchConnection _connection = null!;
    private BenchClient _generated = null!;
    private BenchClient _generatedBare = null!;
    private IBenchApi _refit = null!;
    private RestClient _restSharp = null!;

    [Params("memory", "loopback")]
    public string Transport { get; set; } = "memory";

    [GlobalSetup]
    public void Setup()
    {
        Uri baseAddress;
        Func<HttpMessageHandler> transport;
        if (Transport == "loopback")
        {
            _server = ApiServer.StartAsync().GetAwaiter().GetResult();
            baseAddress = new Uri($"http://127.0.0.1:{_server.Port}/api/");
            transport = () => new SocketsHttpHandler();
        }
        else
        {
            baseAddress = new Uri("http://bench.invalid/api/");
            transport = () => new InMemoryHandler();
        }

        _http = new HttpClient(transport()) { BaseAddress = baseAddress };
        _connection = BenchConnection.Create(new ConnectorConnectionOptions { BaseAddress = baseAddress });
        _generated = new BenchClient(_connection, _connection.CreateHttpClient(transport()));

        // The same client on a plain HttpClient, without the connection's handlers: what the pipeline costs.
        _generatedBare = new BenchClient(_connection, new HttpClient(transport()));
        var jsonOptions = new JsonSerializerOptions { TypeInfoResolver = HwJson.Default };
        _refit = RestService.For<IBenchApi>(
            new HttpClient(transport()) { BaseAddress = new Uri(baseAddress.ToString().TrimEnd('/')) },
            new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(jsonOptions) }
        );
        _restSharp = new RestClient(
            new HttpClient(transport()) { BaseAddress = baseAddress },
            configureSerialization: s => s.UseSystemTextJson(jsonOptions)
        );
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _generated.Dispose();
        _generatedBare.Dispose();
        _connection.Dispose();
        _http.Dispose();
        _restSharp.Dispose();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [BenchmarkCategory("GET one"), Benchmark(Baseline = true)]
    public Task<HwItem?> GetOne_HttpClient() => _http.GetFromJsonAsync("items/1", HwJson.Default.HwItem);

    [BenchmarkCategory("GET one"), Benchmark]
    public Task<Item> GetOne_Generated() => _generated.GetItemAsync(1);

    [BenchmarkCategory("GET one"), Benchmark]
    public Task<Item> GetOne_GeneratedNoPipeline() => _generatedBare.GetItemAsync(1);

    [BenchmarkCategory("GET one"), Benchmark]
    public Task<HwItem> GetOne_Refit() => _refit.GetItem(1);

    [BenchmarkCategory("GET one"), Benchmark]
    public Task<HwItem?> GetOne_RestSharp() => _restSharp.GetAsync<HwItem>(new RestRequest("items/1"));

    [BenchmarkCategory("GET page of 20"), Benchmark(Baseline = true)]
    public Task<List<HwItem>?> GetPage_HttpClient() => _http.GetFromJsonAsync("items?limit=20", HwJson.Default.ListHwItem);

    [BenchmarkCategory("GET page of 20"), Benchmark]
    public Task<IReadOnlyList<Item>> GetPage_Generated() => _generated.ListItemsAsync(20);

    [BenchmarkCategory("GET page of 20"), Benchmark]
    public Task<IReadOnlyList<Item>> GetPage_GeneratedNoPipeline() => _generatedBare.ListItemsAsync(20);

    [BenchmarkCategory("GET page of 20"), Benchmark]
    public Task<List<HwItem>> GetPage_Refit() => _refit.ListItems(20);

    [BenchmarkCategory("GET page of 20"), Benchmark]
    public Task<List<HwItem>?> GetPage_RestSharp() =>
        _restSharp.GetAsync<List<HwItem>>(new RestRequest("items").AddQueryParameter("limit", 20));

    [BenchmarkCategory("POST JSON"), Benchmark(Baseline = true)]
    public async Task<HwItem?> Post_HttpClient()
    {
        using var response = await _http.PostAsJsonAsync("items", Body, HwJson.Default.HwItem);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(HwJson.Default.HwItem);
    }

    [BenchmarkCategory("POST JSON"), Benchmark]
    public Task<Item> Post_Generated() => _generated.CreateItemAsync(GeneratedBody);

    [BenchmarkCategory("POST JSON"), Benchmark]
    public Task<HwItem> Post_Refit() => _refit.CreateItem(Body);

    [BenchmarkCategory("POST JSON"), Benchmark]
    public Task<HwItem?> Post_RestSharp() => _restSharp.PostAsync<HwItem>(new RestRequest("items").AddJsonBody(Body));
}

/// <summary>The same API for Refit.</summary>
public interface IBenchApi
{
    [Get("/items/{id}")]
    Task<HwItem> GetItem(long id);

    [Get("/items")]
    Task<List<HwItem>> ListItems(int limit);

    [Post("/items")]
    Task<HwItem> CreateItem([Body] HwItem item);
}

/// <summary>The item as a hand-written model.</summary>
public sealed class HwItem
{
    [JsonPropertyName("id")]
    public long Id { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("status")]
    public HwStatus? Status { get; set; }

    [JsonPropertyName("price")]
    public double? Price { get; set; }

    [JsonPropertyName("tags")]
    public List<string>? Tags { get; set; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset? CreatedAt { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<HwStatus>))]
public enum HwStatus
{
    [JsonStringEnumMemberName("active")]
    Active,

    [JsonStringEnumMemberName("archived")]
    Archived,
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HwItem))]
[JsonSerializable(typeof(List<HwItem>))]
public sealed partial class HwJson : JsonSerializerContext;

/// <summary>The API's answers, serialized once.</summary>
internal static class Answers
{
    public static readonly byte[] One = JsonSerializer.SerializeToUtf8Bytes(Make(1), HwJson.Default.HwItem);

    public static readonly byte[] Page = JsonSerializer.SerializeToUtf8Bytes(
        Enumerable.Range(1, 20).Select(Make).ToList(),
        HwJson.Default.ListHwItem
    );

    private static HwItem Make(int id) =>
        new()
        {
            Id = id,
            Name = "Widget " + id,
            Status = id % 3 == 0 ? HwStatus.Archived : HwStatus.Active,
            Price = 9.5 + id,
            Tags = ["blue", "small", "tag" + id],
            CreatedAt = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero).AddHours(id),
            Description = "Item number " + id + ", a small blue widget.",
        };

    public static byte[] For(string method, string path, string query) =>
        (method, path) switch
        {
            ("GET", "/api/items/1") => One,
            ("GET", "/api/items") when query == "?limit=20" => Page,
            ("POST", "/api/items") => One,
            _ => throw new InvalidOperationException("unexpected " + method + " " + path + query),
        };
}

/// <summary>An in-memory transport: answers from <see cref="Answers"/>, reading the request body like a server would.</summary>
internal sealed class InMemoryHandler : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            await content.CopyToAsync(Stream.Null, cancellationToken);
        }

        var body = Answers.For(request.Method.Method, request.RequestUri!.AbsolutePath, request.RequestUri.Query);
        var answer = new ByteArrayContent(body);
        answer.Headers.ContentType = Json;
        answer.Headers.ContentLength = body.Length;
        return new HttpResponseMessage(request.Method == HttpMethod.Post ? HttpStatusCode.Created : HttpStatusCode.OK)
        {
            Content = answer,
            RequestMessage = request,
        };
    }
}

/// <summary>Kestrel on 127.0.0.1 answering from <see cref="Answers"/>.</summary>
internal sealed class ApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiServer(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public static async Task<ApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            var body = Answers.For(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "");
            context.Response.StatusCode = context.Request.Method == "POST" ? 201 : 200;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        });
        await app.StartAsync();
        return new ApiServer(app) { Port = new Uri(app.Urls.First()).Port };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
