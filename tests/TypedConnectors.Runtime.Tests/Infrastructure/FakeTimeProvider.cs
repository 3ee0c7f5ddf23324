namespace TypedConnectors.Tests.Infrastructure;

/// <summary>
/// A TimeProvider whose clock only moves when a test advances it; timers fire synchronously inside
/// <see cref="Advance"/>, in due order, at their due time.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _lock = new();
    private readonly List<FakeTimer> _timers = [];
    private readonly List<TimeSpan> _requestedDelays = [];
    private DateTimeOffset _now;
    private long _timerSequence;

    public FakeTimeProvider(DateTimeOffset? start = null)
    {
        _now = start ?? new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Every due time passed to CreateTimer or Change, in order: what Task.Delay and the limiters asked for.</summary>
    public IReadOnlyList<TimeSpan> RequestedDelays
    {
        get
        {
            lock (_lock)
            {
                return [.. _requestedDelays];
            }
        }
    }

    public int PendingTimerCount
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    /// <summary>How long until the next timer fires, or null when none is scheduled.</summary>
    public TimeSpan? NextTimerIn
    {
        get
        {
            lock (_lock)
            {
                var next = _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
                return next == DateTimeOffset.MaxValue ? null : next - _now;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _now.UtcTicks;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that comes due on the way at its own due time.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + delta;
        }

        while (true)
        {
            FakeTimer? due;
            lock (_lock)
            {
                due = _timers.Where(t => t.Due is { } d && d <= target).OrderBy(t => t.Due).ThenBy(t => t.Sequence).FirstOrDefault();
                if (due is null)
                {
                    _now = target;
                    return;
                }

                if (due.Due!.Value > _now)
                {
                    _now = due.Due.Value;
                }

                due.Due = due.Period is { } period && period > TimeSpan.Zero ? _now + period : null;
            }

            due.Fire();
        }
    }

    /// <summary>Advances exactly to the next timer's due time; false when no timer is scheduled.</summary>
    public bool AdvanceToNextTimer()
    {
        var next = NextTimerIn;
        if (next is null)
        {
            return false;
        }

        Advance(next.Value < TimeSpan.Zero ? TimeSpan.Zero : next.Value);
        return true;
    }

    /// <summary>Polls (in real time) until a condition holds; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + (what ?? "a condition") + ".");
            }

            await Task.Delay(2);
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; private set; }

        public long Sequence { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                if (!owner._timers.Contains(this))
                {
                    return false;
                }

                Sequence = ++owner._timerSequence;
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    Due = null;
                }
                else
                {
                    owner._requestedDelays.Add(dueTime);
                    Due = owner._now + dueTime;
                }

                return true;
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
