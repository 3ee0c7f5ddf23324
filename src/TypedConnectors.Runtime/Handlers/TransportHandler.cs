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

        var start = timeProvider.GetTimestamp();

        // One pooled timer source per attempt, canceled through a registration when the caller's token is.
        var timeout = attemptTimeout == Timeout.InfiniteTimeSpan ? null : _timers.Rent(attemptTimeout);
        var link =
            timeout is not null && cancellationToken.CanBeCanceled
                ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout)
                : default;
        try
        {
            var response = await base.SendAsync(request, timeout?.Token ?? cancellationToken).ConfigureAwait(false);
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
        catch (OperationCanceledException ex) when (timeout?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
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
        }
    }
}
