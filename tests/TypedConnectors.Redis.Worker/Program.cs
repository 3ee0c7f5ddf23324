using System.Diagnostics;
using System.Globalization;
using RedisWorker.Quota;
using TypedConnectors;
using TypedConnectors.Redis;

// One worker process of the scale-out tests. Every mode builds the generated Quota connection the way a service would:
// options with the Redis-backed limits, cool-down and token store installed, then calls through the generated client.
//   rate  <redis> <api> <scope> <calls> <parallel>              calls ping <calls> times with <parallel> callers
//   oauth <redis> <api> <tokenUrl> <connectionId> <callers>      <callers> concurrent get_me with one shared OAuth token
//   hold  <redis> <api> <scope> <requests>                       starts <requests> hang calls and never finishes them
//   loop  <redis> <api> <tokenUrl> <connectionId> <ms> <parallel> get_me repeatedly for <ms>, counting failures by kind
// rate and oauth print READY and wait for a line on stdin, so all processes start together. Results: "RESULT k=v ...".
var mode = args[0];
using var redis = await RedisConnectorCoordination.ConnectAsync(args[1]);
var coordinationOptions = new RedisCoordinationOptions();
if (Environment.GetEnvironmentVariable("TC_LEASE_MS") is { } leaseMs)
{
    coordinationOptions.LeaseTime = TimeSpan.FromMilliseconds(int.Parse(leaseMs, CultureInfo.InvariantCulture));
}

var coordination = new RedisConnectorCoordination(redis, coordinationOptions);
var api = new Uri(args[2]);
switch (mode)
{
    case "rate":
    {
        var options = coordination.Apply(new ConnectorConnectionOptions { BaseAddress = api }, typeof(QuotaClient), args[3]);
        using var connection = QuotaConnection.CreateApiKey("worker-key", options);
        using var client = new QuotaClient(connection);
        var remaining = int.Parse(args[4], CultureInfo.InvariantCulture);
        var parallel = int.Parse(args[5], CultureInfo.InvariantCulture);
        WaitForGo();
        var watch = Stopwatch.StartNew();
        var failures = 0;
        await Task.WhenAll(
            Enumerable
                .Range(0, parallel)
                .Select(_ =>
                    Task.Run(async () =>
                    {
                        while (Interlocked.Decrement(ref remaining) >= 0)
                        {
                            try
                            {
                                await client.PingAsync();
                            }
                            catch (Exception ex)
                            {
                                Interlocked.Increment(ref failures);
                                Console.Error.WriteLine(ex.GetType().Name + ": " + ex.Message);
                            }
                        }
                    })
                )
        );
        Console.WriteLine(FormattableString.Invariant($"RESULT failures={failures} elapsed_ms={watch.ElapsedMilliseconds}"));
        return failures == 0 ? 0 : 1;
    }

    case "oauth":
    {
        using var connection = OAuthConnection(args[3], args[4]);
        using var client = new QuotaClient(connection);
        var callers = int.Parse(args[5], CultureInfo.InvariantCulture);
        Console.WriteLine("STOREKEY " + connection.OAuthSession!.StoreKey);
        WaitForGo();
        var results = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () => (await client.GetMeAsync()).Token)));
        var store = (RedisTokenStore)connection.OAuthSession.TokenStore;
        Console.WriteLine(
            FormattableString.Invariant(
                $"RESULT tokens={string.Join(',', results.Distinct())} renewals_run={store.RenewalsRun} calls={results.Length}"
            )
        );
        return 0;
    }

    case "hold":
    {
        var options = coordination.Apply(
            new ConnectorConnectionOptions { BaseAddress = api, AttemptTimeout = Timeout.InfiniteTimeSpan },
            typeof(QuotaClient),
            args[3]
        );
        using var connection = QuotaConnection.CreateApiKey("worker-key", options);
        using var client = new QuotaClient(connection);
        var requests = int.Parse(args[4], CultureInfo.InvariantCulture);
        var calls = Enumerable.Range(0, requests).Select(_ => client.HangAsync()).ToArray();
        Console.WriteLine("HOLDING");
        await Task.WhenAll(calls);
        return 0;
    }

    case "loop":
    {
        using var connection = OAuthConnection(args[3], args[4]);
        using var client = new QuotaClient(connection);
        var until = Stopwatch.StartNew();
        var duration = TimeSpan.FromMilliseconds(int.Parse(args[5], CultureInfo.InvariantCulture));
        var parallel = int.Parse(args[6], CultureInfo.InvariantCulture);
        long ok = 0,
            unavailable = 0,
            other = 0,
            slowestFailureMs = 0;
        await Task.WhenAll(
            Enumerable
                .Range(0, parallel)
                .Select(_ =>
                    Task.Run(async () =>
                    {
                        var previousFailed = false;
                        while (until.Elapsed < duration)
                        {
                            var started = Stopwatch.GetTimestamp();
                            try
                            {
                                await client.GetMeAsync();
                                Interlocked.Increment(ref ok);
                                previousFailed = false;
                            }
                            catch (RedisCoordinationException)
                            {
                                Interlocked.Increment(ref unavailable);

                                // A call started while Redis was already known to be down must fail at once; the first failure of
                                // a caller may include a rate-limit wait that began before the outage.
                                var ms = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                                long seen;
                                while (
                                    previousFailed
                                    && (seen = Interlocked.Read(ref slowestFailureMs)) < ms
                                    && Interlocked.CompareExchange(ref slowestFailureMs, ms, seen) != seen
                                ) { }

                                previousFailed = true;

                                // A failing dependency is not a reason to spin.
                                await Task.Delay(50);
                            }
                            catch (Exception ex)
                            {
                                Interlocked.Increment(ref other);
                                Console.Error.WriteLine("OTHER " + ex.GetType().Name + ": " + ex.Message);
                                previousFailed = false;
                                await Task.Delay(50);
                            }
                        }
                    })
                )
        );
        Console.WriteLine(
            FormattableString.Invariant(
                $"RESULT ok={ok} unavailable={unavailable} other={other} slowest_repeated_failure_ms={slowestFailureMs}"
            )
        );
        return 0;
    }

    default:
        Console.Error.WriteLine("unknown mode " + mode);
        return 2;
}

QuotaConnection OAuthConnection(string tokenUrl, string connectionId)
{
    var options = new ConnectorConnectionOptions { BaseAddress = api };
    options.OAuth.TokenEndpoint = new Uri(tokenUrl);
    coordination.Apply(options, typeof(QuotaClient), connectionId);
    return QuotaConnection.CreateOauth("worker-client", "worker-secret", connectionId, options);
}

static void WaitForGo()
{
    Console.WriteLine("READY");
    Console.ReadLine();
}
