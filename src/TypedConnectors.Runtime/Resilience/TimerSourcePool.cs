using System.Collections.Concurrent;

namespace TypedConnectors;

/// <summary>
/// Reusable <see cref="CancellationTokenSource"/>s with a timer, one pool per connection: a call's deadline and an
/// attempt's timeout each take one and give it back when the call or attempt is over, so a call allocates no token
/// source and no timer when none fires. A source that was canceled (its timer fired, or it was canceled through a
/// link) is not reused.
/// </summary>
/// <remarks>
/// A source is returned only by its one owner once the operation that used its token has completed, as
/// <see cref="CancellationTokenSource.TryReset"/> requires; the reset drops registrations left on it. The runtime resets
/// a source only when its timer never came due (so a timer firing while the source is returned cannot cancel its next
/// use), and only on the system clock: with a custom <see cref="TimeProvider"/> every rent makes a new source.
/// </remarks>
internal sealed class TimerSourcePool(TimeProvider time)
{
    /// <summary>How many idle sources are kept; beyond that, returned sources are disposed.</summary>
    internal const int Capacity = 64;

    private readonly ConcurrentQueue<CancellationTokenSource> _idle = new();
    private int _count;

    /// <summary>A source that cancels itself after <paramref name="delay"/> on the pool's clock.</summary>
    public CancellationTokenSource Rent(TimeSpan delay)
    {
        CancellationTokenSource? source;
        while (_idle.TryDequeue(out source))
        {
            Interlocked.Decrement(ref _count);
            if (!source.IsCancellationRequested)
            {
                break;
            }

            // A timer that fired while the source was being reset canceled it after all.
            source.Dispose();
            source = null;
        }

        // Created with the pool's clock and no due time: CancelAfter then runs on that clock's timer.
        source ??= new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);

        source.CancelAfter(delay);
        return source;
    }

    /// <summary>Takes a source back once nothing uses its token any more; a canceled source is disposed instead.</summary>
    public void Return(CancellationTokenSource source)
    {
        if (source.TryReset())
        {
            if (Interlocked.Increment(ref _count) <= Capacity)
            {
                _idle.Enqueue(source);
                return;
            }

            Interlocked.Decrement(ref _count);
        }

        source.Dispose();
    }
}
