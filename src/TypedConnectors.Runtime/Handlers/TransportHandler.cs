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

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Looked up without parsing (NonValidated), so a request that sets its own pays nothing.
        if (userAgent is not null && !request.Headers.NonValidated.Contains("User-Agent"))
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        // Only the log lines use it.
        var start = logger is null ? 0 : timeProvider.GetTimestamp();
        var timeout = ArmTimeout(cancellationToken);
        Task<HttpResponseMessage> pending;
        try
        {
            pending = base.SendAsync(request, timeout.Token);
        }
        catch (Exception ex)
        {
            pending = Task.FromException<HttpResponseMessage>(ex);
        }

        if (!pending.IsCompletedSuccessfully)
        {
            if (logger is null && timeout.Source is null && timeout.Linked is null && CallState.Of(request) is { } call)
            {
                // Nothing to give back and nothing to log: the attempt's own task goes up as it is (no state machine
                // box per call), and the resilience step above tells this attempt's timeout from a cancellation.
                call.AttemptTimer = timeout.Shared;
                return pending;
            }

            return AttemptAsync(request, pending, timeout, start, cancellationToken).AsTask();
        }

        // A response that is already there (an in-memory handler's, say) is passed on as it is: no state machine.
        ReleaseTimeout(timeout);
        LogCompleted(request, pending.Result, start);
        return pending;
    }

    /// <summary>
    /// The attempt's token: on the system clock the connection's shared timer (no timer armed per attempt), linked to
    /// the given token when that can be canceled: through the timer's one link when the window's calls pass the same
    /// token (<see cref="SharedTimer.TryLink"/>), else through a pooled source. Otherwise one pooled timer source,
    /// canceled through a registration when the given token is.
    /// </summary>
    private AttemptTimeout ArmTimeout(CancellationToken cancellationToken)
    {
        if (attemptTimeout == Timeout.InfiniteTimeSpan)
        {
            return new AttemptTimeout { Token = cancellationToken };
        }

        if (_timers.Shared(attemptTimeout) is not { } shared)
        {
            var source = _timers.Rent(attemptTimeout);
            return new AttemptTimeout
            {
                Token = source.Token,
                Source = source,
                Registration = cancellationToken.CanBeCanceled
                    ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source)
                    : default,
            };
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return new AttemptTimeout { Token = shared.Token, Shared = shared };
        }

        if (shared.TryLink(cancellationToken, out var token))
        {
            return new AttemptTimeout { Token = token, Shared = shared };
        }

        // The window's shared link is for another token (of an earlier call window, say): a pooled one.
        var linked = _timers.Link(cancellationToken, shared.Token);
        return new AttemptTimeout
        {
            Token = linked.Token,
            Shared = shared,
            Linked = linked,
        };
    }

    /// <summary>The attempt is over (its body is read with the call's token, not this one): the sources can be reused.</summary>
    private void ReleaseTimeout(in AttemptTimeout timeout)
    {
        timeout.Registration.Dispose();
        if (timeout.Source is not null)
        {
            _timers.Return(timeout.Source);
        }

        if (timeout.Linked is not null)
        {
            _timers.Release(timeout.Linked);
        }
    }

    // Pooled: an attempt that waits on the network reuses the state machine's box instead of allocating one.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpResponseMessage> AttemptAsync(
        HttpRequestMessage request,
        Task<HttpResponseMessage> pending,
        AttemptTimeout timeout,
        long start,
        CancellationToken cancellationToken
    )
    {
        try
        {
            var response = await pending.ConfigureAwait(false);
            LogCompleted(request, response, start);
            return response;
        }
        catch (OperationCanceledException ex) when (timeout.Expired && !cancellationToken.IsCancellationRequested)
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

            throw TimedOut(attemptTimeout, ex);
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
            ReleaseTimeout(timeout);
        }
    }

    /// <summary>An attempt that ran out of its timeout: the same shape as HttpClient's own timeout, so callers that already handle it keep working.</summary>
    internal static TaskCanceledException TimedOut(TimeSpan attemptTimeout, Exception canceled) =>
        new(
            $"The request was canceled because one attempt took longer than {attemptTimeout.TotalSeconds:0.###} s.",
            new TimeoutException(canceled.Message, canceled)
        );

    private void LogCompleted(HttpRequestMessage request, HttpResponseMessage response, long start)
    {
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
    }

    /// <summary>What bounds one attempt: its token and the sources behind it, to give back when it is over.</summary>
    private readonly struct AttemptTimeout
    {
        public CancellationToken Token { get; init; }

        /// <summary>The shared timer, on the system clock.</summary>
        public SharedTimer? Shared { get; init; }

        /// <summary>A pooled link of the given token and <see cref="Shared"/>, when the timer's own link is another's.</summary>
        public PooledLink? Linked { get; init; }

        /// <summary>A pooled timer source, on a custom clock.</summary>
        public CancellationTokenSource? Source { get; init; }

        /// <summary>The given token's registration on <see cref="Source"/>.</summary>
        public CancellationTokenRegistration Registration { get; init; }

        /// <summary>Whether the attempt's own timer fired.</summary>
        public bool Expired => (Shared?.IsCancellationRequested ?? Source?.IsCancellationRequested) == true;
    }
}
