namespace TypedConnectors;

/// <summary>
/// Declares that a connection of this connector may start at most <see cref="PermitLimit"/> requests in any
/// window of <see cref="WindowSeconds"/> seconds. Each connection enforces its own budget.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RateLimitAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="permitLimit">Requests allowed per window; at least 1.</param>
    /// <param name="windowSeconds">Window length in seconds; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is less than 1.</exception>
    public RateLimitAttribute(int permitLimit, int windowSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSeconds, 1);
        PermitLimit = permitLimit;
        WindowSeconds = windowSeconds;
    }

    /// <summary>Requests allowed per window.</summary>
    public int PermitLimit { get; }

    /// <summary>Window length in seconds.</summary>
    public int WindowSeconds { get; }
}
