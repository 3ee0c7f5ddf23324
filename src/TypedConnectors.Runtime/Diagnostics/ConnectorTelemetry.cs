using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TypedConnectors;

/// <summary>
/// The names under which TypedConnectors reports traces and metrics, for <c>AddSource</c> and <c>AddMeter</c> of an
/// OpenTelemetry setup. One span per logical call (its attempts are events on it); metrics for call duration, limiter
/// waits, retries and 429 responses. Attributes never carry query strings, headers or bodies.
/// </summary>
public static class ConnectorTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>: the package's name.</summary>
    public const string Name = "TypedConnectors";

    /// <summary>Span attribute and metric tag: the connector's slug.</summary>
    public const string ConnectorAttribute = "typedconnectors.connector";

    /// <summary>Span attribute and metric tag: the operation's id as the definition names it.</summary>
    public const string OperationAttribute = "typedconnectors.operation";

    /// <summary>Span attribute: how many times the call was retried.</summary>
    public const string RetryCountAttribute = "typedconnectors.retry_count";

    /// <summary>Span attribute: seconds the call waited for the rate limiter and the connection's pause.</summary>
    public const string RateLimitWaitAttribute = "typedconnectors.rate_limit.wait";

    internal const string CallDurationMetric = "typedconnectors.call.duration";
    internal const string LimiterWaitMetric = "typedconnectors.rate_limit.wait";
    internal const string RetriesMetric = "typedconnectors.retries";
    internal const string RateLimitedMetric = "typedconnectors.rate_limited";

    private static readonly string? Version = typeof(ConnectorTelemetry).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(Name, Version);

    internal static readonly Meter Meter = new(Name, Version);

    internal static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>(
        CallDurationMetric,
        "s",
        "Duration of logical connector calls, all attempts and waits included."
    );

    internal static readonly Histogram<double> LimiterWait = Meter.CreateHistogram<double>(
        LimiterWaitMetric,
        "s",
        "Time calls waited for the rate limiter or the connection's pause."
    );

    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>(RetriesMetric, "{retry}", "Retries of connector calls.");

    internal static readonly Counter<long> RateLimited = Meter.CreateCounter<long>(
        RateLimitedMetric,
        "{response}",
        "Responses with status 429 Too Many Requests."
    );

    /// <summary>The method as the HTTP semantic conventions want it: a known method, or <c>_OTHER</c>.</summary>
    internal static string MethodName(HttpMethod method) =>
        method.Method switch
        {
            "GET" or "POST" or "PUT" or "DELETE" or "PATCH" or "HEAD" or "OPTIONS" or "TRACE" or "CONNECT" => method.Method,
            _ => "_OTHER",
        };
}
