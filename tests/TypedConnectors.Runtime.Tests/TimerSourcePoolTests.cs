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
}
