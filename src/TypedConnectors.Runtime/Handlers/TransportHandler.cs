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
internal sealed class TransportHandler(ILogger? logger, TimeProvider timeProvider, TimeSpan attemptTimeout, string? userAgent = null)
    : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Looked up without parsing (NonValidated), so a request that sets its own pays nothing.
        if (userAgent is not null && !request.Headers.NonValidated.Contains("User-Agent"))
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        var start = timeProvider.GetTimestamp();
        using var timeout = CreateTimeout(cancellationToken, out var linked);
        using var _ = linked;
        try
        {
            var response = await base.SendAsync(request, (linked ?? timeout)?.Token ?? cancellationToken).ConfigureAwait(false);
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
    }

    /// <summary>
    /// The attempt's timeout with as few token sources as it takes: none without a timeout, one when the caller's token
    /// cannot be canceled or the clock is the system's (a linked source that cancels itself after the timeout), two only
    /// for a custom <see cref="TimeProvider"/> with a cancelable caller token.
    /// </summary>
    private CancellationTokenSource? CreateTimeout(CancellationToken cancellationToken, out CancellationTokenSource? linked)
    {
        linked = null;
        if (attemptTimeout == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return new CancellationTokenSource(attemptTimeout, timeProvider);
        }

        if (timeProvider == TimeProvider.System)
        {
            var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            source.CancelAfter(attemptTimeout);
            return source;
        }

        var timeout = new CancellationTokenSource(attemptTimeout, timeProvider);
        linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        return timeout;
    }
}
