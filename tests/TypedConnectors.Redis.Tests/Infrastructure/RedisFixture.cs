using Xunit.Abstractions;

namespace TypedConnectors.Redis.Tests.Infrastructure;

/// <summary>One redis-server for the tests of the collection, which run one after another (they time real processes).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}

internal static class Timing
{
    /// <summary>Prints how long a slow part took, to the test output and to the console (visible in CI logs).</summary>
    public static void Report(ITestOutputHelper output, string what, TimeSpan elapsed, string? details = null)
    {
        var line = FormattableString.Invariant($"[timing] {what}: {elapsed.TotalSeconds:0.00} s{(details is null ? "" : " — " + details)}");
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
