using TypedConnectors;

namespace TypedConnectors.Tests;

public class ConnectorResponseTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Headers(params (string Name, string Value)[] headers) =>
        headers.ToDictionary(h => h.Name, h => (IReadOnlyList<string>)new[] { h.Value }, StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void GitHub_style_reset_is_a_unix_time_read_against_the_response_time()
    {
        var limit = ConnectorRateLimit.FromHeaders(
            Headers(
                ("X-RateLimit-Limit", "60"),
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", Now.AddSeconds(90).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))
            ),
            Now
        )!;

        Assert.Equal(60, limit.Limit);
        Assert.True(limit.IsExhausted);
        Assert.Equal(TimeSpan.FromSeconds(90), limit.ResetAfter);
    }

    [Fact]
    public void Discord_style_reset_after_with_decimals_wins_over_the_unix_reset()
    {
        var limit = ConnectorRateLimit.FromHeaders(
            Headers(("X-RateLimit-Remaining", "3"), ("X-RateLimit-Reset", "1470173023.123"), ("X-RateLimit-Reset-After", "1.5")),
            Now
        )!;

        Assert.Equal(3, limit.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(1.5), limit.ResetAfter);
        Assert.Null(limit.Limit);
    }

    [Fact]
    public void Ietf_fields_and_retry_after_date_are_read()
    {
        var limit = ConnectorRateLimit.FromHeaders(
            Headers(
                ("RateLimit-Limit", "100"),
                ("RateLimit-Remaining", "7"),
                ("RateLimit-Reset", "20"),
                ("Retry-After", Now.AddSeconds(45).ToString("R"))
            ),
            Now
        )!;
        var policy = ConnectorRateLimit.FromHeaders(
            Headers(("RateLimit-Policy", "\"day\";q=1000;w=86400"), ("RateLimit", "\"day\";r=998;t=4000")),
            Now
        )!;

        Assert.Equal((100L, 7L), (limit.Limit!.Value, limit.Remaining!.Value));
        Assert.Equal(TimeSpan.FromSeconds(20), limit.ResetAfter);
        Assert.Equal(TimeSpan.FromSeconds(45), limit.RetryAfter);
        Assert.Equal(("day", 1000L, 998L), (policy.Policy, policy.Limit!.Value, policy.Remaining!.Value));
        Assert.Equal(TimeSpan.FromSeconds(4000), policy.ResetAfter);
    }

    [Fact]
    public void Of_several_policies_the_strictest_is_reported_as_the_pause_reads_it()
    {
        var limit = ConnectorRateLimit.FromHeaders(
            Headers(
                ("RateLimit", "\"burst\";r=5;t=1, \"day\";r=0;t=3600"),
                ("RateLimit-Policy", "\"burst\";q=10;w=1, \"day\";q=1000;w=86400")
            ),
            Now
        )!;

        Assert.Equal(("day", 1000L, 0L), (limit.Policy, limit.Limit!.Value, limit.Remaining!.Value));
        Assert.Equal(TimeSpan.FromSeconds(3600), limit.ResetAfter);
        Assert.True(limit.IsExhausted);
    }

    [Fact]
    public void A_reset_beyond_what_a_date_can_hold_is_the_longest_wait_not_an_error()
    {
        var limit = ConnectorRateLimit.FromHeaders(
            Headers(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "99999999999999999999.5")),
            Now
        )!;
        var structured = ConnectorRateLimit.FromHeaders(Headers(("RateLimit", "\"day\";r=0;t=9223372036854775807")), Now)!;

        Assert.Equal(DateTimeOffset.MaxValue - Now, limit.ResetAfter);
        Assert.Equal(DateTimeOffset.MaxValue - Now, structured.ResetAfter);
    }

    [Fact]
    public void No_rate_limit_headers_and_unparseable_values_give_nothing()
    {
        Assert.Null(ConnectorRateLimit.FromHeaders(Headers(("Content-Type", "text/plain")), Now));
        Assert.Null(ConnectorRateLimit.FromHeaders(Headers(("X-RateLimit-Remaining", "lots")), Now));
    }

    [Fact]
    public void Link_header_relations_are_resolved_against_the_request_uri()
    {
        var response = new ConnectorResponse(
            200,
            "OK",
            Headers(
                ("Link", "<https://api.example/items?page=3&per=2>; rel=\"next\", </items?page=9>; rel=\"last prev\", <x>; title=\"a,b\"")
            ),
            new Uri("https://api.example/v1/items?page=2&key=secret"),
            Now
        );

        Assert.Equal(new Uri("https://api.example/items?page=3&per=2"), response.Links["next"]);
        Assert.Equal(new Uri("https://api.example/items?page=9"), response.Links["last"]);
        Assert.Equal(new Uri("https://api.example/items?page=9"), response.Links["prev"]);
        Assert.Equal(2, response.Links.Values.Distinct().Count());
        Assert.Equal(new Uri("https://api.example/v1/items"), response.RequestUri);
    }
}
