using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

/// <summary>The connection's pooled timers behind call deadlines and attempt timeouts.</summary>
public class TimerSourcePoolTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    [Fact]
    public void A_returned_source_that_did_not_fire_is_rented_again_on_the_system_clock()
    {
        var pool = new TimerSourcePool(TimeProvider.System);

        var first = pool.Rent(Long);
        pool.Return(first);
        var second = pool.Rent(TimeSpan.FromMilliseconds(50));

        Assert.Same(first, second);

        // Rented again with the new due time, not the old one.
        Assert.True(second.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_source_that_fired_or_was_canceled_is_not_reused()
    {
        var pool = new TimerSourcePool(TimeProvider.System);

        var fired = pool.Rent(TimeSpan.FromMilliseconds(1));
        Assert.True(fired.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)));
        pool.Return(fired);
        var canceled = pool.Rent(Long);
        canceled.Cancel();
        pool.Return(canceled);

        var next = pool.Rent(Long);
        Assert.NotSame(fired, next);
        Assert.NotSame(canceled, next);
        Assert.False(next.IsCancellationRequested);
    }

    [Fact]
    public void A_registration_left_on_a_returned_source_is_not_called_by_its_next_use()
    {
        var pool = new TimerSourcePool(TimeProvider.System);
        var first = pool.Rent(Long);
        var calls = 0;
        first.Token.Register(() => calls++);
        pool.Return(first);

        var second = pool.Rent(Long);
        second.Cancel();

        Assert.Same(first, second);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void On_a_custom_clock_a_source_fires_on_that_clock_and_a_new_one_is_made_each_time()
    {
        var time = new FakeTimeProvider();
        var pool = new TimerSourcePool(time);

        var first = pool.Rent(TimeSpan.FromSeconds(10));
        pool.Return(first);
        var second = pool.Rent(TimeSpan.FromSeconds(5));

        // The runtime cannot tell whether a custom timer ever fired, so such a source is never reset for reuse.
        Assert.NotSame(first, second);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(second.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(second.IsCancellationRequested);
    }

    [Fact]
    public void Calls_starting_together_share_one_timer_which_fires_no_earlier_than_its_delay()
    {
        var pool = new TimerSourcePool(TimeProvider.System);
        var delay = TimeSpan.FromMilliseconds(300);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var first = pool.Shared(delay)!;
        var second = pool.Shared(delay)!;
        var other = pool.Shared(TimeSpan.FromHours(1))!;

        // Within the sharing window (1/32 of the delay) the same timer; another delay has its own.
        Assert.Same(first, second);
        Assert.NotSame(first, other);
        Assert.True(first.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)));
        Assert.True(started.Elapsed >= delay, $"fired after {started.Elapsed}");
        Assert.False(other.IsCancellationRequested);

        // Once its window is over (it has fired, even) a call gets a new one.
        Assert.NotSame(first, pool.Shared(delay));
    }

    [Fact]
    public void On_a_custom_clock_there_is_no_shared_timer()
    {
        Assert.Null(new TimerSourcePool(new FakeTimeProvider()).Shared(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_pooled_link_is_canceled_by_either_token_and_reused_only_when_neither_canceled_it()
    {
        var pool = new TimerSourcePool(TimeProvider.System);
        using var a = new CancellationTokenSource();
        using var b = new CancellationTokenSource();

        var link = pool.Link(a.Token, b.Token);
        Assert.False(link.Token.IsCancellationRequested);
        b.Cancel();
        Assert.True(link.Token.IsCancellationRequested);
        pool.Release(link);

        using var c = new CancellationTokenSource();
        using var d = new CancellationTokenSource();
        var fresh = pool.Link(c.Token, d.Token);
        Assert.NotSame(link, fresh);
        pool.Release(fresh);

        // Released: the tokens it was linked to no longer reach it, and its next use starts uncanceled.
        c.Cancel();
        using var e = new CancellationTokenSource();
        var reused = pool.Link(e.Token, CancellationToken.None);
        Assert.Same(fresh, reused);
        Assert.False(reused.Token.IsCancellationRequested);
        e.Cancel();
        Assert.True(reused.Token.IsCancellationRequested);
    }

    [Fact]
    public void Calls_of_a_window_with_the_same_token_share_one_link_and_calls_with_another_token_do_not()
    {
        var pool = new TimerSourcePool(TimeProvider.System);
        using var client = new CancellationTokenSource();
        using var other = new CancellationTokenSource();
        var timer = pool.Shared(Long)!;

        Assert.True(timer.TryLink(client.Token, out var first));
        Assert.True(timer.TryLink(client.Token, out var second));
        Assert.False(timer.TryLink(other.Token, out var none));

        Assert.Equal(first, second);
        Assert.NotEqual(client.Token, first);
        Assert.False(none.CanBeCanceled);
        Assert.False(first.IsCancellationRequested);

        // Another window (another delay here) has a link of its own.
        Assert.True(pool.Shared(TimeSpan.FromMinutes(30))!.TryLink(client.Token, out var later));
        Assert.NotEqual(first, later);
    }

    [Fact]
    public void A_shared_link_is_canceled_by_its_token_and_stays_usable_afterwards()
    {
        var pool = new TimerSourcePool(TimeProvider.System);
        using var client = new CancellationTokenSource();
        var timer = pool.Shared(Long)!;
        Assert.True(timer.TryLink(client.Token, out var link));

        client.Cancel();

        // Canceled (and off the client's source and the timer): reading it, waiting on it and registering on it still work.
        Assert.True(link.IsCancellationRequested);
        Assert.True(link.WaitHandle.WaitOne(0));
        Assert.False(timer.IsCancellationRequested);
        var called = false;
        link.Register(() => called = true);
        Assert.True(called);
        Assert.True(timer.TryLink(client.Token, out var again));
        Assert.True(again.IsCancellationRequested);
    }

    [Fact]
    public void A_shared_link_is_canceled_by_its_timer_no_earlier_than_the_delay()
    {
        var pool = new TimerSourcePool(TimeProvider.System);
        using var client = new CancellationTokenSource();
        var delay = TimeSpan.FromMilliseconds(200);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var timer = pool.Shared(delay)!;
        Assert.True(timer.TryLink(client.Token, out var link));

        Assert.True(link.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)));
        Assert.True(started.Elapsed >= delay, $"canceled after {started.Elapsed}");
        Assert.True(timer.IsCancellationRequested);
        Assert.False(client.IsCancellationRequested);
    }

    [Fact]
    public void A_shared_timer_taken_at_the_end_of_its_window_fires_no_earlier_than_the_delay_from_then()
    {
        // The last call of a window has the least time left before the shared timer fires: by a precise clock that is
        // still the whole delay, although the runtime's timers are armed in whole milliseconds on a coarse tick count.
        var pool = new TimerSourcePool(TimeProvider.System);
        // 351.99 ms: with 1/32 of it the due time is 362.99 ms, the most a whole-millisecond timer can lose.
        var delay = TimeSpan.FromTicks(3_519_900);
        var margin = System.Diagnostics.Stopwatch.Frequency / 20_000;
        var checkedRounds = 0;
        for (var round = 0; round < 30 && checkedRounds < 5; round++)
        {
            var timer = pool.Shared(delay)!;
            while (System.Diagnostics.Stopwatch.GetTimestamp() < timer.ValidUntil - margin) { }

            var taken = System.Diagnostics.Stopwatch.GetTimestamp();
            if (!ReferenceEquals(timer, pool.Shared(delay)))
            {
                // Preempted past the window's end: this round took the next timer, so it proves nothing.
                continue;
            }

            Assert.True(timer.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)));
            var waited = System.Diagnostics.Stopwatch.GetElapsedTime(taken);
            Assert.True(waited >= delay, $"fired {waited.TotalMilliseconds} ms after the last call took it");
            checkedRounds++;
        }

        Assert.Equal(5, checkedRounds);
    }
}
