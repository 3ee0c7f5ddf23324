namespace TypedConnectors;

/// <summary>
/// Declares that a connection of this connector may have at most <see cref="Limit"/> requests in flight at once.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class MaxConcurrencyAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="limit">Maximum requests in flight; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    public MaxConcurrencyAttribute(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    /// <summary>Maximum requests in flight.</summary>
    public int Limit { get; }
}
