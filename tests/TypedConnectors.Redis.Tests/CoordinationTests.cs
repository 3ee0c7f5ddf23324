using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedConnectors.Redis.Tests.Infrastructure;
using TypedConnectors.Redis.Tests.Quota;

namespace TypedConnectors.Redis.Tests;

/// <summary>
/// The pieces one at a time, in this process: each "process" is a connection with a Redis connection of its own, as
/// separate processes would have.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class CoordinationTests(RedisFixture redis)
{
    [Fact]
    public async Task A_429_with_Retry_After_pauses_every_process_sharing_the_connection()
    {
        var arrivals = new List<(string Who, double At, int Status)>();
        var clock = Stopwatch.StartNew();
        var rejected = 0;
        await using var app = await StartApiAsync(context =>
        {
            var who = context.Request.Headers["X-Api-Key"].ToString();
            var first = Interlocked.Exchange(ref rejected, 1) == 0;
            lock (arrivals)
            {
                arrivals.Add((who, clock.Elapsed.TotalSeconds, first ? 429 : 200));
            }

            if (first)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return Task.CompletedTask;
            }

            return context.Response.WriteAsJsonAsync(new { n = 1 });
        });

        var scope = "cool-" + Guid.NewGuid().ToString("N")[..8];
        using var redisA = await RedisConnectorCoordination.ConnectAsync(redis.Server.Configuration);
        using var redisB = await RedisConnectorCoordination.ConnectAsync(redis.Server.Configuration);
        using var a = QuotaConnection.CreateApiKey(
            "a",
            new RedisConnectorCoordination(redisA).Apply(
                new ConnectorConnectionOptions { BaseAddress = app.Api },
                typeof(QuotaClient),
                scope
            )
        );
        var optionsB = new RedisConnectorCoordination(redisB).Apply(
            new ConnectorConnectionOptions { BaseAddress = app.Api },
            typeof(QuotaClient),
            scope
        );
        using var b = QuotaConnection.CreateApiKey("b", optionsB);
        using var clientA = new QuotaClient(a);
        using var clientB = new QuotaClient(b);

        var callA = clientA.PingAsync();
        // B starts once A's 429 has reached A and its pause is in Redis (on a loaded machine that takes longer than the
        // server's answer); B has never seen a 429 itself.
        var coolDown = Assert.IsType<RedisCoolDown>(optionsB.SharedCoolDown);
        var waiting = Stopwatch.StartNew();
        while (await coolDown.GetRemainingAsync() <= TimeSpan.Zero && waiting.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(5);
        }

        Assert.True(waiting.Elapsed < TimeSpan.FromSeconds(10), "A's 429 never became a pause in Redis");
        await clientB.PingAsync();
        await callA;

        var rejection = arrivals.Single(r => r.Status == 429);
        Assert.Equal("a", rejection.Who);
        var bArrival = arrivals.Single(r => r.Who == "b");
        Assert.True(
            bArrival.At - rejection.At >= 0.95,
            $"B was sent {bArrival.At - rejection.At:0.000} s after A's 429 with Retry-After: 1"
        );
        Assert.Equal(3, arrivals.Count);
    }

    [Fact]
    public async Task A_response_reporting_the_budget_used_up_pauses_the_other_process_until_the_reset()
    {
        var arrivals = new List<(string Who, double At)>();
        var clock = Stopwatch.StartNew();
        await using var app = await StartApiAsync(context =>
        {
            var who = context.Request.Headers["X-Api-Key"].ToString();
            lock (arrivals)
            {
                arrivals.Add((who, clock.Elapsed.TotalSeconds));
            }

            // A successful response that says the account's budget is gone for the next second.
            if (who == "a")
            {
                context.Response.Headers["X-RateLimit-Remaining"] = "0";
                context.Response.Headers["X-RateLimit-Reset"] = "1";
            }

            return context.Response.WriteAsJsonAsync(new { n = 1 });
        });

        var scope = "reset-" + Guid.NewGuid().ToString("N")[..8];
        using var redisA = await RedisConnectorCoordination.ConnectAsync(redis.Server.Configuration);
        using var redisB = await RedisConnectorCoordination.ConnectAsync(redis.Server.Configuration);
        using var a = QuotaConnection.CreateApiKey(
            "a",
            new RedisConnectorCoordination(redisA).Apply(
                new ConnectorConnectionOptions { BaseAddress = app.Api },
                typeof(QuotaClient),
                scope
            )
        );
        using var b = QuotaConnection.CreateApiKey(
            "b",
            new RedisConnectorCoordination(redisB).Apply(
                new ConnectorConnectionOptions { BaseAddress = app.Api },
                typeof(QuotaClient),
                scope
            )
        );
        using var clientA = new QuotaClient(a);
        using var clientB = new QuotaClient(b);

        await clientA.PingAsync();
        await clientB.PingAsync();

        var gap = arrivals.Single(r => r.Who == "b").At - arrivals.Single(r => r.Who == "a").At;
        Assert.True(gap >= 0.95, $"B was sent {gap:0.000} s after A's response reported the budget used up for 1 s");
    }

    [Fact]
    public async Task A_caller_waiting_for_a_permit_can_cancel_and_takes_none()
    {
        using var multiplexer = await RedisConnectorCoordination.ConnectAsync(redis.Server.Configuration);
        var scope = "cancel-" + Guid.NewGuid().ToString("N")[..8];
        using var limiter = new RedisConnectorCoordination(multiplexer).CreateRateLimiter("quota", scope, 2, TimeSpan.FromSeconds(10));
        using var first = await limiter.AcquireAsync();
        using var second = await limiter.AcquireAsync();

        var watch = Stopwatch.StartNew();
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await limiter.AcquireAsync(1, cancel.Token));
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"cancelled after {watch.Elapsed}");

        // The cancelled caller left nothing in the log: the window is still exactly full.
        Assert.Equal(2, await multiplexer.GetDatabase().SortedSetLengthAsync(limiter.Key));
        using var third = limiter.AttemptAcquire();
        Assert.False(third.IsAcquired);
    }

    [Fact]
    public async Task A_renewal_that_lost_its_lock_cannot_overwrite_the_newer_rotated_token()
    {
        using var multiplexer = await RedisConnectorCoordination.ConnectAsync(redis.Server.Configuration);
        var coordination = new RedisConnectorCoordination(multiplexer);
        var stale = coordination.CreateTokenStore();
        var fresh = coordination.CreateTokenStore();
        var key = "quota/oauth/fence-" + Guid.NewGuid().ToString("N")[..8];
        await stale.SaveAsync(key, new OAuthToken("a0", "r0", DateTimeOffset.UtcNow.AddMinutes(-1)), default);
        static bool Usable(OAuthToken? token) => token is { ExpiresAt: { } at } && at > DateTimeOffset.UtcNow;

        var inFlight = new TaskCompletionSource();
        var resume = new TaskCompletionSource<OAuthToken>();
        var staleRenewal = stale.RenewAsync(
            key,
            Usable,
            (_, _) =>
            {
                inFlight.SetResult();
                return resume.Task;
            },
            default
        );
        await inFlight.Task;

        // The holder "freezes": its lock expires (deleted here) and another process renews with a newer fence.
        Assert.True(await multiplexer.GetDatabase().KeyDeleteAsync("tc:{" + key + "}:lock"));
        var newer = await fresh.RenewAsync(
            key,
            Usable,
            (stored, _) =>
            {
                Assert.Equal("r0", stored!.RefreshToken);
                return Task.FromResult(new OAuthToken("a1", "r1", DateTimeOffset.UtcNow.AddHours(1)));
            },
            default
        );
        Assert.Equal("r1", newer.RefreshToken);

        // The frozen holder wakes with a token from the old refresh token: refused, and it returns the newer one.
        resume.SetResult(new OAuthToken("a1-stale", "r1-stale", DateTimeOffset.UtcNow.AddHours(1)));
        var result = await staleRenewal;

        Assert.Equal("r1", result.RefreshToken);
        Assert.Equal(1, stale.StaleWritesRefused);
        Assert.Equal("r1", (await fresh.GetAsync(key, default))!.RefreshToken);
    }

    [Fact]
    public async Task Without_Redis_calls_fail_fast_naming_the_connector_or_fall_back_to_a_local_share()
    {
        // Nothing listens on this port; the password must not show up anywhere.
        var configuration = "127.0.0.1:" + FreePort() + ",password=redis-secret-7f3a";
        using var multiplexer = await RedisConnectorCoordination.ConnectAsync(configuration);
        await using var app = await StartApiAsync(context => context.Response.WriteAsJsonAsync(new { n = 1 }));

        var failFast = new RedisConnectorCoordination(multiplexer).Apply(
            new ConnectorConnectionOptions { BaseAddress = app.Api },
            typeof(QuotaClient),
            "down"
        );
        using (var connection = QuotaConnection.CreateApiKey("api-secret-91c2", failFast))
        using (var client = new QuotaClient(connection))
        {
            var watch = Stopwatch.StartNew();
            var ex = await Assert.ThrowsAsync<RedisCoordinationException>(() => client.PingAsync());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"failed after {watch.Elapsed}");
            Assert.Equal("quota", ex.Connector);
            Assert.Contains("'quota'", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("redis-secret-7f3a", ex.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("api-secret-91c2", ex.ToString(), StringComparison.Ordinal);
        }

        // With a fallback for 4 processes, this one may send 60 / 4 = 15 per window on its own.
        var fallback = new RedisConnectorCoordination(multiplexer, new RedisCoordinationOptions { LocalFallbackProcesses = 4 }).Apply(
            new ConnectorConnectionOptions { BaseAddress = app.Api },
            typeof(QuotaClient),
            "down"
        );
        using (var connection = QuotaConnection.CreateApiKey("k", fallback))
        using (var client = new QuotaClient(connection))
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 15; i++)
            {
                await client.PingAsync();
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"15 local permits took {watch.Elapsed}");
            var limiter = (RedisRateLimiter)fallback.SharedRateLimiter!;
            Assert.Equal(15, limiter.FallbackPermits);
            using var sixteenth = limiter.AttemptAcquire();
            Assert.False(sixteenth.IsAcquired);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<LocalApi> StartApiAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(new RequestDelegate(handler));
        await app.StartAsync();
        var address = new Uri(
            app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<IServerAddressesFeature>()!
                .Addresses.First()
        );
        return new LocalApi(app, new Uri(address, "/v1/"));
    }

    private sealed record LocalApi(WebApplication App, Uri Api) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }
}
