using System.Collections.Concurrent;
using System.Diagnostics;

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

    /// <summary>The most a shared timer fires after its time: a deadline of minutes is late by a second at most.</summary>
    internal static readonly TimeSpan MaxLateness = TimeSpan.FromSeconds(1);

    /// <summary>A shared timer fires at most 1/32 of its delay late (3 %), and is shared by the calls of that window.</summary>
    private const int LatenessDivisor = 32;

    /// <summary>
    /// Added to a shared timer's due time so that it never fires early by a precise clock: the runtime's timers are
    /// armed in whole milliseconds and run on the coarse tick count (1–4 ms on Linux, 15.6 ms on Windows), so one may
    /// fire that much before its due time.
    /// </summary>
    internal static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(16);

    /// <summary>Longer delays (beyond what a timer can be armed for, once the lateness is added) get a timer of their own.</summary>
    private static readonly TimeSpan MaxSharedDelay = TimeSpan.FromDays(1);

    private readonly ConcurrentQueue<CancellationTokenSource> _idle = new();
    private readonly ConcurrentQueue<PooledLink> _idleLinks = new();
    private int _linkCount;
    private readonly SharedTimer?[] _shared = new SharedTimer?[4];
    private int _count;
    private int _nextSlot;

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

    /// <summary>
    /// A timer shared by the calls that start within a short window: its token is canceled no earlier than
    /// <paramref name="delay"/> from now, and at most 1/32 of the delay (and <see cref="MaxLateness"/>) plus
    /// <see cref="TimerSlack"/> after that.
    /// Taking it arms no timer (one is armed per window and delay), so a call pays no timer-queue lock for a deadline
    /// that almost never fires. Null on a custom clock, whose timers tests advance exactly: use <see cref="Rent"/>.
    /// </summary>
    /// <remarks>
    /// The source is shared: nobody may cancel it (a caller's token is linked to its token, never the other way), and
    /// it is never returned; it fires once and is dropped.
    /// </remarks>
    public SharedTimer? Shared(TimeSpan delay)
    {
        if (!ReferenceEquals(time, TimeProvider.System) || delay <= TimeSpan.Zero || delay > MaxSharedDelay)
        {
            return null;
        }

        // A connection uses a few delays (its call timeout and attempt timeout, per-call overrides): one slot each.
        var now = Stopwatch.GetTimestamp();
        var slot = -1;
        for (var i = 0; i < _shared.Length; i++)
        {
            if (Volatile.Read(ref _shared[i]) is { } current && current.Delay == delay)
            {
                if (now <= current.ValidUntil)
                {
                    return current;
                }

                slot = i;
                break;
            }
        }

        if (slot < 0)
        {
            slot = (int)((uint)Interlocked.Increment(ref _nextSlot) % (uint)_shared.Length);
        }

        var lateness = TimeSpan.FromTicks(Math.Min(delay.Ticks / LatenessDivisor, MaxLateness.Ticks));
        var window = (long)(lateness.TotalSeconds * Stopwatch.Frequency);
        var fire = delay + lateness + TimerSlack;
        var created = new SharedTimer(
            delay,
            new CancellationTokenSource(fire),
            validUntil: now + window,
            firesAt: now + (long)(fire.TotalSeconds * Stopwatch.Frequency)
        );
        Volatile.Write(ref _shared[slot], created);
        return created;
    }

    /// <summary>
    /// A source that <paramref name="first"/> and <paramref name="second"/> cancel: a linked source without its
    /// allocation, reused once <see cref="Release"/>d, which also undoes its registrations.
    /// </summary>
    public PooledLink Link(CancellationToken first, CancellationToken second)
    {
        PooledLink? link;
        while (_idleLinks.TryDequeue(out link))
        {
            Interlocked.Decrement(ref _linkCount);
            if (!link.IsCancellationRequested)
            {
                break;
            }

            link = null;
        }

        link ??= new PooledLink();
        link.LinkTo(first, second);
        return link;
    }

    /// <summary>Undoes a <see cref="Link"/>'s registrations and takes its source back (once nothing uses its token).</summary>
    public void Release(PooledLink link)
    {
        // Unregister, not Dispose, so a cancellation running right now is not waited for; but then its callback may
        // still be about to cancel the source, which is therefore dropped rather than reset for another call (and not
        // disposed, which that callback would find).
        if (link.Unlink() && link.TryReset())
        {
            if (Interlocked.Increment(ref _linkCount) <= Capacity)
            {
                _idleLinks.Enqueue(link);
                return;
            }

            Interlocked.Decrement(ref _linkCount);
        }
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

/// <summary>One shared timer of a <see cref="TimerSourcePool"/>: see <see cref="TimerSourcePool.Shared"/>.</summary>
internal sealed class SharedTimer(TimeSpan delay, CancellationTokenSource source, long validUntil, long firesAt)
{
    private Linked? _linked;

    public TimeSpan Delay { get; } = delay;

    /// <summary>The <see cref="Stopwatch"/> timestamp until which a call starting may take this timer.</summary>
    public long ValidUntil { get; } = validUntil;

    /// <summary>The <see cref="Stopwatch"/> timestamp the timer is armed for.</summary>
    public long FiresAt { get; } = firesAt;

    public CancellationToken Token { get; } = source.Token;

    public bool IsCancellationRequested => Token.IsCancellationRequested;

    /// <summary>
    /// A token canceled by this timer or by <paramref name="caller"/>, shared by the calls of this timer's window that
    /// pass the same token: the common case of many calls through one HttpClient without a token of their own, which
    /// all see that client's token. Sharing it is exact: those calls are all canceled by that token, and all due by the
    /// time this timer fires. One link per timer, made by the first call of the window that can be canceled; a call
    /// with another token gets false and links its own (<see cref="TimerSourcePool.Link"/>).
    /// </summary>
    /// <remarks>
    /// The link is never returned, reset or disposed, since calls may hold its token (and its wait handle) at any time;
    /// once canceled (by this timer at the latest) it takes its registrations off <paramref name="caller"/> and the timer.
    /// </remarks>
    public bool TryLink(CancellationToken caller, out CancellationToken token)
    {
        var linked = Volatile.Read(ref _linked);
        if (linked is null)
        {
            var source = new PooledLink();
            source.LinkTo(caller, Token);
            var created = new Linked(caller, source.Token);
            linked = Interlocked.CompareExchange(ref _linked, created, null);
            if (linked is null)
            {
                linked = created;

                // Registered last, so it also runs (at once) when one of the two was canceled already.
                source.Token.UnsafeRegister(static s => ((PooledLink)s!).Unlink(), source);
            }
            else
            {
                // Another call made the window's link first.
                source.Unlink();
            }
        }

        token = linked.Caller == caller ? linked.Token : default;
        return token.CanBeCanceled;
    }

    private sealed class Linked(CancellationToken caller, CancellationToken token)
    {
        public CancellationToken Caller { get; } = caller;

        public CancellationToken Token { get; } = token;
    }
}

/// <summary>
/// A source canceled by two tokens, with its registrations on them: pooled by <see cref="TimerSourcePool.Link"/>, or a
/// window's shared link (<see cref="SharedTimer.TryLink"/>).
/// </summary>
internal sealed class PooledLink : CancellationTokenSource
{
    private CancellationTokenRegistration _first;
    private CancellationTokenRegistration _second;

    /// <summary>Cancels this source when either token is canceled (at once when one already is).</summary>
    public void LinkTo(CancellationToken first, CancellationToken second)
    {
        _first = first.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), this);
        _second = second.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), this);
    }

    /// <summary>
    /// Takes the registrations off both tokens without waiting for a cancellation that is running: false when one of
    /// them may still be about to cancel this source.
    /// </summary>
    public bool Unlink()
    {
        var first = Unregister(_first);
        var second = Unregister(_second);
        _first = default;
        _second = default;
        return first && second;
    }

    private static bool Unregister(CancellationTokenRegistration registration) =>
        !registration.Token.CanBeCanceled || registration.Unregister();
}
