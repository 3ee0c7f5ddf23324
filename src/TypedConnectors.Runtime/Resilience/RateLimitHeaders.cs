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

    /// <summary>The last second <see cref="DateTimeOffset"/> can hold, as a Unix time.</summary>
    private const double MaxUnixSeconds = 253_402_300_799;

    private static readonly (string Remaining, string Reset)[] StandardPairs =
    [
        ("RateLimit-Remaining", "RateLimit-Reset"),
        ("X-RateLimit-Remaining", "X-RateLimit-Reset"),
        ("X-RateLimit-Remaining", "X-RateLimit-Reset-After"),
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
                var policy = ParseStructured(field);
                if (policy.Reset is { } value && (!exhaustedOnly || policy.Remaining == 0))
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
        return (exhaustedOnly && remaining != 0) || !response.Headers.TryGetValues(pair.Reset, out var values)
            ? null
            : ResetWait(values.FirstOrDefault(), now);
    }

    /// <summary>
    /// The wait until a reset a header names: seconds from now, with decimals (Discord's <c>1.5</c>), or, when too large
    /// to be a delay, a Unix time (GitHub's, Discord's <c>1470173023.123</c>); never negative; null when it does not parse.
    /// </summary>
    internal static TimeSpan? ResetWait(string? text, DateTimeOffset now)
    {
        return
            double.TryParse(text?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value)
            ? ToWait(value, now)
            : null;
    }

    public static TimeSpan? Max(TimeSpan? a, TimeSpan? b) =>
        a is null ? b
        : b is null ? a
        : a > b ? a
        : b;

    /// <summary>
    /// The wait until a reset given in seconds from now or, when too large to be a delay, as a Unix time; never negative,
    /// and a time beyond the calendar (a hostile or broken value) is the longest wait there is rather than an error.
    /// </summary>
    internal static TimeSpan ToWait(double value, DateTimeOffset now)
    {
        var wait =
            value <= UnixTimeThreshold ? TimeSpan.FromSeconds(value)
            : value < MaxUnixSeconds ? DateTimeOffset.UnixEpoch.AddTicks((long)(value * TimeSpan.TicksPerSecond)) - now
            : DateTimeOffset.MaxValue - now;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private static long? Number(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault()?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>
    /// Reads one <c>RateLimit</c> field value: <c>"policy";r=0;t=30</c> (draft 7 on) or <c>limit=100, remaining=0,
    /// reset=30</c> (earlier drafts). Several policies: the strictest, the one with the fewest requests left and of those
    /// the latest reset, is the one returned, for pausing and for <see cref="ConnectorRateLimit"/> alike.
    /// </summary>
    internal static RateLimitPolicy ParseStructured(string field)
    {
        var members = new List<RateLimitPolicy>();
        foreach (var (name, parameters) in Members(field))
        {
            members.Add(
                new RateLimitPolicy(
                    name,
                    Integer(parameters, "limit"),
                    Integer(parameters, "r") ?? Integer(parameters, "remaining"),
                    Integer(parameters, "t") ?? Integer(parameters, "reset")
                )
            );
        }

        var policies = members.Where(m => m.Remaining is not null && m.Reset is not null).ToList();
        if (policies.Count == 0)
        {
            // Earlier drafts spread one policy over several members: limit=100, remaining=0, reset=30.
            return new RateLimitPolicy(
                members.Select(m => m.Name).FirstOrDefault(n => n is not null),
                members.Select(m => m.Limit).FirstOrDefault(l => l is not null),
                members.Select(m => m.Remaining).FirstOrDefault(r => r is not null),
                members.Select(m => m.Reset).FirstOrDefault(r => r is not null)
            );
        }

        // One member per policy: the one with the fewest requests left, and of those the latest reset, is the strictest.
        return policies.OrderBy(p => p.Remaining).ThenByDescending(p => p.Reset).First();
    }

    /// <summary>
    /// The members of a structured list field (<c>"name";key=value;key=value, …</c>, as <c>RateLimit</c> and
    /// <c>RateLimit-Policy</c> are): each one's name (its first part, when that has no <c>=</c>) and parameters, the
    /// first of a repeated key winning.
    /// </summary>
    internal static List<(string? Name, Dictionary<string, string> Parameters)> Members(string field)
    {
        var members = new List<(string? Name, Dictionary<string, string> Parameters)>();
        foreach (var member in field.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string? name = null;
            var parts = member.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < parts.Length; i++)
            {
                var part = parts[i];
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    name = i == 0 ? part.Trim('"') : name;
                }
                else if (equals > 0)
                {
                    parameters.TryAdd(part[..equals].Trim(), part[(equals + 1)..].Trim().Trim('"'));
                }
            }

            members.Add((name, parameters));
        }

        return members;
    }

    /// <summary>A parameter's value as a whole number, when it is one.</summary>
    internal static long? Integer(Dictionary<string, string> parameters, string key) =>
        parameters.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}

/// <summary>One policy of a <c>RateLimit</c> field: its name, limit, requests left and reset (seconds or a Unix time).</summary>
internal readonly record struct RateLimitPolicy(string? Name, long? Limit, long? Remaining, long? Reset);
