using System.Diagnostics;
using System.Globalization;
using ScaleOut;
using ScaleOut.Records;
using TypedConnectors;
using TypedConnectors.Redis;

// Scale-out in one command: this process hosts a local API and OAuth server on 127.0.0.1, stores an expired token with
// a refresh token in Redis, and starts N copies of itself as workers. The workers share one rate limit, one concurrency
// limit, one Retry-After cool-down and one OAuth grant through Redis. At the end this process prints how many requests
// the API received per window, and exits 1 if any window held more than the limit or a refresh token was reused.
//   dotnet run --project samples/ScaleOut [-- --processes 4 --calls 75 --redis 127.0.0.1:6379]
if (args.Length > 0 && args[0] == "worker")
{
    return await RunWorkerAsync(args[1], new Uri(args[2]), new Uri(args[3]), args[4], int.Parse(args[5], CultureInfo.InvariantCulture));
}

var processes = Option("--processes", 4);
var calls = Option("--calls", 75);
var redisConfiguration =
    args.SkipWhile(a => a != "--redis").Skip(1).FirstOrDefault()
    ?? Environment.GetEnvironmentVariable("SCALEOUT_REDIS")
    ?? "127.0.0.1:6379";
const int Limit = 60;
var window = TimeSpan.FromSeconds(2);

// Longer than the run: a token that expires while its request still waits for a rate permit is sent stale (see docs/scale-out.md).
await using var server = await LocalServer.StartAsync(tokenLifetime: TimeSpan.FromSeconds(20));
using var redis = await RedisConnectorCoordination.ConnectAsync(redisConfiguration);
if (!redis.IsConnected)
{
    Console.Error.WriteLine("Redis is not reachable; start it first: redis-server --port 6379 --save \"\" --appendonly no");
    return 2;
}

// The grant a user completed earlier: its access token has expired, its refresh token is good for one use.
var connectionId = "tenant-" + Guid.NewGuid().ToString("N")[..8];
var store = new RedisConnectorCoordination(redis).CreateTokenStore();
string storeKey;
using (var probe = RecordsConnection.CreateOauth("sample-client", "sample-secret", connectionId))
{
    storeKey = probe.OAuthSession!.StoreKey;
}

await store.SaveAsync(storeKey, new OAuthToken("expired", server.StartGrant(), DateTimeOffset.UtcNow.AddMinutes(-1)), default);

Console.WriteLine($"{processes} worker processes × {calls} calls, limit {Limit} per {window.TotalSeconds:0} s, API at {server.Api}");
var self = typeof(LocalServer).Assembly.Location;
var watch = Stopwatch.StartNew();
var workers = Enumerable
    .Range(0, processes)
    .Select(_ =>
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (
            var arg in new[]
            {
                self,
                "worker",
                redisConfiguration,
                server.Api.AbsoluteUri,
                server.TokenEndpoint.AbsoluteUri,
                connectionId,
                calls.ToString(CultureInfo.InvariantCulture),
            }
        )
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    })
    .ToList();
foreach (var worker in workers)
{
    await worker.WaitForExitAsync();
}

var arrivals = server.Arrivals.Order().ToArray();
Console.WriteLine(
    $"done in {watch.Elapsed.TotalSeconds:0.0} s; the API received {arrivals.Length} requests ({server.Rejected} answered 401 for a token that expired on the way, then sent again)"
);
var first = arrivals.Length == 0 ? 0 : arrivals[0];
foreach (var group in arrivals.GroupBy(a => (int)((a - first) / window.TotalSeconds)))
{
    Console.WriteLine(
        $"  window {group.Key, 3} ({group.Key * window.TotalSeconds, 5:0} s): {group.Count(), 3} requests {new string('#', group.Count() / 2)}"
    );
}

var maxInAnyWindow = LocalServer.MaxInAnyWindow(arrivals, window);
Console.WriteLine($"most requests in any {window.TotalSeconds:0} s interval: {maxInAnyWindow} (limit {Limit})");
Console.WriteLine(
    $"token requests: {server.TokenRequests} (one per expiry, however many processes); refresh-token problems: {server.Problems.Count}"
);
var failed = workers.Count(w => w.ExitCode != 0);
if (maxInAnyWindow > Limit || server.Problems.Count > 0 || failed > 0 || arrivals.Length - server.Rejected != processes * calls)
{
    Console.Error.WriteLine(
        $"FAILED: max {maxInAnyWindow} > {Limit}, or {server.Problems.Count} token problems, or {failed} failed workers, or {arrivals.Length - server.Rejected} != {processes * calls} answered requests"
    );
    return 1;
}

Console.WriteLine("OK: the shared budget held and the grant survived every refresh");
return 0;

int Option(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

static async Task<int> RunWorkerAsync(string redisConfiguration, Uri api, Uri tokenEndpoint, string connectionId, int calls)
{
    using var redis = await RedisConnectorCoordination.ConnectAsync(redisConfiguration);
    var coordination = new RedisConnectorCoordination(redis);

    // What a service does once at start-up: the connector's declared limits become shared ones, scoped to the tenant.
    var options = new ConnectorConnectionOptions { BaseAddress = api };
    options.OAuth.TokenEndpoint = tokenEndpoint;
    coordination.Apply(options, typeof(RecordsClient), connectionId);
    using var connection = RecordsConnection.CreateOauth("sample-client", "sample-secret", connectionId, options);
    using var client = new RecordsClient(connection);

    var next = 0;
    var failures = 0;
    await Task.WhenAll(
        Enumerable
            .Range(0, 8)
            .Select(_ =>
                Task.Run(async () =>
                {
                    for (var id = Interlocked.Increment(ref next); id <= calls; id = Interlocked.Increment(ref next))
                    {
                        try
                        {
                            await client.GetRecordAsync(id);
                        }
                        catch (Exception ex) when (ex is ConnectorApiException or RedisCoordinationException or OAuthException)
                        {
                            Interlocked.Increment(ref failures);
                            Console.Error.WriteLine($"worker {Environment.ProcessId}: {ex.Message}");
                        }
                    }
                })
            )
    );
    return failures == 0 ? 0 : 1;
}
