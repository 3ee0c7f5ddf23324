using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace TypedConnectors;

/// <summary>The mutable state of one logical call, shared by its attempts and the handlers below the resilience step.</summary>
internal sealed class CallState
{
    private static readonly HttpRequestOptionsKey<CallState> Key = new("TypedConnectors.CallState");
    private long _limiterWaitTicks;

    public int MaxRetries { get; init; }

    /// <summary>The method is idempotent or the request carries an idempotency key: any transient failure may be retried.</summary>
    public bool Idempotent { get; init; }

    public int Attempts { get; set; }

    /// <summary>Retries made: attempts after the first (a retry scheduled but cut short by the deadline does not count).</summary>
    public int Retries => Math.Max(0, Attempts - 1);

    /// <summary>The tags of the retry about to be made: the call's, and the status or error that caused it; set only when retrying.</summary>
    public StrongBox<TagList>? RetryTags { get; set; }

    public Activity? Activity { get; init; }

    /// <summary>The connector's slug, for the tags.</summary>
    public required string Slug { get; init; }

    /// <summary>The operation, for the tags.</summary>
    public OperationInfo? Operation { get; init; }

    /// <summary>The request's method and URI as the call started (a redirect may change the message's).</summary>
    public required HttpMethod Method { get; init; }

    public Uri? RequestUri { get; init; }

    /// <summary>
    /// The tags every metric of this call carries: connector, operation, method, server. Built when a metric is
    /// recorded, so a call nobody listens to builds none.
    /// </summary>
    public TagList Tags
    {
        get
        {
            var tags = new TagList
            {
                { ConnectorTelemetry.ConnectorAttribute, Slug },
                { "http.request.method", ConnectorTelemetry.MethodName(Method) },
            };
            if (Operation?.OperationId is { } id)
            {
                tags.Add(ConnectorTelemetry.OperationAttribute, id);
            }

            if (RequestUri is { IsAbsoluteUri: true } uri)
            {
                tags.Add("server.address", uri.Host);
            }

            return tags;
        }
    }

    /// <summary>
    /// The outcome of the first attempt, made before the retry strategy took over, for it to start from: its response
    /// or its exception. One field, so a call that is not retried carries no more than a null.
    /// </summary>
    public object? Replay { get; set; }

    /// <summary>Takes <see cref="Replay"/> (once).</summary>
    public object? TakeReplay()
    {
        var replay = Replay;
        Replay = null;
        return replay;
    }

    /// <summary>
    /// The shared timer of the attempt on its way, when the transport step handed its task up as it is and left telling
    /// its timeout from a cancellation to the resilience step (<see cref="ResilienceCore"/>).
    /// </summary>
    public SharedTimer? AttemptTimer { get; set; }

    public TimeSpan LimiterWait => TimeSpan.FromTicks(Interlocked.Read(ref _limiterWaitTicks));

    public static CallState? Of(HttpRequestMessage request) =>
        request is ConnectorRequestMessage message ? message.State
        : request.Options.TryGetValue(Key, out var state) ? state
        : null;

    public void AttachTo(HttpRequestMessage request)
    {
        if (request is ConnectorRequestMessage message)
        {
            message.State = this;
        }
        else
        {
            request.Options.Set(Key, this);
        }
    }

    public void AddLimiterWait(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero)
        {
            Interlocked.Add(ref _limiterWaitTicks, wait.Ticks);
        }
    }
}
