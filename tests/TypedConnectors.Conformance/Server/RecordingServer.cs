using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedConnectors.Conformance.Server;

/// <summary>A request as it arrived on the wire: raw target (not decoded), every header, the body bytes.</summary>
internal sealed record RecordedRequest(
    string Method,
    string RawTarget,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    string? ContentType
)
{
    public string RawPath => RawTarget.Split('?', 2)[0];

    public string RawQuery => RawTarget.Contains('?', StringComparison.Ordinal) ? RawTarget.Split('?', 2)[1] : "";

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Everything a credential could hide in, for "no credential anywhere" checks.</summary>
    public string Everything =>
        RawTarget
        + "\n"
        + Uri.UnescapeDataString(RawTarget.Replace('+', ' '))
        + "\n"
        + string.Join("\n", Headers.Select(h => h.Key + ": " + h.Value))
        + "\n"
        + BodyText;
}

/// <summary>What the server answers.</summary>
internal sealed record CannedResponse(int Status, string? ContentType, byte[] Body)
{
    /// <summary>Response headers to send (a paging <c>Link</c>, …).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}

/// <summary>
/// Kestrel on 127.0.0.1 (random port) recording each request exactly as received, answering through a responder the
/// checker sets per call.
/// </summary>
internal sealed class RecordingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private RecordingServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public Func<RecordedRequest, CannedResponse> Responder { get; set; } = _ => new CannedResponse(200, null, Array.Empty<byte>());

    public static async Task<RecordingServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;

            // Definitions may name parameters with hundreds of characters; the request line and headers that carry
            // them are the definition's, not a defect the checker should answer 414 or 431 for.
            k.Limits.MaxRequestLineSize = 1024 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 1024 * 1024;
        });
        var app = builder.Build();
        var server = new RecordingServer(app);
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (context.Request.Path + context.Request.QueryString);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new RecordedRequest(context.Request.Method, raw, headers, buffer.ToArray(), context.Request.ContentType);
            server._requests.Enqueue(request);
            CannedResponse response;
            try
            {
                response = server.Responder(request);
            }
#pragma warning disable CA1031 // a responder bug must come back as a response the checker reports, not a dropped connection
            catch (Exception e)
#pragma warning restore CA1031
            {
                response = new CannedResponse(599, "text/plain", System.Text.Encoding.UTF8.GetBytes("responder failed: " + e.Message));
            }

            context.Response.StatusCode = response.Status;
            if (response.ContentType is not null)
            {
                context.Response.ContentType = response.ContentType;
            }

            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            if (response.Body.Length > 0 && !HttpMethods.IsHead(context.Request.Method))
            {
                await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>Takes the requests received since the last call.</summary>
    public List<RecordedRequest> Drain()
    {
        var list = new List<RecordedRequest>();
        while (_requests.TryDequeue(out var r))
        {
            list.Add(r);
        }

        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
