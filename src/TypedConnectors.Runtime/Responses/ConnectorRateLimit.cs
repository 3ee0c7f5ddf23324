using System.Globalization;

namespace TypedConnectors;

/// <summary>
/// The rate-limit state a response reports in its headers: the IETF <c>RateLimit</c> / <c>RateLimit-Policy</c> fields
/// (structured and the older <c>RateLimit-Limit</c>/<c>-Remaining</c>/<c>-Reset</c> form), the common
/// <c>X-RateLimit-*</c> headers (including <c>X-RateLimit-Reset-After</c>) and <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// A reset value larger than 10<sup>9</sup> is read as a Unix time (GitHub, Discord); smaller values as seconds from
/// the response. Values that do not parse are left null rather than guessed.
/// </remarks>
public sealed class ConnectorRateLimit
{
    private ConnectorRateLimit(long? limit, long? remaining, TimeSpan? resetAfter, TimeSpan? retryAfter, string? policy)
    {
        Limit = limit;
        Remaining = remaining;
        ResetAfter = resetAfter;
        RetryAfter = retryAfter;
        Policy = policy;
    }

    /// <summary>The requests the current window allows, if reported.</summary>
    public long? Limit { get; }

    /// <summary>The requests left in the current window, if reported.</summary>
    public long? Remaining { get; }

    /// <summary>The time from the response until the window resets, if reported (never negative).</summary>
    public TimeSpan? ResetAfter { get; }

    /// <summary>The wait a <c>Retry-After</c> header asks for, if sent (never negative).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The policy the server named (<c>RateLimit-Policy</c> or the structured field's name), if any.</summary>
    public string? Policy { get; }

    /// <summary>Whether the response says the budget is used up.</summary>
    public bool IsExhausted => Remaining == 0;

    /// <summary>Reads the rate-limit headers of a response.</summary>
    /// <param name="headers">Response headers by name, case-insensitive.</param>
    /// <param name="now">The time the response was received, for Unix-time reset values.</param>
    /// <returns>The state, or null when the response reports none of these headers.</returns>
    public static ConnectorRateLimit? FromHeaders(IReadOnlyDictionary<string, IReadOnlyList<string>> headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Parse(name => headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null, now);
    }

    internal static ConnectorRateLimit? FromResponse(HttpResponseMessage response, DateTimeOffset now) =>
        Parse(name => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null, now);

    internal static ConnectorRateLimit? Parse(Func<string, string?> header, DateTimeOffset now)
    {
        long? limit = null;
        long? remaining = null;
        TimeSpan? reset = null;
        string? policy = null;

        // Structured field (draft-ietf-httpapi-ratelimit-headers-07 and later): RateLimit: "default";r=50;t=30.
        // Several policies: the strictest, as the pipeline's pause reads it (RateLimitHeaders).
        if (header("RateLimit") is { } structured)
        {
            var strictest = RateLimitHeaders.ParseStructured(structured);
            policy = strictest.Name;
            remaining = strictest.Remaining;
            reset = strictest.Reset is { } seconds ? RateLimitHeaders.ToWait(seconds, now) : null;
            limit = strictest.Limit;
        }

        if (header("RateLimit-Policy") is { } policyField)
        {
            var (name, parameters) = PolicyItem(policyField, policy);
            policy ??= name;
            limit ??= RateLimitHeaders.Integer(parameters, "q") ?? Number(policyField.Split(';')[0]);
        }

        limit ??= Number(header("RateLimit-Limit"));
        remaining ??= Number(header("RateLimit-Remaining"));
        reset ??= RateLimitHeaders.ResetWait(header("RateLimit-Reset"), now);

        limit ??= Number(header("X-RateLimit-Limit"));
        remaining ??= Number(header("X-RateLimit-Remaining"));
        reset ??=
            RateLimitHeaders.ResetWait(header("X-RateLimit-Reset-After"), now)
            ?? RateLimitHeaders.ResetWait(header("X-RateLimit-Reset"), now);

        var retryAfter = RetryAfterValue(header("Retry-After"), now);
        if (limit is null && remaining is null && reset is null && retryAfter is null && policy is null)
        {
            return null;
        }

        return new ConnectorRateLimit(limit, remaining, reset, retryAfter, policy);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"limit={Limit?.ToString(CultureInfo.InvariantCulture) ?? "?"}, remaining={Remaining?.ToString(CultureInfo.InvariantCulture) ?? "?"}, reset={ResetAfter?.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) ?? "?"}s"
        );

    /// <summary>
    /// The member of a <c>RateLimit-Policy</c> field for the policy named <paramref name="policy"/> (the first member when
    /// none is named or none matches): its name and parameters.
    /// </summary>
    private static (string? Name, Dictionary<string, string> Parameters) PolicyItem(string field, string? policy)
    {
        var members = RateLimitHeaders.Members(field);
        foreach (var member in members)
        {
            if (policy is not null && string.Equals(member.Name, policy, StringComparison.Ordinal))
            {
                return member;
            }
        }

        return members.Count > 0 ? members[0] : (null, new Dictionary<string, string>());
    }

    private static long? Number(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static TimeSpan? RetryAfterValue(string? text, DateTimeOffset now)
    {
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, (long)(TimeSpan.MaxValue.TotalSeconds / 2)));
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
