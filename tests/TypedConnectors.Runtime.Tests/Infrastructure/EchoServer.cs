using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TypedConnectors.Tests.Infrastructure;

/// <summary>What the server received for one request.</summary>
public sealed record Echo(
    string Method,
    string Path,
    string RawTarget,
    Dictionary<string, string> Headers,
    Dictionary<string, string[]> Query,
    Dictionary<string, string> Cookies,
    string Body,
    string? ContentType
)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

public static class EchoServer
{
    /// <summary>Every request under <c>/api/echo</c> answers with the JSON <see cref="Echo"/> of what arrived.</summary>
    public static void MapEcho(WebApplication app) =>
        app.Map(
            "/api/echo/{**rest}",
            async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!;
                var echo = new Echo(
                    context.Request.Method,
                    context.Request.Path.Value ?? string.Empty,
                    feature.RawTarget,
                    context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                    context.Request.Query.ToDictionary(q => q.Key, q => q.Value.Select(v => v ?? string.Empty).ToArray()),
                    context.Request.Cookies.ToDictionary(c => c.Key, c => c.Value),
                    body,
                    context.Request.ContentType
                );
                await context.Response.WriteAsync(JsonSerializer.Serialize(echo));
            }
        );

    public static async Task<Echo> GetEchoAsync(HttpClient client, string path = "api/echo", HttpRequestMessage? request = null)
    {
        request ??= new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<Echo>(text)!;
    }
}
