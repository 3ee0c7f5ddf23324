using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AotSample;

/// <summary>
/// A Kestrel server on 127.0.0.1 (a free port) that plays the inventory API. It answers with fixed JSON text and reads
/// request bodies with JsonDocument, so the server itself needs no serialization metadata.
/// </summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalServer(WebApplication app) => _app = app;

    public int Port { get; private set; }

    /// <summary>What the server received, one line per request: method, path and query, and the body.</summary>
    public List<string> Seen { get; } = new();

    public static async Task<LocalServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LocalServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Port = new Uri(app.Urls.First()).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private const string Widget = """
        {"name":"Widget","id":1,"price":9.5,"tags":["blue","small"],"status":"in_stock","added_at":"2026-11-30T08:15:00+00:00","restock_on":null,"attributes":{"color":"blue"}}
        """;

    private const string Gadget = """
        {"id":2,"name":"Gadget","status":"discontinued","tags":[],"added_at":"2026-10-01T12:00:00Z"}
        """;

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var path = request.Path.Value ?? "";
        lock (Seen)
        {
            Seen.Add(request.Method + " " + path + request.QueryString + (body.Length > 0 ? " " + body : ""));
        }

        var (status, json) = (request.Method, path) switch
        {
            ("GET", "/inventory/v1/items/1") => (200, Widget),
            ("GET", "/inventory/v1/items/2") => (200, Gadget),
            ("GET", "/inventory/v1/items/404") => (404, """{"code":"not_found","message":"No item 404."}"""),
            ("GET", "/inventory/v1/items") when request.Query["status"] == "in_stock" && request.Query["limit"] == "2" => (
                200,
                "[" + Widget + "," + Widget.Replace("\"id\":1", "\"id\":5", StringComparison.Ordinal) + "]"
            ),
            ("POST", "/inventory/v1/items") => Create(body),
            _ => (400, """{"code":"bad_request","message":"Unexpected request."}"""),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>Echoes a valid new item back with an id; an empty name is a 422 with a problem body.</summary>
    private static (int, string) Create(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var name = root.GetProperty("name").GetString();
        if (string.IsNullOrEmpty(name))
        {
            return (422, """{"code":"invalid","message":"An item needs a name."}""");
        }

        var status = root.GetProperty("status").GetString();
        var restock = root.TryGetProperty("restock_on", out var r) ? r.GetString() : null;
        var tags = root.TryGetProperty("tags", out var t) ? t.GetRawText() : "[]";
        return (
            201,
            "{\"id\":3,\"name\":"
                + JsonSerializer.Serialize(name, AotServerJson.Default.String)
                + ",\"status\":\""
                + status
                + "\",\"tags\":"
                + tags
                + ",\"restock_on\":"
                + (restock is null ? "null" : "\"" + restock + "\"")
                + ",\"added_at\":\"2026-12-01T10:00:00Z\"}"
        );
    }
}

/// <summary>The one type the server serializes itself (a JSON string), from System.Text.Json's source generator.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class AotServerJson : System.Text.Json.Serialization.JsonSerializerContext;
