namespace TypedConnectors;

/// <summary>
/// A call's <see cref="ConnectorCallOptions.Timeout"/> as a cancellation linked to the caller's token. Handlers that
/// honour the timeout themselves see the same option on the message; this makes the whole call end at the deadline in
/// any case.
/// </summary>
internal readonly struct CallDeadline : IDisposable
{
    private readonly CancellationTokenSource? _source;
    private readonly TimeSpan _timeout;

    private CallDeadline(CancellationTokenSource? source, TimeSpan timeout, CancellationToken token)
    {
        _source = source;
        _timeout = timeout;
        Token = token;
    }

    /// <summary>The token the call runs under: the caller's, cancelled at the deadline too.</summary>
    public CancellationToken Token { get; }

    public static CallDeadline Start(ConnectorCallOptions? options, CancellationToken ct)
    {
        if (options?.Timeout is not { } timeout || timeout == Timeout.InfiniteTimeSpan)
        {
            return new CallDeadline(null, default, ct);
        }

        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeout, "The call timeout must be positive or infinite.");
        }

        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        source.CancelAfter(timeout);
        return new CallDeadline(source, timeout, source.Token);
    }

    /// <summary>Whether a cancellation came from the deadline rather than from the caller.</summary>
    public bool HasExpired(CancellationToken callerToken) =>
        _source?.IsCancellationRequested == true && !callerToken.IsCancellationRequested;

    /// <summary>Same shape as HttpClient's own timeout, so callers that already handle it keep working.</summary>
    public Exception TimeoutError(OperationCanceledException cause) =>
        new TaskCanceledException(
            string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"The call was canceled because it took longer than its timeout of {_timeout.TotalSeconds:0.###} s."
            ),
            new TimeoutException(cause.Message, cause)
        );

    public void Dispose() => _source?.Dispose();
}
