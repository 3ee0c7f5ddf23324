namespace TypedConnectors;

/// <summary>
/// An OAuth 2.0 step failed: the token endpoint refused a grant (<see cref="Error"/> holds its error code, e.g.
/// <c>invalid_grant</c>), the authorization callback carried an error or a state that does not match, or the connection
/// has no token yet.
/// </summary>
/// <remarks>Messages never contain tokens, codes, verifiers or client secrets.</remarks>
public class OAuthException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OAuthException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed; must not contain secrets.</param>
    public OAuthException(string message)
        : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What failed; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public OAuthException(string message, Exception? innerException)
        : base(message, innerException) { }

    /// <summary>Creates the exception for an OAuth error response.</summary>
    /// <param name="message">What failed; must not contain secrets.</param>
    /// <param name="error">The OAuth error code, e.g. <c>invalid_grant</c>.</param>
    /// <param name="errorDescription">The server's description, if any.</param>
    /// <param name="statusCode">The HTTP status of the response, if there was one.</param>
    public OAuthException(string message, string? error, string? errorDescription, int? statusCode)
        : base(message)
    {
        Error = error;
        ErrorDescription = errorDescription;
        StatusCode = statusCode;
    }

    /// <summary>The OAuth error code (RFC 6749 §5.2 / §4.1.2.1), e.g. <c>invalid_grant</c>, or null.</summary>
    public string? Error { get; }

    /// <summary>The server's error description, or null.</summary>
    public string? ErrorDescription { get; }

    /// <summary>The HTTP status of the token endpoint's response, or null.</summary>
    public int? StatusCode { get; }
}

/// <summary>
/// The connection has no usable token and cannot get one by itself: the user has to authorize it (authorization-code
/// flow), or a token has to be stored with <see cref="OAuthSession.StoreTokenAsync"/>.
/// </summary>
public sealed class OAuthAuthorizationRequiredException : OAuthException
{
    /// <summary>Creates the exception.</summary>
    public OAuthAuthorizationRequiredException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is missing.</param>
    public OAuthAuthorizationRequiredException(string message)
        : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is missing.</param>
    /// <param name="innerException">The cause, e.g. a refused refresh.</param>
    public OAuthAuthorizationRequiredException(string message, Exception? innerException)
        : base(message, innerException) { }
}
