using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScaleOut;

/// <summary>
/// The sample's API and OAuth token endpoint on 127.0.0.1. Records the arrival time of every API request (the
/// API's own view of the rate limit) and issues rotating refresh tokens that are accepted exactly once.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<double> _arrivals = new();
    private int _rejected;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly object _grantLock = new();
    private string? _validRefreshToken;
    private readonly HashSet<string> _usedRefreshTokens = new(StringComparer.Ordinal);
    private int _tokenRequests;
    private int _generation;

    private LocalServer(WebApplication app) => _app = app;

    public Uri Api { get; private set; } = null!;

    public Uri TokenEndpoint { get; private set; } = null!;

    /// <summary>Seconds since the server started at which each API request arrived.</summary>
    public IReadOnlyList<double> Arrivals => _arrivals.ToArray();

    /// <summary>API requests answered 401 because their access token had expired on the way.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>Protocol violations seen: reused or unknown refresh tokens, unknown access tokens.</summary>
    public IReadOnlyList<string> Problems => _problems.ToArray();

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan TokenDelay { get; set; }

    /// <summary>The refresh token the server would accept now (the latest issued).</summary>
    public string? ValidRefreshToken
    {
        get
        {
            lock (_grantLock)
            {
                return _validRefreshToken;
            }
        }
    }

    public static async Task<LocalServer> StartAsync(TimeSpan tokenLifetime)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new LocalServer(app) { TokenLifetime = tokenLifetime };
        app.MapGet(
            "/v1/records/{id:int}",
            (HttpContext context, int id) =>
            {
                server._arrivals.Enqueue(server._clock.Elapsed.TotalSeconds);
                var header = context.Request.Headers.Authorization.ToString();
                var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
                if (!server._accessTokens.TryGetValue(token, out var expires) || expires <= DateTimeOffset.UtcNow)
                {
                    // A token that expired in flight: the client renews (once, for every process) and sends again.
                    Interlocked.Increment(ref server._rejected);
                    return Results.Json(new { error = "invalid_token" }, statusCode: 401);
                }

                return Results.Json(new { id });
            }
        );
        app.MapPost(
            "/oauth/token",
            async (HttpContext context) =>
            {
                Interlocked.Increment(ref server._tokenRequests);
                var form = await context.Request.ReadFormAsync();
                if (server.TokenDelay > TimeSpan.Zero)
                {
                    await Task.Delay(server.TokenDelay);
                }

                var refresh = form["refresh_token"].ToString();
                if (
                    form["grant_type"] != "refresh_token"
                    || form["client_id"] != "sample-client"
                    || form["client_secret"] != "sample-secret"
                )
                {
                    server._problems.Enqueue("bad token request: " + form["grant_type"]);
                    return Results.Json(new { error = "invalid_request" }, statusCode: 400);
                }

                string access,
                    rotated;
                lock (server._grantLock)
                {
                    if (!string.Equals(refresh, server._validRefreshToken, StringComparison.Ordinal))
                    {
                        server._problems.Enqueue(
                            server._usedRefreshTokens.Contains(refresh) ? "refresh token reused" : "unknown refresh token"
                        );
                        return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
                    }

                    server._usedRefreshTokens.Add(refresh);
                    server._generation++;
                    access = "access-" + server._generation + "-" + Guid.NewGuid().ToString("N")[..8];
                    rotated = "refresh-" + server._generation + "-" + Guid.NewGuid().ToString("N")[..8];
                    server._validRefreshToken = rotated;
                    server._accessTokens[access] = DateTimeOffset.UtcNow + server.TokenLifetime;
                }

                return Results.Json(
                    new
                    {
                        access_token = access,
                        token_type = "Bearer",
                        expires_in = (int)server.TokenLifetime.TotalSeconds,
                        refresh_token = rotated,
                    }
                );
            }
        );
        await app.StartAsync();
        var address = new Uri(
            app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<IServerAddressesFeature>()!
                .Addresses.First()
        );
        server.Api = new Uri(address, "/v1/");
        server.TokenEndpoint = new Uri(address, "/oauth/token");
        return server;
    }

    /// <summary>Starts a grant: returns the first refresh token (accepted once); its access token is already expired.</summary>
    public string StartGrant()
    {
        lock (_grantLock)
        {
            _validRefreshToken = "refresh-0-" + Guid.NewGuid().ToString("N")[..8];
            return _validRefreshToken;
        }
    }

    /// <summary>The largest number of API requests that arrived within any interval of <paramref name="window"/>.</summary>
    public static int MaxInAnyWindow(IReadOnlyList<double> arrivals, TimeSpan window)
    {
        var sorted = arrivals.Order().ToArray();
        var max = 0;
        var start = 0;
        for (var end = 0; end < sorted.Length; end++)
        {
            while (sorted[end] - sorted[start] >= window.TotalSeconds)
            {
                start++;
            }

            max = Math.Max(max, end - start + 1);
        }

        return max;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
