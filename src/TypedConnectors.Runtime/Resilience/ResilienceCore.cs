using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace TypedConnectors;

/// <summary>What the resilience step of one connection is configured with.</summary>
internal sealed record ResilienceSettings
{
    public required TimeProvider TimeProvider { get; init; }

    public int MaxRetries { get; init; }

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan CallTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>The largest response body; <see cref="long.MaxValue"/> leaves bodies unbounded.</summary>
    public long MaxResponseBytes { get; init; } = long.MaxValue;

    public ILogger? Logger { get; init; }

    public ISharedCoolDown? CoolDown { get; init; }

    public string Slug { get; init; } = "";

    /// <summary>Remaining/reset header pairs a vendor uses besides the standard ones.</summary>
    public IReadOnlyList<(string Remaining, string Reset)>? VendorRateLimitHeaders { get; init; }

    /// <summary>Secret values of the connection, scrubbed from reason phrases.</summary>
    public Func<IEnumerable<string?>>? Secrets { get; init; }

    /// <summary>A number in [0, 1) for jitter; tests fix it.</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;
}

/// <summary>
/// One logical call around its attempts: the overall deadline, the idempotency key, transient-fault retries with
/// jittered exponential backoff (a Polly.Core retry strategy), the server's requested waits, the connection's pause,
/// the bounded response body, scrubbed reason phrases and the call's span and metrics.
/// </summary>
internal sealed class ResilienceCore
{
    /// <summary>How far the jitter moves a backoff delay either way: ±20 %, so each delay still exceeds the one before.</summary>
    internal const double Jitter = 0.2;

    private static readonly ResiliencePropertyKey<CallState> StateKey = new("TypedConnectors.CallState");

    /// <summary>The standard reason phrase per status code, filled as codes are seen.</summary>
    private static readonly string?[] StandardReasons = new string?[600];
    private readonly ResilienceSettings _settings;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ResilienceCore(ResilienceSettings settings)
    {
        _settings = settings;
        Timers = new TimerSourcePool(settings.TimeProvider);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = settings.TimeProvider }
            .AddRetry(
                new RetryStrategyOptions<HttpResponseMessage>
                {
                    // The call's own limit (connection setting or per-call override) is applied in ShouldHandle.
                    MaxRetryAttempts = int.MaxValue,
                    BackoffType = DelayBackoffType.Constant,
                    Delay = TimeSpan.Zero,
                    UseJitter = false,
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome, args.AttemptNumber)),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(RetryDelay(args.Outcome, args.AttemptNumber)),
                    OnRetry = args =>
                    {
                        OnRetry(args.Context, args.Outcome, args.AttemptNumber, args.RetryDelay);
                        return default;
                    },
                }
            )
            .Build();
    }

    public ResilienceSettings Settings => _settings;

    /// <summary>The connection's reusable timers: call deadlines here, attempt timeouts in the transport step.</summary>
    public TimerSourcePool Timers { get; }

    /// <summary>Whether a method may be sent twice without changing the outcome (RFC 9110 §9.2.2).</summary>
    internal static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get
        || method == HttpMethod.Head
        || method == HttpMethod.Options
        || method == HttpMethod.Put
        || method == HttpMethod.Delete
        || method == HttpMethod.Trace;

    internal static bool IsTransientStatus(HttpStatusCode status) =>
        status
            is HttpStatusCode.RequestTimeout
                or HttpStatusCode.TooManyRequests
                or HttpStatusCode.InternalServerError
                or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable
                or HttpStatusCode.GatewayTimeout;

    public Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next,
        CancellationToken cancellationToken
    ) => SendCoreAsync(request, next, cancellationToken).AsTask();

    // Pooled: a call that waits on the network reuses the state machine's box instead of allocating one per call.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpResponseMessage> SendCoreAsync(
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        // The runtime's own message carries its options in a field (as it does operation, auth scope and state):
        // asking the message's Options would create that dictionary on every call.
        var options = request is ConnectorRequestMessage message ? message.CallOptions : ConnectorCallOptions.Of(request);
        var operation = OperationInfo.Of(request);
        var maxRetries = options?.MaxRetries ?? _settings.MaxRetries;
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries, "options.MaxRetries");
        var timeout = options?.Timeout ?? _settings.CallTimeout;
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException("options.Timeout", timeout, "The call timeout must be positive or infinite.");
        }

        var keyed = ApplyIdempotencyKey(request, operation, options);

        // Byte-array content (JSON, text, form) and seekable caller streams can be sent again as they are; anything
        // else may be a one-shot stream.
        if (maxRetries > 0 && request.Content is not (null or ByteArrayContent or CallerStreamContent { IsRewindable: true }))
        {
            await request.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        }

        var activity = StartActivity(request, operation);
        var state = new CallState
        {
            MaxRetries = maxRetries,
            Idempotent = keyed || IsIdempotent(request.Method),
            Activity = activity,
            Slug = _settings.Slug,
            Operation = operation,
            Method = request.Method,
            RequestUri = request.RequestUri,
        };
        state.AttachTo(request);

        var deadline = new CallDeadline(timeout, Timers, cancellationToken, state);
        // Read only for the duration metric: a call nobody measures reads no clock for it.
        var start = ConnectorTelemetry.CallDuration.Enabled ? _settings.TimeProvider.GetTimestamp() : 0;
        HttpResponseMessage response;
        try
        {
            // The first attempt is made here, in the call's own state machine (one async level fewer per call); only
            // when its outcome is to be retried does the Polly retry strategy take over (RetryAsync).
            var callToken = deadline.CallToken;

            // As the retry strategy does: a call canceled before its first attempt makes none.
            callToken.ThrowIfCancellationRequested();
            Outcome<HttpResponseMessage> first;
            try
            {
                first = Outcome.FromResult(await AttemptAsync(request, next, state, callToken).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                first = Outcome.FromException<HttpResponseMessage>(ex);
            }

            if (ShouldRetry(state, callToken, first, attempt: 0))
            {
                response = await RetryAsync(request, next, state, first, callToken).ConfigureAwait(false);
            }
            else
            {
                first.ThrowIfException();
                response = first.Result!;
            }
        }
        catch (OperationCanceledException ex) when (deadline.Expired(cancellationToken))
        {
            var timedOut = deadline.Exception(ex);
            Finish(state, start, null, timedOut);
            deadline.Dispose();
            throw timedOut;
        }
        catch (Exception ex)
        {
            Finish(state, start, null, ex);
            deadline.Dispose();
            throw;
        }

        if (!string.IsNullOrEmpty(response.ReasonPhrase) && !IsStandardReason(response))
        {
            response.ReasonPhrase = SecretScrubber.Scrub(response.ReasonPhrase, SecretsOf(request));
        }

        Finish(state, start, response, null);
        if (_settings.MaxResponseBytes == long.MaxValue && !deadline.Token.CanBeCanceled)
        {
            deadline.Dispose();
        }
        else if (request is ConnectorRequestMessage { ReaderBoundsBody: true } own && response.IsSuccessStatusCode)
        {
            // The typed call reads the body right away and bounds it itself, without a content wrapper; it reads JSON,
            // so a body that claims to be an event stream is bounded like any other.
            own.BodyBound = true;
            own.BodyMaxBytes = _settings.MaxResponseBytes;
            own.BodyDeadline = deadline;
        }
        else if (IsEventStream(response.Content))
        {
            // An event stream (MCP's, say) is open-ended by design: the deadline and the size limit end at its headers.
            deadline.Dispose();
        }
        else
        {
            // The body is read after this returns: the limit and the deadline go with it, and the deadline is disposed with it.
            BoundedContent.Install(response, _settings.MaxResponseBytes, deadline);
        }

        return response;
    }

    /// <summary>
    /// Whether the body is an event stream (<c>text/event-stream</c>, parameters aside), read from the raw header so
    /// that a response of any other type is not parsed into a header value object on every call.
    /// </summary>
    internal static bool IsEventStream(HttpContent content)
    {
        if (!content.Headers.NonValidated.TryGetValues("Content-Type", out var values))
        {
            return false;
        }

        foreach (var value in values)
        {
            var media = value.AsSpan();
            var end = media.IndexOf(';');
            if (end >= 0)
            {
                media = media[..end];
            }

            return media.Trim().Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    /// <summary>The delay before retry number <paramref name="attempt"/> + 1 when the server names none: exponential, jittered, capped.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var factor = 1 + Jitter * (2 * _settings.Random() - 1);
        var milliseconds = _settings.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 62)) * factor;
        return milliseconds >= _settings.MaxRetryDelay.TotalMilliseconds
            ? _settings.MaxRetryDelay
            : TimeSpan.FromMilliseconds(milliseconds);
    }

    /// <summary>What the response asks to wait: the longest of Retry-After and the reset fields (the strictest wins).</summary>
    internal TimeSpan? ServerWait(HttpResponseMessage response)
    {
        var now = _settings.TimeProvider.GetUtcNow();
        return RateLimitHeaders.Max(
            RateLimitHeaders.RetryAfter(response, now),
            RateLimitHeaders.Reset(response, now, exhaustedOnly: false, _settings.VendorRateLimitHeaders)
        );
    }

    /// <summary>
    /// The retries of a call whose first attempt is to be retried: the Polly retry strategy, handed that attempt's
    /// outcome as its own first attempt's (so its attempt numbers, delays and retry callbacks are the same as if it had
    /// made it). A call that needs no retry, the common case, rents no Polly context.
    /// </summary>
    private async ValueTask<HttpResponseMessage> RetryAsync(
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next,
        CallState state,
        Outcome<HttpResponseMessage> first,
        CancellationToken cancellationToken
    )
    {
        state.Replay = (object?)first.Exception ?? first.Result;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StateKey, state);
        try
        {
            return await _pipeline
                .ExecuteAsync(
                    static (ctx, s) =>
                        s.State.TakeReplay() switch
                        {
                            HttpResponseMessage replayed => new(replayed),
                            Exception failed => ValueTask.FromException<HttpResponseMessage>(failed),
                            _ => s.Core.AttemptAsync(s.Request, s.Next, s.State, ctx.CancellationToken),
                        },
                    context,
                    (Core: this, Request: request, Next: next, State: state)
                )
                .ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static bool ApplyIdempotencyKey(HttpRequestMessage request, OperationInfo? operation, ConnectorCallOptions? options)
    {
        if (operation?.IdempotencyKeyHeader is not { } header)
        {
            // A key the caller set by hand (a header of the call options) makes the request safe to send again too.
            return request.Headers.NonValidated.Contains("Idempotency-Key");
        }

        var key =
            options?.IdempotencyKey
            ?? (request.Headers.TryGetValues(header, out var given) ? given.FirstOrDefault() : null)
            ?? Guid.NewGuid().ToString();
        HeaderValidation.Ensure(header, key);
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, key);
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpResponseMessage> AttemptAsync(
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next,
        CallState state,
        CancellationToken cancellationToken
    )
    {
        if (_settings.CoolDown is { } coolDown)
        {
            // Timed only when it waits: a connection that is not paused reads no clock for it.
            var wait = coolDown.WaitAsync(cancellationToken);
            if (wait.IsCompletedSuccessfully)
            {
                wait.GetAwaiter().GetResult();
            }
            else
            {
                var waitStart = _settings.TimeProvider.GetTimestamp();
                await wait.ConfigureAwait(false);
                state.AddLimiterWait(_settings.TimeProvider.GetElapsedTime(waitStart));
            }
        }

        var attempt = state.Attempts++;
        if (attempt > 0)
        {
            if (ConnectorTelemetry.Retries.Enabled)
            {
                ConnectorTelemetry.Retries.Add(1, state.RetryTags is { } retry ? retry.Value : state.Tags);
            }
        }
        HttpResponseMessage response;
        state.AttemptTimer = null;
        try
        {
            response = await next(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
            when (state.AttemptTimer is { IsCancellationRequested: true } timer
                && !cancellationToken.IsCancellationRequested
                && ex is not TaskCanceledException { InnerException: TimeoutException }
            )
        {
            // The attempt's own timeout, which the transport step left to be told apart here (a hop of a redirect that
            // the transport step classified itself, through a pooled link, is not wrapped twice).
            var timedOut = TransportHandler.TimedOut(timer.Delay, ex);
            state.Activity?.AddEvent(AttemptEvent(attempt, null, timedOut));
            throw timedOut;
        }
        catch (Exception ex)
        {
            state.Activity?.AddEvent(AttemptEvent(attempt, null, ex));
            throw;
        }

        state.Activity?.AddEvent(AttemptEvent(attempt, response, null));
        if (response.StatusCode == HttpStatusCode.TooManyRequests && ConnectorTelemetry.RateLimited.Enabled)
        {
            ConnectorTelemetry.RateLimited.Add(1, state.Tags);
        }

        if (_settings.CoolDown is { } shared && SharedPause(response) is { } pause)
        {
            // Told even when this request is not retried, so the other senders stop now rather than after their own
            // rejections. A pause beyond the maximum delay (a daily quota) is left to each caller.
            await shared.PauseAsync(pause, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    private TimeSpan? SharedPause(HttpResponseMessage response)
    {
        var pause = IsTransientStatus(response.StatusCode) ? ServerWait(response) : null;
        if (pause is null && !RateLimitHeaders.AnyReset(response, _settings.VendorRateLimitHeaders))
        {
            // The common success: no budget field at all, so no clock read and no header looked up by name.
            return null;
        }

        pause ??= RateLimitHeaders.Reset(
            response,
            _settings.TimeProvider.GetUtcNow(),
            exhaustedOnly: true,
            _settings.VendorRateLimitHeaders
        );
        return pause > TimeSpan.Zero && pause <= _settings.MaxRetryDelay ? pause : null;
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome, int attempt) =>
        ShouldRetry(context.Properties.GetValue(StateKey, null!), context.CancellationToken, outcome, attempt);

    private bool ShouldRetry(CallState state, CancellationToken cancellationToken, Outcome<HttpResponseMessage> outcome, int attempt)
    {
        if (attempt >= state.MaxRetries || cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                // Nothing reached the server: safe for every method.
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
                HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } =>
                    false,
                HttpRequestException => state.Idempotent,

                // One attempt ran out of its AttemptTimeout (the call's own token is not canceled, checked above).
                TaskCanceledException { InnerException: TimeoutException } => state.Idempotent,
                _ => false,
            };
        }

        var response = outcome.Result!;
        if (!IsTransientStatus(response.StatusCode))
        {
            return false;
        }

        var wait = ServerWait(response);
        if (wait > _settings.MaxRetryDelay)
        {
            if (_settings.Logger is { } logger)
            {
                Log.RetryAfterTooLong(
                    logger,
                    response.RequestMessage?.Method.Method ?? "?",
                    Log.Redact(response.RequestMessage?.RequestUri),
                    (int)response.StatusCode,
                    wait.Value.TotalMilliseconds,
                    _settings.MaxRetryDelay.TotalMilliseconds
                );
            }

            return false;
        }

        // A 429, or a 503 that says when to come back, is the server declining the request before doing it.
        var declined =
            response.StatusCode == HttpStatusCode.TooManyRequests
            || (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null);
        return declined || state.Idempotent;
    }

    private TimeSpan RetryDelay(Outcome<HttpResponseMessage> outcome, int attempt) =>
        (outcome.Result is { } response ? ServerWait(response) : null) ?? Backoff(attempt);

    private void OnRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome, int attempt, TimeSpan delay)
    {
        var state = context.Properties.GetValue(StateKey, null!);
        var request = outcome.Result?.RequestMessage;
        var tags = state.Tags;
        if (outcome.Result is { } response)
        {
            tags.Add("http.response.status_code", (int)response.StatusCode);
        }
        else if (outcome.Exception is { } exception)
        {
            tags.Add("error.type", exception.GetType().FullName);
        }

        state.RetryTags = new StrongBox<TagList>(tags);
        if (_settings.Logger is { } logger)
        {
            if (outcome.Result is { } failed)
            {
                Log.Retrying(
                    logger,
                    request?.Method.Method ?? "?",
                    Log.Redact(request?.RequestUri),
                    (int)failed.StatusCode,
                    delay.TotalMilliseconds,
                    attempt + 1,
                    state.MaxRetries
                );
            }
            else
            {
                Log.RetryingAfterFailure(
                    logger,
                    outcome.Exception?.GetType().Name ?? "?",
                    delay.TotalMilliseconds,
                    attempt + 1,
                    state.MaxRetries
                );
            }
        }
    }

    /// <summary>
    /// Whether the reason phrase is the standard one for the status (as HttpResponseMessage gives it when the server sent
    /// none, and as most servers send it): such a phrase echoes nothing, so it is not scrubbed.
    /// </summary>
    private static bool IsStandardReason(HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        if (code is < 100 or > 599)
        {
            return false;
        }

        var standard = StandardReasons[code] ??= StandardReason(response.StatusCode);
        return string.Equals(response.ReasonPhrase, standard, StringComparison.Ordinal);
    }

    private static string StandardReason(HttpStatusCode status)
    {
        using var probe = new HttpResponseMessage(status);
        return probe.ReasonPhrase ?? "";
    }

    private IEnumerable<string?> SecretsOf(HttpRequestMessage request) =>
        (_settings.Secrets?.Invoke() ?? []).Concat(SecretScrubber.CredentialsOf(request));

    private Activity? StartActivity(HttpRequestMessage request, OperationInfo? operation)
    {
        if (!ConnectorTelemetry.Source.HasListeners())
        {
            return null;
        }

        var template = operation?.UrlTemplate;
        var method = ConnectorTelemetry.MethodName(request.Method);
        var activity = ConnectorTelemetry.Source.StartActivity(
            template is null ? (method == "_OTHER" ? "HTTP" : method) : (method == "_OTHER" ? "HTTP" : method) + " " + template,
            ActivityKind.Client
        );
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.request.method", method);
            if (method == "_OTHER")
            {
                activity.SetTag("http.request.method_original", request.Method.Method);
            }

            if (request.RequestUri is { IsAbsoluteUri: true } uri)
            {
                activity.SetTag("server.address", uri.Host);
                activity.SetTag("server.port", uri.Port);
                activity.SetTag("url.full", ConnectorApiException.StripQuery(uri)!.ToString());
            }

            if (template is not null)
            {
                activity.SetTag("url.template", template);
            }

            activity.SetTag(ConnectorTelemetry.ConnectorAttribute, _settings.Slug);
            if (operation?.OperationId is { } id)
            {
                activity.SetTag(ConnectorTelemetry.OperationAttribute, id);
            }
        }

        return activity;
    }

    private static ActivityEvent AttemptEvent(int attempt, HttpResponseMessage? response, Exception? exception)
    {
        var tags = new ActivityTagsCollection { ["http.request.resend_count"] = attempt };
        if (response is not null)
        {
            tags["http.response.status_code"] = (int)response.StatusCode;
        }
        else if (exception is not null)
        {
            tags["error.type"] = exception.GetType().FullName;
        }

        return new ActivityEvent("typedconnectors.attempt", tags: tags);
    }

    private void Finish(CallState state, long start, HttpResponseMessage? response, Exception? exception)
    {
        string? errorType = null;
        if (response is not null)
        {
            if ((int)response.StatusCode >= 400)
            {
                errorType = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        else if (exception is not null)
        {
            errorType = exception.GetType().FullName;
        }

        if (start != 0 && ConnectorTelemetry.CallDuration.Enabled)
        {
            var tags = state.Tags;
            if (response is not null)
            {
                tags.Add("http.response.status_code", (int)response.StatusCode);
            }

            if (errorType is not null)
            {
                tags.Add("error.type", errorType);
            }

            ConnectorTelemetry.CallDuration.Record(_settings.TimeProvider.GetElapsedTime(start).TotalSeconds, tags);
        }

        if (ConnectorTelemetry.LimiterWait.Enabled)
        {
            ConnectorTelemetry.LimiterWait.Record(state.LimiterWait.TotalSeconds, state.Tags);
        }

        if (state.Activity is not { } activity)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            if (response is not null)
            {
                activity.SetTag("http.response.status_code", (int)response.StatusCode);
            }

            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
            }

            activity.SetTag(ConnectorTelemetry.RetryCountAttribute, state.Retries);
            activity.SetTag(ConnectorTelemetry.RateLimitWaitAttribute, state.LimiterWait.TotalSeconds);
        }

        if (errorType is not null)
        {
            // The description is the exception type or status only: messages may quote what a server sent.
            activity.SetStatus(ActivityStatusCode.Error, errorType);
        }

        activity.Dispose();
    }
}
