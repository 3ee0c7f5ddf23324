using System.Threading.RateLimiting;

namespace TypedConnectors;

/// <summary>
/// A rate limiter that never grants more than <c>permitLimit</c> permits within any window of length <c>window</c>,
/// measured on a <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>
/// The limiters in System.Threading.RateLimiting do not fit here: their fixed and segmented sliding windows allow up to
/// twice the limit across a window boundary (or a limit per segment skew), and they run on their own timers, so
/// tests cannot drive them with a fake clock. This limiter keeps the grant times of the last <c>permitLimit</c>
/// permits and grants a new one only once the oldest of them is a full window old. That makes the guarantee exact:
/// for any <c>permitLimit + 1</c> grants, the first and the last are at least one window apart.
/// </para>
/// <para>Waiters are served first in, first out, so a large request cannot be starved by small ones.</para>
/// </remarks>
public sealed class SlidingWindowLogRateLimiter : RateLimiter
{
    private readonly int _permitLimit;
    private readonly TimeSpan _window;
    private readonly int _queueLimit;
    private readonly TimeProvider _timeProvider;
    private readonly object _lock = new();

    // Timestamps of the grants still inside the window, oldest first; one entry per permit.
    private readonly Queue<long> _grants = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private int _queuedPermits;
    private long _lastGrantTimestamp;
    private long _successfulLeases;
    private long _failedLeases;
    private ITimer? _timer;
    private bool _disposed;

    /// <summary>Creates the limiter.</summary>
    /// <param name="permitLimit">Permits allowed in any window; at least 1.</param>
    /// <param name="window">The window length; positive.</param>
    /// <param name="timeProvider">The clock and timer source; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="queueLimit">Permits that may wait for a grant before further requests fail; unlimited by default.</param>
    public SlidingWindowLogRateLimiter(int permitLimit, TimeSpan window, TimeProvider? timeProvider = null, int queueLimit = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        _permitLimit = permitLimit;
        _window = window;
        _queueLimit = queueLimit;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _lastGrantTimestamp = _timeProvider.GetTimestamp();
    }

    /// <summary>Permits allowed in any window.</summary>
    public int PermitLimit => _permitLimit;

    /// <summary>The window length.</summary>
    public TimeSpan Window => _window;

    /// <inheritdoc />
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var now = _timeProvider.GetTimestamp();
                Prune(now);
                return _grants.Count == 0 && _waiters.Count == 0 ? _timeProvider.GetElapsedTime(_lastGrantTimestamp, now) : null;
            }
        }
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            Prune(_timeProvider.GetTimestamp());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _permitLimit - _grants.Count,
                CurrentQueuedCount = _queuedPermits,
                TotalSuccessfulLeases = _successfulLeases,
                TotalFailedLeases = _failedLeases,
            };
        }
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ValidatePermitCount(permitCount);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _timeProvider.GetTimestamp();
            Prune(now);
            if (_waiters.Count == 0 && TryGrant(permitCount, now))
            {
                return Lease.Acquired;
            }

            _failedLeases++;
            return new Lease(false, RetryAfterLocked(permitCount, now));
        }
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ValidatePermitCount(permitCount);
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _timeProvider.GetTimestamp();
            Prune(now);
            if (_waiters.Count == 0 && TryGrant(permitCount, now))
            {
                return new ValueTask<RateLimitLease>(Lease.Acquired);
            }

            if (_queuedPermits + permitCount > _queueLimit)
            {
                _failedLeases++;
                return new ValueTask<RateLimitLease>(new Lease(false, RetryAfterLocked(permitCount, now)));
            }

            waiter = new Waiter(permitCount, cancellationToken);
            _waiters.AddLast(waiter);
            _queuedPermits += permitCount;
            ScheduleLocked(now);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((SlidingWindowLogRateLimiter)state!).Cancel(token),
                this
            );

            // Granted between enqueueing and registering: Complete may have missed the registration.
            if (waiter.Completion.Task.IsCompleted)
            {
                waiter.Registration.Dispose();
            }
        }

        return new ValueTask<RateLimitLease>(waiter.Completion.Task);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        List<Waiter> pending;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            _timer = null;
            pending = [.. _waiters];
            _waiters.Clear();
            _queuedPermits = 0;
        }

        foreach (var waiter in pending)
        {
            waiter.Completion.TrySetResult(new Lease(false, null));
            waiter.Registration.Dispose();
        }
    }

    /// <inheritdoc />
    protected override ValueTask DisposeAsyncCore()
    {
        Dispose(true);
        return ValueTask.CompletedTask;
    }

    private void ValidatePermitCount(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _permitLimit);
    }

    private void Prune(long now)
    {
        while (_grants.Count > 0 && _timeProvider.GetElapsedTime(_grants.Peek(), now) >= _window)
        {
            _grants.Dequeue();
        }
    }

    private bool TryGrant(int permitCount, long now)
    {
        if (_permitLimit - _grants.Count < permitCount)
        {
            return false;
        }

        for (var i = 0; i < permitCount; i++)
        {
            _grants.Enqueue(now);
        }

        _lastGrantTimestamp = now;
        _successfulLeases++;
        return true;
    }

    /// <summary>
    /// How long until <paramref name="permitCount"/> permits are free, ignoring waiters: the moment the grant that
    /// must leave the window is a full window old.
    /// </summary>
    private TimeSpan RetryAfterLocked(int permitCount, long now)
    {
        var mustExpire = _grants.Count - (_permitLimit - permitCount);
        if (mustExpire <= 0)
        {
            return TimeSpan.Zero;
        }

        var blocking = _grants.ElementAt(mustExpire - 1);
        var remaining = _window - _timeProvider.GetElapsedTime(blocking, now);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private void ScheduleLocked(long now)
    {
        if (_waiters.Count == 0)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = RetryAfterLocked(_waiters.First!.Value.PermitCount, now);

        // Timer resolution can fire a hair early; never schedule a zero-length spin.
        if (due <= TimeSpan.Zero)
        {
            due = TimeSpan.FromTicks(1);
        }

        if (_timer is null)
        {
            // The timer lives as long as the limiter; it must not keep the first caller's AsyncLocals (log scopes,
            // activities) alive or leak them into later grants.
            var suppress = !ExecutionContext.IsFlowSuppressed();
            var flow = suppress ? ExecutionContext.SuppressFlow() : default;
            try
            {
                _timer = _timeProvider.CreateTimer(
                    static state => ((SlidingWindowLogRateLimiter)state!).OnTimer(),
                    this,
                    due,
                    Timeout.InfiniteTimeSpan
                );
            }
            finally
            {
                if (suppress)
                {
                    flow.Undo();
                }
            }
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        List<Waiter>? granted = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            GrantWaitersLocked(ref granted);
        }

        Complete(granted);
    }

    private void GrantWaitersLocked(ref List<Waiter>? granted)
    {
        var now = _timeProvider.GetTimestamp();
        Prune(now);
        while (_waiters.First is { } first && TryGrant(first.Value.PermitCount, now))
        {
            _waiters.RemoveFirst();
            _queuedPermits -= first.Value.PermitCount;
            (granted ??= []).Add(first.Value);
        }

        ScheduleLocked(now);
    }

    private void Cancel(CancellationToken token)
    {
        List<Waiter>? canceled = null;
        List<Waiter>? granted = null;
        lock (_lock)
        {
            for (var node = _waiters.First; node is not null; )
            {
                var next = node.Next;
                if (node.Value.CancellationToken == token)
                {
                    _waiters.Remove(node);
                    _queuedPermits -= node.Value.PermitCount;
                    _failedLeases++;
                    (canceled ??= []).Add(node.Value);
                }

                node = next;
            }

            // The canceled waiter may have been the head that blocked smaller requests behind it.
            if (canceled is not null && !_disposed)
            {
                GrantWaitersLocked(ref granted);
            }
        }

        if (canceled is not null)
        {
            foreach (var waiter in canceled)
            {
                waiter.Completion.TrySetCanceled(token);
            }
        }

        Complete(granted);
    }

    private static void Complete(List<Waiter>? granted)
    {
        if (granted is null)
        {
            return;
        }

        foreach (var waiter in granted)
        {
            // Complete first, then drop the registration: see the check after registering in AcquireAsyncCore.
            waiter.Completion.TrySetResult(Lease.Acquired);
            waiter.Registration.Dispose();
        }
    }

    private sealed class Waiter(int permitCount, CancellationToken cancellationToken)
    {
        public int PermitCount { get; } = permitCount;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        // Continuations run on the thread pool, never inline under the limiter's timer callback or lock holder.
        public TaskCompletionSource<RateLimitLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }

    private sealed class Lease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);

        public override bool IsAcquired => isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } value && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = value;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
