namespace TypedConnectors;

/// <summary>
/// Names the headers in which this connector's API reports its remaining budget and when it resets (seconds, or a
/// Unix time), besides the standard <c>RateLimit-*</c>, <c>X-RateLimit-*</c> and IETF <c>RateLimit</c> fields. A
/// response reporting 0 remaining pauses every caller of the connection until the reset.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class RateLimitHeadersAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="remaining">The header with the number of requests left, e.g. <c>X-Calls-Left</c>.</param>
    /// <param name="reset">The header with the time until the budget resets, e.g. <c>X-Calls-Reset-In</c>.</param>
    public RateLimitHeadersAttribute(string remaining, string reset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(remaining);
        ArgumentException.ThrowIfNullOrWhiteSpace(reset);
        Remaining = remaining;
        Reset = reset;
    }

    /// <summary>The header with the number of requests left.</summary>
    public string Remaining { get; }

    /// <summary>The header with the time until the budget resets.</summary>
    public string Reset { get; }
}
