namespace TypedConnectors.Tests;

public class UrlTemplateTests
{
    private static Uri Resolve(string template, string? value, IReadOnlyDictionary<string, string>? patterns = null) =>
        UrlTemplate.Resolve(template, name => name == "v" ? value : null, patterns);

    [Theory]
    [InlineData("a.com/x")]
    [InlineData("a@b")]
    [InlineData("..")]
    [InlineData("a:80")]
    [InlineData("%2F")]
    [InlineData("a\r\nb")]
    [InlineData("a\nb")]
    [InlineData("a b")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("a\\b")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("")]
    [InlineData(null)]
    public void Host_values_that_change_the_host_boundary_are_refused(string? value)
    {
        var ex = Assert.Throws<ConnectorConfigurationException>(() => Resolve("https://{{v}}/api", value));
        Assert.Equal("v", ex.FieldName);
        Assert.Contains("'v'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("%2F")]
    [InlineData("a b")]
    [InlineData("a\r\n")]
    [InlineData("a?x=1")]
    [InlineData("a#f")]
    [InlineData("a@b")]
    [InlineData("")]
    public void Path_values_that_change_the_path_are_refused(string value)
    {
        Assert.Throws<ConnectorConfigurationException>(() => Resolve("https://api.example.com/t/{{v}}/x", value));
    }

    [Fact]
    public void A_valid_host_is_accepted_and_whitespace_inside_braces_is_allowed()
    {
        var uri = UrlTemplate.Resolve("https://{{  v }}/api", n => n == "v" ? "acme.example.com" : null);
        Assert.Equal("https://acme.example.com/api", uri.AbsoluteUri);
        Assert.Equal("acme.example.com", uri.Host);
    }

    [Fact]
    public void Subdomain_and_path_values_are_placed_where_the_template_says()
    {
        var uri = UrlTemplate.Resolve(
            "https://{{sub}}.example.com/v1/{{tenant}}/items",
            n =>
                n switch
                {
                    "sub" => "eu-1",
                    "tenant" => "team_a.b~c",
                    _ => null,
                }
        );
        Assert.Equal("eu-1.example.com", uri.Host);
        Assert.Equal("/v1/team_a.b~c/items", uri.AbsolutePath);
    }

    [Fact]
    public void A_port_placeholder_accepts_only_a_port_number()
    {
        Assert.Equal(8080, UrlTemplate.Resolve("http://127.0.0.1:{{p}}/", _ => "8080").Port);
        Assert.Throws<ConnectorConfigurationException>(() => UrlTemplate.Resolve("http://127.0.0.1:{{p}}/", _ => "80@evil.com"));
        Assert.Throws<ConnectorConfigurationException>(() => UrlTemplate.Resolve("http://127.0.0.1:{{p}}/", _ => "70000"));
    }

    [Fact]
    public void A_pattern_must_match_the_whole_value()
    {
        var patterns = new Dictionary<string, string> { ["v"] = @"[a-z]+\.example\.com" };
        Assert.Equal("acme.example.com", Resolve("https://{{v}}/", "acme.example.com", patterns).Host);
        var ex = Assert.Throws<ConnectorConfigurationException>(() => Resolve("https://{{v}}/", "acme.example.com.evil.org", patterns));
        Assert.Contains("pattern", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ConnectorConfigurationException>(() => Resolve("https://{{v}}/", "x.acme.example.com", patterns));
    }

    [Fact]
    public void Error_messages_never_contain_the_value()
    {
        const string secret = "sk_live_very_secret/../";
        var ex = Assert.Throws<ConnectorConfigurationException>(() => Resolve("https://x.example.com/{{v}}", secret));
        Assert.DoesNotContain("sk_live", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{v}}://example.com")]
    [InlineData("https://{{v}}@example.com/")]
    [InlineData("https://example.com/{{v")]
    [InlineData("example.com/{{v}}")]
    [InlineData("https://example.com/{{ }}")]
    public void Templates_that_put_values_in_the_scheme_or_user_info_or_are_malformed_are_refused(string template)
    {
        Assert.Throws<ConnectorConfigurationException>(() => UrlTemplate.Resolve(template, _ => "abc"));
    }

    [Fact]
    public void A_template_without_placeholders_resolves_to_itself()
    {
        Assert.Equal("https://api.example.com/v2", UrlTemplate.Resolve("https://api.example.com/v2", _ => null).AbsoluteUri);
    }
}
