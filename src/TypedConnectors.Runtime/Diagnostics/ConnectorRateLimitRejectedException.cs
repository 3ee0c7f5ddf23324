namespace TypedConnectors;

/// <summary>
/// A rate limiter refused to grant a permit, because its queue was full or it was disposed.
/// The request was not sent.
/// </summary>
public sealed class ConnectorRateLimitRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConnectorRateLimitRejectedException()
        : this("The rate limiter refused the request; it was not sent.", (Exception?)null) { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ConnectorRateLimitRejectedException(string message)
        : this(message, (Exception?)null) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConnectorRateLimitRejectedException(string message, Exception? innerException)
        : base(message, innerException) { }

    /// <summary>Creates the exception with the limiter's retry hint.</summary>
    /// <param name="message">The message.</param>
    /// <param name="retryAfter">When a retry may succeed, if the limiter said.</param>
    public ConnectorRateLimitRejectedException(string message, TimeSpan? retryAfter)
        : base(message)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>When a retry may succeed, if the limiter said.</summary>
    public TimeSpan? RetryAfter { get; }
}
