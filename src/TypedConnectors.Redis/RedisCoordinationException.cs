namespace TypedConnectors.Redis;

/// <summary>
/// Redis, which a connection's shared rate limit, concurrency slots, cool-down or OAuth token live in, could not be
/// reached or did not answer in time. The request was not sent.
/// </summary>
/// <remarks>
/// The message names the connector and the coordinated resource, never a credential or the Redis configuration
/// string (which may carry a password). <see cref="Exception.InnerException"/> is the Redis client's own exception.
/// </remarks>
public sealed class RedisCoordinationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisCoordinationException()
        : this("Redis is unavailable.") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be coordinated.</param>
    public RedisCoordinationException(string message)
        : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be coordinated.</param>
    /// <param name="innerException">The Redis client's exception.</param>
    public RedisCoordinationException(string message, Exception? innerException)
        : base(message, innerException) { }

    /// <summary>Creates the exception for one connector and resource.</summary>
    /// <param name="connector">The connector's slug.</param>
    /// <param name="resource">What was being coordinated, e.g. <c>rate limit</c>.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The Redis client's exception, if any.</param>
    public RedisCoordinationException(string connector, string resource, string message, Exception? innerException)
        : base(
            $"Connector '{connector}': the shared {resource} could not be coordinated through Redis ({message}); the request was not sent.",
            innerException
        )
    {
        Connector = connector;
        Resource = resource;
    }

    /// <summary>The connector's slug, when known.</summary>
    public string? Connector { get; }

    /// <summary>What was being coordinated (<c>rate limit</c>, <c>concurrency limit</c>, <c>cool-down</c>, <c>OAuth token</c>), when known.</summary>
    public string? Resource { get; }
}
