using System.Net;
using Microsoft.Extensions.Logging;

namespace TypedConnectors;

/// <summary>
/// Retries requests answered with 429 (Too Many Requests) or 503 (Service Unavailable), waiting as long as the
/// server's <c>Retry-After</c> header asks, or with exponential backoff when it does not say.
/// </summary>
/// <remarks>
/// <para>
/// Waits are bounded: a <c>Retry-After</c> longer than the maximum delay returns the response at once instead of
/// blocking the caller for, say, an hour until a daily quota resets. Backoff delays are capped at the maximum delay.
/// </para>
/// <para>
/// The request content is buffered before the first attempt, because a streamed body cannot be read a second time.
/// Waiting uses the <see cref="TimeProvider"/>, so tests and simulations control time.
/// </para>
/// </remarks>
public sealed class RetryAfterHandler : DelegatingHandler
{
    private readonly int _maxRetries;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the handler.</summary>
    /// <param name="maxRetries">Retries after the first attempt; 0 disables retrying.</param>
    /// <param name="maxDelay">The longest wait before one retry.</param>
    /// <param name="timeProvider">The clock for HTTP-date values and the source of delays.</param>
    public RetryAfterHandler(int maxRetries, TimeSpan maxDelay, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _maxRetries = maxRetries;
        _maxDelay = maxDelay;
        _timeProvider = timeProvider;
    }

    /// <summary>The first backoff delay when the server sends no <c>Retry-After</c>; doubled for each further retry. Half a second by default.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Where retry decisions are logged; nothing is logged when null.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// A pause shared with other senders of the same budget: every attempt waits for it first. A retryable response whose
    /// <c>Retry-After</c> is within the maximum delay extends it, and so does any response that reports the budget used
    /// up (<c>RateLimit-Remaining: 0</c> with <c>RateLimit-Reset</c>, or the <c>X-</c> forms). Null keeps waits local to the request.
    /// </summary>
    public ISharedCoolDown? CoolDown { get; init; }

    /// <summary>
    /// The delay a response asks for: its <c>Retry-After</c> (seconds or an HTTP date, relative to <paramref name="now"/>),
    /// or null when the header is absent.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The requested delay, never negative, or null.</returns>
    public static TimeSpan? GetRetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Byte-array content (JSON, text, form) and seekable caller streams can be sent again as they are; anything
        // else may be a one-shot stream.
        if (_maxRetries > 0 && request.Content is not (null or ByteArrayContent or CallerStreamContent { IsRewindable: true }))
        {
            await request.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        }

        for (var attempt = 0; ; attempt++)
        {
            if (CoolDown is { } coolDown)
            {
                await coolDown.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (CoolDown is { } shared && SharedPause(response) is { } pause)
            {
                // Told even when this request is not retried, so the other senders stop now rather than after their
                // own rejections. A pause beyond the maximum delay (a daily quota) is left to each caller.
                await shared.PauseAsync(pause, cancellationToken).ConfigureAwait(false);
            }

            if (attempt >= _maxRetries || !IsRetryable(response.StatusCode))
            {
                return response;
            }

            var requested = GetRetryAfter(response, _timeProvider.GetUtcNow());
            TimeSpan delay;
            if (requested is { } retryAfter)
            {
                if (retryAfter > _maxDelay)
                {
                    if (Logger is { } logger)
                    {
                        Log.RetryAfterTooLong(
                            logger,
                            request.Method.Method,
                            Log.Redact(request.RequestUri),
                            (int)response.StatusCode,
                            retryAfter.TotalMilliseconds,
                            _maxDelay.TotalMilliseconds
                        );
                    }

                    return response;
                }

                delay = retryAfter;
            }
            else
            {
                delay = Backoff(attempt);
            }

            if (Logger is { } log)
            {
                Log.Retrying(
                    log,
                    request.Method.Method,
                    Log.Redact(request.RequestUri),
                    (int)response.StatusCode,
                    delay.TotalMilliseconds,
                    attempt + 1,
                    _maxRetries
                );
            }

            response.Dispose();
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan? SharedPause(HttpResponseMessage response)
    {
        var now = _timeProvider.GetUtcNow();
        var pause = (IsRetryable(response.StatusCode) ? GetRetryAfter(response, now) : null) ?? GetExhaustedReset(response, now);
        return pause > TimeSpan.Zero && pause <= _maxDelay ? pause : null;
    }

    /// <summary>
    /// The time until the budget resets when a response says it is used up (<c>RateLimit-Remaining: 0</c> or
    /// <c>X-RateLimit-Remaining: 0</c>) and when it resets (<c>RateLimit-Reset</c> / <c>X-RateLimit-Reset</c>: seconds, or
    /// a Unix time as some APIs send); null otherwise.
    /// </summary>
    internal static TimeSpan? GetExhaustedReset(HttpResponseMessage response, DateTimeOffset now) =>
        ConnectorRateLimit.FromResponse(response, now) is { IsExhausted: true, ResetAfter: { } reset } ? reset : null;

    private static bool IsRetryable(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    private TimeSpan Backoff(int attempt)
    {
        // Doubling in ticks saturates at the cap instead of overflowing for large attempt counts.
        var ticks = BackoffBase.Ticks;
        for (var i = 0; i < attempt && ticks < _maxDelay.Ticks; i++)
        {
            ticks *= 2;
        }

        return TimeSpan.FromTicks(Math.Min(ticks, _maxDelay.Ticks));
    }
}
