namespace TypedConnectors;

/// <summary>
/// The connection's own pause when no <see cref="ConnectorConnectionOptions.SharedCoolDown"/> is set: a response that
/// reports the budget used up, or a 429/503 with a wait, holds back every caller of the connection, not only the one
/// that saw it.
/// </summary>
internal sealed class LocalCoolDown(TimeProvider time) : ISharedCoolDown
{
    /// <summary>The pause's end in UTC ticks; 0 while no pause is pending (a connection that was never paused reads no clock).</summary>
    private long _untilTicks;

    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        var until = Volatile.Read(ref _untilTicks);
        if (until == 0)
        {
            return ValueTask.CompletedTask;
        }

        if (until <= time.GetUtcNow().UtcTicks)
        {
            // Over: the next callers skip the clock too, unless a new pause was set in the meantime.
            Interlocked.CompareExchange(ref _untilTicks, 0, until);
            return ValueTask.CompletedTask;
        }

        return SleepAsync(cancellationToken);
    }

    public ValueTask PauseAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var until = (time.GetUtcNow() + delay).UtcTicks;
        var current = Volatile.Read(ref _untilTicks);
        while (until > current)
        {
            var seen = Interlocked.CompareExchange(ref _untilTicks, until, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask SleepAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var until = Volatile.Read(ref _untilTicks);
            var wait = until == 0 ? TimeSpan.Zero : new DateTimeOffset(until, TimeSpan.Zero) - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            // Looped: the pause may have been extended while this caller slept.
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
