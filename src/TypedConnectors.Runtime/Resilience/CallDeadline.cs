using System.Globalization;

namespace TypedConnectors;

/// <summary>
/// The overall deadline of one logical call: attempts, waits between them and reading the response body. When it
/// passes, the call fails with a <see cref="TimeoutException"/> naming connector and operation; a cancellation by the
/// caller stays an <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// On the system clock the timer is one the connection shares between the calls that start within a short window
/// (<see cref="TimerSourcePool.Shared"/>): it passes at most 1/32 of the timeout (and a second) plus 16 ms late, and taking it arms
/// no timer. On a custom clock it is a pooled token source of the connection (<see cref="TimerSourcePool.Rent"/>),
/// given back when the deadline is disposed: with the response, once its body has been read. The caller's token is linked to it at most once per call,
/// and only when the caller's token can be canceled: through the shared timer's one link when the call passes the same
/// token as the window's other calls (<see cref="SharedTimer.TryLink"/>), else through a pooled link; a body read with
/// that same token (or with none) reuses the link.
/// </remarks>
internal sealed class CallDeadline : IDisposable
{
    private readonly TimerSourcePool? _pool;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _caller;
    private readonly CallState _call;
    private readonly SharedTimer? _shared;
    private CancellationTokenSource? _timer;
    private CancellationTokenSource? _linked;
    private PooledLink? _link;

    /// <summary>The window's link of the caller's token and the shared timer (<see cref="SharedTimer.TryLink"/>), when it is that.</summary>
    private CancellationToken _sharedLink;

    /// <summary>The body reader's token and its link to the deadline (<see cref="ForReader"/>).</summary>
    private CancellationToken _reader;
    private CancellationTokenSource? _readerLink;
    private int _disposed;

    public CallDeadline(TimeSpan timeout, TimerSourcePool pool, CancellationToken caller, CallState call)
    {
        _timeout = timeout;
        _caller = caller;
        _call = call;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        _shared = pool.Shared(timeout);
        if (_shared is null)
        {
            _pool = pool;
            _timer = pool.Rent(timeout);
        }

        if (!caller.CanBeCanceled)
        {
            return;
        }

        if (_shared is not null)
        {
            // An HttpClient's token can always be canceled: the window's calls with the same token share one link;
            // others take a pooled one, so no linked source is allocated and registered per call either way.
            if (!_shared.TryLink(caller, out _sharedLink))
            {
                _pool = pool;
                _link = pool.Link(caller, _shared.Token);
            }
        }
        else
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, Token);
        }
    }

    /// <summary>The deadline alone: <see cref="CancellationToken.None"/> when the call has none.</summary>
    public CancellationToken Token => _shared?.Token ?? _timer?.Token ?? CancellationToken.None;

    /// <summary>What the call's attempts observe: the caller's token and the deadline.</summary>
    public CancellationToken CallToken =>
        _sharedLink.CanBeCanceled ? _sharedLink
        : Volatile.Read(ref _link) is { } link ? link.Token
        : _linked is { } linked ? linked.Token
        : _shared?.Token ?? _timer?.Token ?? _caller;

    /// <summary>
    /// The token a read of the body observes for a reader's token: the deadline with it. A reader's token that is
    /// neither the call's nor none is linked to the deadline once, and that link serves the reads that pass the same
    /// token (a deserializer passes its one token to every read) until the deadline is disposed.
    /// </summary>
    public CancellationToken ForReader(CancellationToken reader)
    {
        var deadline = Token;
        if (!deadline.CanBeCanceled)
        {
            return reader;
        }

        if (!reader.CanBeCanceled)
        {
            return deadline;
        }

        if (reader == _caller && (_sharedLink.CanBeCanceled || Volatile.Read(ref _link) is not null || _linked is not null))
        {
            return CallToken;
        }

        // Reads of one body are sequential, so the cached link is never replaced while a read uses it.
        if (_readerLink is { } cached && reader == _reader)
        {
            return cached.Token;
        }

        var link = CancellationTokenSource.CreateLinkedTokenSource(reader, deadline);
        _reader = reader;
        Interlocked.Exchange(ref _readerLink, link)?.Dispose();
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposed meanwhile (the response, while this read started): the link is not left registered.
            Interlocked.Exchange(ref _readerLink, null)?.Dispose();
        }

        return link.Token;
    }

    /// <summary>Whether an operation that was canceled with a token linked to <paramref name="callerToken"/> stopped for the deadline.</summary>
    public bool Expired(CancellationToken callerToken) => Token.IsCancellationRequested && !callerToken.IsCancellationRequested;

    public TimeoutException Exception(Exception? inner)
    {
        var operation =
            _call.Operation?.OperationId ?? _call.Method.Method + " " + (_call.Operation?.UrlTemplate ?? Log.Redact(_call.RequestUri));
        return new(
            $"The call {operation} of connector '{_call.Slug}' did not complete within its deadline of {_timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.",
            inner
        );
    }

    /// <summary>Gives the timer back to the pool (once; later calls do nothing); a shared timer is left to fire.</summary>
    public void Dispose()
    {
        // Disposing the link twice does nothing; the pooled timer and link are given back once.
        Volatile.Write(ref _disposed, 1);
        _linked?.Dispose();
        Interlocked.Exchange(ref _readerLink, null)?.Dispose();
        if (Interlocked.Exchange(ref _link, null) is { } link)
        {
            _pool!.Release(link);
        }

        if (Interlocked.Exchange(ref _timer, null) is { } timer)
        {
            _pool!.Return(timer);
        }
    }
}
