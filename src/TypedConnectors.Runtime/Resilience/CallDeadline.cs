using System.Globalization;

namespace TypedConnectors;

/// <summary>
/// The overall deadline of one logical call: attempts, waits between them and reading the response body. When it
/// passes, the call fails with a <see cref="TimeoutException"/> naming connector and operation; a cancellation by the
/// caller stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class CallDeadline : IDisposable
{
    private readonly CancellationTokenSource? _timer;
    private readonly TimeSpan _timeout;
    private readonly string _what;

    public CallDeadline(TimeSpan timeout, TimeProvider time, string slug, string operation)
    {
        _timeout = timeout;
        _what = $"{operation} of connector '{slug}'";
        _timer = timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout, time);
    }

    public CancellationToken Token => _timer?.Token ?? CancellationToken.None;

    /// <summary>Whether an operation that was canceled with a token linked to <paramref name="callerToken"/> stopped for the deadline.</summary>
    public bool Expired(CancellationToken callerToken) => _timer?.IsCancellationRequested == true && !callerToken.IsCancellationRequested;

    public TimeoutException Exception(Exception? inner) =>
        new(
            $"The call {_what} did not complete within its deadline of {_timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.",
            inner
        );

    public void Dispose() => _timer?.Dispose();
}
