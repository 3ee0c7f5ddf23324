using System.Net;
using Microsoft.Extensions.Logging;

namespace TypedConnectors;

/// <summary>
/// Retries requests that failed transiently (408, 429, 500, 502, 503, 504, connection failures) with jittered
/// exponential backoff, waiting as long as the server's <c>Retry-After</c> or rate-limit reset asks: the retry step of
/// a connection's pipeline, for use in a pipeline of one's own.
/// </summary>
/// <remarks>
/// <para>
/// Built on the same Polly.Core retry strategy as the connection's pipeline. Only idempotent methods (GET, HEAD,
/// OPTIONS, PUT, DELETE) and requests carrying an <c>Idempotency-Key</c> are retried after failures the server may
/// have acted on; a 429, a 503 with <c>Retry-After</c> and a refused connection are retried for every method.
/// </para>
/// <para>
/// Waits are bounded: a wait longer than the maximum delay returns the response at once instead of blocking the
/// caller for, say, an hour until a daily quota resets. Backoff delays are capped at the maximum delay.
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
    private ResilienceCore? _core;

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

    /// <summary>The median first backoff delay when the server names no wait; doubled for each further retry, ±20 % jitter. Half a second by default.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Where retry decisions are logged; nothing is logged when null.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// A pause shared with other senders of the same budget: every attempt waits for it first. A retryable response whose
    /// <c>Retry-After</c> is within the maximum delay extends it, and so does any response that reports the budget used
    /// up (<c>RateLimit-Remaining: 0</c> with <c>RateLimit-Reset</c>, the <c>X-</c> forms, or the IETF <c>RateLimit</c>
    /// field). Null keeps waits local to the request.
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
        return RateLimitHeaders.RetryAfter(response, now);
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Created on first use: the init-only properties are set after the constructor.
        var core = _core ??= new ResilienceCore(
            new ResilienceSettings
            {
                TimeProvider = _timeProvider,
                MaxRetries = _maxRetries,
                MaxRetryDelay = _maxDelay,
                BaseDelay = BackoffBase,
                Logger = Logger,
                CoolDown = CoolDown,
            }
        );
        return core.SendAsync(request, (r, ct) => base.SendAsync(r, ct), cancellationToken);
    }
}
