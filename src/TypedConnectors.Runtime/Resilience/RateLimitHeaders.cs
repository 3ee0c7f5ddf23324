using System.Globalization;

namespace TypedConnectors;

/// <summary>
/// Reads what a response says about waiting: <c>Retry-After</c> (seconds or an HTTP date), the reset of an exhausted
/// budget in <c>RateLimit-Remaining</c>/<c>RateLimit-Reset</c>, <c>X-RateLimit-Remaining</c>/<c>X-RateLimit-Reset</c>
/// and the IETF structured <c>RateLimit</c> field (<c>"default";r=0;t=30</c>, or the older <c>remaining=0, reset=30</c>),
/// plus vendor names configured on the connection.
/// </summary>
internal static class RateLimitHeaders
{
    /// <summary>A reset this large cannot be a delay in seconds (it would be decades): it is a Unix time.</summary>
    private const long UnixTimeThreshold = 1_000_000_000;

    private static readonly (string Remaining, string Reset)[] StandardPairs =
    [
        ("RateLimit-Remaining", "RateLimit-Reset"),
        ("X-RateLimit-Remaining", "X-RateLimit-Reset"),
    ];

    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>
    /// The time until the budget resets, from any of the reset fields (with or without a remaining count); null when the
    /// response names none. With <paramref name="exhaustedOnly"/> only a budget reported used up (remaining 0) counts.
    /// </summary>
    public static TimeSpan? Reset(
        HttpResponseMessage response,
        DateTimeOffset now,
        bool exhaustedOnly,
        IReadOnlyList<(string Remaining, string Reset)>? vendorPairs = null
    )
    {
        TimeSpan? longest = null;
        foreach (var pair in StandardPairs)
        {
            longest = Max(longest, PairWait(response, pair, now, exhaustedOnly));
        }

        if (vendorPairs is not null)
        {
            foreach (var pair in vendorPairs)
            {
                longest = Max(longest, PairWait(response, pair, now, exhaustedOnly));
            }
        }

        if (response.Headers.TryGetValues("RateLimit", out var structured))
        {
            foreach (var field in structured)
            {
                var (left, reset) = ParseStructured(field);
                if (reset is { } value && (!exhaustedOnly || left == 0))
                {
                    longest = Max(longest, ToWait(value, now));
                }
            }
        }

        return longest;
    }

    /// <summary>
    /// Whether the response has any field <see cref="Reset"/> reads: a name containing <c>RateLimit</c> (every standard
    /// one does) or one of the vendor's. One pass over the names as received, so a response without them costs no lookups.
    /// </summary>
    public static bool AnyReset(HttpResponseMessage response, IReadOnlyList<(string Remaining, string Reset)>? vendorPairs = null)
    {
        foreach (var header in response.Headers.NonValidated)
        {
            var name = header.Key;
            if (name.Contains("RateLimit", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (vendorPairs is not null)
            {
                foreach (var (remaining, reset) in vendorPairs)
                {
                    if (
                        string.Equals(name, remaining, StringComparison.OrdinalIgnoreCase)
                        || string.Equals(name, reset, StringComparison.OrdinalIgnoreCase)
                    )
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static TimeSpan? PairWait(
        HttpResponseMessage response,
        (string Remaining, string Reset) pair,
        DateTimeOffset now,
        bool exhaustedOnly
    )
    {
        var remaining = Number(response, pair.Remaining);
        return (exhaustedOnly && remaining != 0) || Number(response, pair.Reset) is not { } value ? null : ToWait(value, now);
    }

    public static TimeSpan? Max(TimeSpan? a, TimeSpan? b) =>
        a is null ? b
        : b is null ? a
        : a > b ? a
        : b;

    private static TimeSpan ToWait(long value, DateTimeOffset now)
    {
        var wait = value > UnixTimeThreshold ? DateTimeOffset.FromUnixTimeSeconds(value) - now : TimeSpan.FromSeconds(value);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private static long? Number(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault()?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>
    /// Reads the remaining count and reset seconds of one <c>RateLimit</c> field value: <c>"policy";r=0;t=30</c>
    /// (draft 7 on) or <c>limit=100, remaining=0, reset=30</c> (earlier drafts). Several policies: the strictest counts.
    /// </summary>
    internal static (long? Remaining, long? Reset) ParseStructured(string field)
    {
        var members = new List<(long? Remaining, long? Reset)>();
        foreach (var item in field.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            long? remaining = null;
            long? reset = null;
            foreach (var part in item.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                if (
                    equals <= 0
                    || !long.TryParse(part[(equals + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                )
                {
                    continue;
                }

                switch (part[..equals].Trim())
                {
                    case "r" or "remaining":
                        remaining = value;
                        break;
                    case "t" or "reset":
                        reset = value;
                        break;
                }
            }

            members.Add((remaining, reset));
        }

        var policies = members.Where(m => m.Remaining is not null && m.Reset is not null).ToList();
        if (policies.Count == 0)
        {
            // Earlier drafts spread one policy over several members: remaining=0, reset=30.
            return (
                members.Select(m => m.Remaining).FirstOrDefault(r => r is not null),
                members.Select(m => m.Reset).FirstOrDefault(r => r is not null)
            );
        }

        // One member per policy: the one with the fewest requests left, and of those the latest reset, is the strictest.
        return policies.OrderBy(p => p.Remaining).ThenByDescending(p => p.Reset).First();
    }
}
