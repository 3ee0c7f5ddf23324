namespace TypedConnectors;

/// <summary>
/// The connection's own pause when no <see cref="ConnectorConnectionOptions.SharedCoolDown"/> is set: a response that
/// reports the budget used up, or a 429/503 with a wait, holds back every caller of the connection, not only the one
/// that saw it.
/// </summary>
internal sealed class LocalCoolDown(TimeProvider time) : ISharedCoolDown
{
    private readonly object _gate = new();
    private DateTimeOffset _until = DateTimeOffset.MinValue;

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                wait = _until - time.GetUtcNow();
            }

            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            // Looped: the pause may have been extended while this caller slept.
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask PauseAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + delay;
        lock (_gate)
        {
            if (until > _until)
            {
                _until = until;
            }
        }

        return ValueTask.CompletedTask;
    }
}
