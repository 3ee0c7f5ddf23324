using Microsoft.Extensions.Logging;

namespace TypedConnectors;

/// <summary>
/// The innermost step of a connection's pipeline: bounds one attempt with a timeout and logs it.
/// </summary>
/// <remarks>
/// The timeout is per attempt and starts after rate limiting and concurrency waits, so a long queue does not turn into
/// timeouts; HttpClient's own timeout would cover the whole call including those waits, which is why the connection's
/// clients switch it off.
/// </remarks>
internal sealed class TransportHandler(
    ILogger? logger,
    TimeProvider timeProvider,
    TimeSpan attemptTimeout,
    string? userAgent = null,
    TimerSourcePool? timers = null
) : DelegatingHandler
{
    private readonly TimerSourcePool _timers = timers ?? new TimerSourcePool(timeProvider);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        AttemptAsync(request, cancellationToken).AsTask();

    // Pooled: an attempt that waits on the network reuses the state machine's box instead of allocating one.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpResponseMessage> AttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Looked up without parsing (NonValidated), so a request that sets its own pays nothing.
        if (userAgent is not null && !request.Headers.NonValidated.Contains("User-Agent"))
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        // Only the log lines use it.
        var start = logger is null ? 0 : timeProvider.GetTimestamp();

        // On the system clock the attempt takes the connection's shared timer (no timer armed per attempt), linked to
        // the given token when that can be canceled: through the timer's one link when the window's calls pass the same
        // token (SharedTimer.TryLink), else through a pooled source. Otherwise one pooled timer source, canceled through
        // a registration when the given token is.
        CancellationTokenSource? timeout = null;
        SharedTimer? shared = null;
        PooledLink? linked = null;
        CancellationTokenRegistration link = default;
        var token = cancellationToken;
        if (attemptTimeout != Timeout.InfiniteTimeSpan)
        {
            shared = _timers.Shared(attemptTimeout);
            if (shared is null)
            {
                timeout = _timers.Rent(attemptTimeout);
                token = timeout.Token;
                if (cancellationToken.CanBeCanceled)
                {
                    link = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
                }
            }
            else if (!cancellationToken.CanBeCanceled)
            {
                token = shared.Token;
            }
            else if (!shared.TryLink(cancellationToken, out token))
            {
                // The window's shared link is for another token (of an earlier call window, say): a pooled one.
                linked = _timers.Link(cancellationToken, shared.Token);
                token = linked.Token;
            }
        }

        try
        {
            var response = await base.SendAsync(request, token).ConfigureAwait(false);
            if (logger is not null)
            {
                Log.RequestCompleted(
                    logger,
                    request.Method.Method,
                    Log.Redact(request.RequestUri),
                    (int)response.StatusCode,
                    timeProvider.GetElapsedTime(start).TotalMilliseconds
                );
            }

            return response;
        }
        catch (OperationCanceledException ex)
            when ((shared?.IsCancellationRequested ?? timeout?.IsCancellationRequested) == true
                && !cancellationToken.IsCancellationRequested
            )
        {
            if (logger is not null)
            {
                Log.RequestTimedOut(
                    logger,
                    request.Method.Method,
                    Log.Redact(request.RequestUri),
                    timeProvider.GetElapsedTime(start).TotalMilliseconds
                );
            }

            // Same shape as HttpClient's own timeout, so callers that already handle it keep working.
            throw new TaskCanceledException(
                $"The request was canceled because one attempt took longer than {attemptTimeout.TotalSeconds:0.###} s.",
                new TimeoutException(ex.Message, ex)
            );
        }
        catch (Exception ex) when (logger is not null && ex is not OperationCanceledException)
        {
            Log.RequestFailed(
                logger,
                request.Method.Method,
                Log.Redact(request.RequestUri),
                timeProvider.GetElapsedTime(start).TotalMilliseconds,
                ex
            );
            throw;
        }
        finally
        {
            // The attempt is over (its body is read with the call's token, not this one): the source can be reused.
            link.Dispose();
            if (timeout is not null)
            {
                _timers.Return(timeout);
            }

            if (linked is not null)
            {
                _timers.Release(linked);
            }
        }
    }
}
