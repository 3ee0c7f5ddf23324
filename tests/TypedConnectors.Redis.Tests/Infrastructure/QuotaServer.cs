using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedConnectors.Redis.Tests.Infrastructure;

/// <summary>
/// The Quota API and its OAuth token endpoint on 127.0.0.1. Records the arrival time of every API request (the
/// server-side measure of the rate limit), counts requests in flight on /hang, and issues rotating refresh tokens that
/// are accepted exactly once.
/// </summary>
public sealed class QuotaServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<double> _arrivals = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly object _grantLock = new();
    private string? _validRefreshToken;
    private readonly HashSet<string> _usedRefreshTokens = new(StringComparer.Ordinal);
    private int _tokenRequests;
    private int _hanging;
    private int _generation;

    private QuotaServer(WebApplication app) => _app = app;

    public Uri Api { get; private set; } = null!;

    public Uri TokenEndpoint { get; private set; } = null!;

    /// <summary>Seconds since the server started at which each API request arrived.</summary>
    public IReadOnlyList<double> Arrivals => _arrivals.ToArray();

    /// <summary>Protocol violations seen: reused or unknown refresh tokens, unknown access tokens.</summary>
    public IReadOnlyList<string> Problems => _problems.ToArray();

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public int Hanging => Volatile.Read(ref _hanging);

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

    public static async Task<QuotaServer> StartAsync()
    {
        // The API's requests run on this process's thread pool, which keeps as many threads going as there are cores (2
        // here) and adds more only about twice a second while work waits. In the test host one pool thread sits in a
        // blocking poll(), and on a loaded machine a running one is often preempted: requests then waited up to a second
        // for a thread, a stall of the API, not of the limiter, that the scale-out tests counted as throughput lost.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), completionPorts);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new QuotaServer(app);
        app.MapGet(
            "/v1/ping",
            () =>
            {
                server._arrivals.Enqueue(server._clock.Elapsed.TotalSeconds);
                return Results.Json(new { n = 1 });
            }
        );
        app.MapGet(
            "/v1/hang",
            async (HttpContext context) =>
            {
                server._arrivals.Enqueue(server._clock.Elapsed.TotalSeconds);
                Interlocked.Increment(ref server._hanging);
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException) { }
                finally
                {
                    Interlocked.Decrement(ref server._hanging);
                }
            }
        );
        app.MapGet(
            "/v1/me",
            (HttpContext context) =>
            {
                server._arrivals.Enqueue(server._clock.Elapsed.TotalSeconds);
                var header = context.Request.Headers.Authorization.ToString();
                var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
                if (!server._accessTokens.TryGetValue(token, out var expires) || expires <= DateTimeOffset.UtcNow)
                {
                    return Results.Json(new { error = "invalid_token" }, statusCode: 401);
                }

                return Results.Json(new { token });
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
                    || form["client_id"] != "worker-client"
                    || form["client_secret"] != "worker-secret"
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

    /// <summary>
    /// For a limit of <paramref name="limit"/> per window, the time between the n-th and the (n + limit)-th arrival, for
    /// every n that has one, in seconds: a sliding-window log lets the (n + limit)-th request go once the n-th has left the
    /// window, so each interval is at least the window, and what it has beyond that is how late the freed permit was used.
    /// </summary>
    public static double[] PermitReuseIntervals(IReadOnlyList<double> arrivals, int limit)
    {
        var sorted = arrivals.Order().ToArray();
        return Enumerable.Range(0, Math.Max(0, sorted.Length - limit)).Select(n => sorted[n + limit] - sorted[n]).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
