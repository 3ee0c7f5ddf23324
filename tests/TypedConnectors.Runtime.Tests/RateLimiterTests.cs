using System.Threading.RateLimiting;
using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

public class RateLimiterTests
{
    /// <summary>Fails when more than <paramref name="limit"/> of <paramref name="times"/> fall in any window [t, t + window).</summary>
    internal static void AssertNoWindowExceeds(IReadOnlyList<DateTimeOffset> times, int limit, TimeSpan window)
    {
        var sorted = times.OrderBy(t => t).ToList();

        // The busiest window always starts at some start time, so checking those is exhaustive.
        for (var i = 0; i < sorted.Count; i++)
        {
            var inWindow = sorted.Skip(i).TakeWhile(t => t - sorted[i] < window).Count();
            Assert.True(inWindow <= limit, $"{inWindow} starts within {window} from {sorted[i]:O}, limit {limit}.");
        }
    }

    [Fact]
    public void The_window_checker_detects_a_violation()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        var times = Enumerable.Range(0, 3).Select(i => t0.AddSeconds(i * 29)).ToList();
        Assert.ThrowsAny<Exception>(() => AssertNoWindowExceeds(times, 2, TimeSpan.FromSeconds(60)));
        AssertNoWindowExceeds(times, 3, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Hundred_waiting_requests_at_ten_per_minute_never_exceed_ten_in_any_minute()
    {
        var time = new FakeTimeProvider();
        using var limiter = new SlidingWindowLogRateLimiter(10, TimeSpan.FromMinutes(1), time);
        var start = time.GetUtcNow();
        var grants = new List<DateTimeOffset>();
        long seen = 0;
        void Record()
        {
            var total = limiter.GetStatistics()!.TotalSuccessfulLeases;
            for (; seen < total; seen++)
            {
                grants.Add(time.GetUtcNow());
            }
        }

        var leases = Enumerable.Range(0, 100).Select(_ => limiter.AcquireAsync(1).AsTask()).ToList();
        Record();
        while (time.NextTimerIn is { } next)
        {
            time.Advance(next);
            Record();
        }

        var acquired = await Task.WhenAll(leases);
        Assert.All(acquired, lease => Assert.True(lease.IsAcquired));
        Assert.Equal(100, grants.Count);
        AssertNoWindowExceeds(grants, 10, TimeSpan.FromMinutes(1));

        // Not more conservative than needed: ten every minute, the last batch at 9 minutes.
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(m => Enumerable.Repeat(start.AddMinutes(m), 10)), grants);
    }

    [Fact]
    public async Task Random_arrivals_never_exceed_the_limit_in_any_window()
    {
        var random = new Random(12345);
        var time = new FakeTimeProvider();
        var window = TimeSpan.FromSeconds(10);
        using var limiter = new SlidingWindowLogRateLimiter(7, window, time);
        var grants = new List<DateTimeOffset>();
        long seen = 0;
        void Record()
        {
            var total = limiter.GetStatistics()!.TotalSuccessfulLeases;
            for (; seen < total; seen++)
            {
                grants.Add(time.GetUtcNow());
            }
        }

        var arrivals = new List<TimeSpan>();
        var at = TimeSpan.Zero;
        for (var i = 0; i < 300; i++)
        {
            at += TimeSpan.FromMilliseconds(random.Next(0, 4000));
            arrivals.Add(at);
        }

        var pending = new List<Task<RateLimitLease>>();
        var permits = new List<int>();
        long maxQueued = 0;
        var elapsed = TimeSpan.Zero;
        var index = 0;
        while (index < arrivals.Count || time.NextTimerIn is not null)
        {
            // Step to whichever comes first, the next arrival or the next limiter timer, so every grant is seen at its own time.
            var untilArrival = index < arrivals.Count ? arrivals[index] - elapsed : TimeSpan.MaxValue;
            var untilTimer = time.NextTimerIn ?? TimeSpan.MaxValue;
            var step = untilArrival < untilTimer ? untilArrival : untilTimer;
            time.Advance(step);
            elapsed += step;
            Record();
            while (index < arrivals.Count && arrivals[index] == elapsed)
            {
                var count = random.Next(1, 3);
                permits.Add(count);
                pending.Add(limiter.AcquireAsync(count).AsTask());
                maxQueued = Math.Max(maxQueued, limiter.GetStatistics()!.CurrentQueuedCount);
                index++;
                Record();
            }
        }

        var leases = await Task.WhenAll(pending);
        Assert.All(leases, lease => Assert.True(lease.IsAcquired));

        // Grants are first in, first out, so the n-th grant is the n-th request: expand it to one start per permit.
        Assert.Equal(leases.Length, grants.Count);
        var permitTimes = grants.SelectMany((at, i) => Enumerable.Repeat(at, permits[i])).ToList();
        AssertNoWindowExceeds(permitTimes, 7, window);
        Assert.True(maxQueued > 5, "The arrivals were meant to outpace the limit at times.");
    }

    [Fact]
    public void Multi_permit_grants_count_every_permit()
    {
        var time = new FakeTimeProvider();
        using var limiter = new SlidingWindowLogRateLimiter(3, TimeSpan.FromSeconds(10), time);
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);
        Assert.False(limiter.AttemptAcquire(2).IsAcquired);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        Assert.False(limiter.AttemptAcquire(1).IsAcquired);
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(4));
    }

    [Fact]
    public void A_failed_attempt_reports_when_a_permit_frees_up()
    {
        var time = new FakeTimeProvider();
        using var limiter = new SlidingWindowLogRateLimiter(2, TimeSpan.FromSeconds(60), time);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(limiter.AttemptAcquire().IsAcquired);

        using var failed = limiter.AttemptAcquire();
        Assert.False(failed.IsAcquired);
        Assert.True(failed.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);

        time.Advance(TimeSpan.FromSeconds(40) - TimeSpan.FromTicks(1));
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.Equal(0, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task Waiters_are_served_in_order_and_a_large_head_is_not_starved()
    {
        var time = new FakeTimeProvider();
        using var limiter = new SlidingWindowLogRateLimiter(2, TimeSpan.FromSeconds(10), time);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);

        var big = limiter.AcquireAsync(2).AsTask();
        var small = limiter.AcquireAsync(1).AsTask();
        Assert.False(limiter.AttemptAcquire(1).IsAcquired);

        // At 10 s one permit frees up; the head needs two, so nobody is served yet.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True((await big).IsAcquired);
        Assert.False(small.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await small).IsAcquired);
    }

    [Fact]
    public async Task A_canceled_waiter_leaves_the_queue_and_the_next_one_is_served()
    {
        var time = new FakeTimeProvider();
        using var limiter = new SlidingWindowLogRateLimiter(1, TimeSpan.FromSeconds(10), time);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        using var cts = new CancellationTokenSource();
        var canceled = limiter.AcquireAsync(1, cts.Token).AsTask();
        var next = limiter.AcquireAsync(1).AsTask();
        Assert.Equal(2, limiter.GetStatistics()!.CurrentQueuedCount);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);
        Assert.Equal(1, limiter.GetStatistics()!.CurrentQueuedCount);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await next).IsAcquired);
    }

    [Fact]
    public async Task The_queue_limit_and_disposal_fail_requests_instead_of_hanging()
    {
        var time = new FakeTimeProvider();
        var limiter = new SlidingWindowLogRateLimiter(1, TimeSpan.FromSeconds(10), time, queueLimit: 1);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        var queued = limiter.AcquireAsync(1).AsTask();
        Assert.False((await limiter.AcquireAsync(1)).IsAcquired);

        limiter.Dispose();
        Assert.False((await queued).IsAcquired);
        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire());
    }

    [Fact]
    public void Idle_duration_counts_from_the_last_grant_once_the_window_is_empty()
    {
        var time = new FakeTimeProvider();
        using var limiter = new SlidingWindowLogRateLimiter(1, TimeSpan.FromSeconds(10), time);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(limiter.IdleDuration);
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(12), limiter.IdleDuration);
    }
}
