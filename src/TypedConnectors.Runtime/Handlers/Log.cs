using Microsoft.Extensions.Logging;

namespace TypedConnectors;

/// <summary>
/// The runtime's log messages. They carry method, URI without query and status only: header values, query strings
/// and bodies can hold credentials.
/// </summary>
internal static partial class Log
{
    public static string Redact(Uri? uri) => ConnectorApiException.StripQuery(uri)?.ToString() ?? "(no URI)";

    [LoggerMessage(
        EventId = 1,
        Level = LogLevel.Information,
        Message = "HTTP {Method} {Uri} responded {StatusCode} in {ElapsedMilliseconds:0.0} ms"
    )]
    public static partial void RequestCompleted(ILogger logger, string method, string uri, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "HTTP {Method} {Uri} failed after {ElapsedMilliseconds:0.0} ms")]
    public static partial void RequestFailed(ILogger logger, string method, string uri, double elapsedMilliseconds, Exception exception);

    [LoggerMessage(
        EventId = 3,
        Level = LogLevel.Information,
        Message = "HTTP {Method} {Uri} responded {StatusCode}; retry {Attempt} of {MaxRetries} in {DelayMilliseconds:0} ms"
    )]
    public static partial void Retrying(
        ILogger logger,
        string method,
        string uri,
        int statusCode,
        double delayMilliseconds,
        int attempt,
        int maxRetries
    );

    [LoggerMessage(
        EventId = 4,
        Level = LogLevel.Warning,
        Message = "HTTP {Method} {Uri} responded {StatusCode} with Retry-After {RetryAfterMilliseconds:0} ms, longer than the allowed {MaxDelayMilliseconds:0} ms; not retrying"
    )]
    public static partial void RetryAfterTooLong(
        ILogger logger,
        string method,
        string uri,
        int statusCode,
        double retryAfterMilliseconds,
        double maxDelayMilliseconds
    );

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "HTTP {Method} {Uri} timed out after {ElapsedMilliseconds:0.0} ms")]
    public static partial void RequestTimedOut(ILogger logger, string method, string uri, double elapsedMilliseconds);

    [LoggerMessage(
        EventId = 6,
        Level = LogLevel.Information,
        Message = "HTTP attempt failed with {ExceptionType}; retry {Attempt} of {MaxRetries} in {DelayMilliseconds:0} ms"
    )]
    public static partial void RetryingAfterFailure(
        ILogger logger,
        string exceptionType,
        double delayMilliseconds,
        int attempt,
        int maxRetries
    );
}
