using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

public class ConnectionTests
{
    private static TestConnection Tenant(string? domain = "acme.example.com", string? tenant = null, string password = "hunter2-secret") =>
        new(
            typeof(TenantClient),
            "basic",
            new Dictionary<string, string?>
            {
                ["domain"] = domain,
                ["tenant"] = tenant,
                ["username"] = "alice",
                ["password"] = password,
                ["api_token"] = "tok-123",
            },
            ["api_token"]
        );

    [Fact]
    public void ToString_shows_values_and_redacts_secrets()
    {
        var text = Tenant().ToString();
        Assert.Equal(
            "TestConnection { auth = basic, api_token = ***, domain = acme.example.com, password = ***, tenant = null, username = alice }",
            text
        );
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-123", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_base_address_is_resolved_with_defaults_and_keeps_its_path()
    {
        var connection = Tenant();
        Assert.Equal("https://acme.example.com/api/main/", connection.BaseAddress.AbsoluteUri);
        Assert.Equal("https://acme.example.com/api/team-7/", Tenant(tenant: "team-7").BaseAddress.AbsoluteUri);
        Assert.Equal("alice", connection.GetValue("username"));
        Assert.Null(connection.GetValue("missing"));
        Assert.True(connection.IsSecret("password"));
        Assert.False(connection.IsSecret("username"));
    }

    [Theory]
    [InlineData("evil.com/x")]
    [InlineData("acme.example.com@evil.com")]
    [InlineData("evil.org")]
    [InlineData(null)]
    public void Unsafe_or_unmatched_template_values_fail_construction(string? domain)
    {
        var ex = Assert.Throws<ConnectorConfigurationException>(() => Tenant(domain));
        Assert.Equal("domain", ex.FieldName);
    }

    [Fact]
    public void Secrets_never_appear_in_configuration_error_messages()
    {
        var ex = Assert.Throws<ConnectorConfigurationException>(() =>
            new TestConnection(
                typeof(AuthClient),
                "bearer",
                new Dictionary<string, string?>
                {
                    ["host"] = "127.0.0.1",
                    ["port"] = "1",
                    ["token"] = "sk-abc\r\nX-Evil: 1",
                }
            )
        );
        Assert.DoesNotContain("sk-abc", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Authorization", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_auth_methods_and_missing_credentials_fail_construction()
    {
        var values = new Dictionary<string, string?> { ["host"] = "127.0.0.1", ["port"] = "1" };
        var unknown = Assert.Throws<ConnectorConfigurationException>(() => new TestConnection(typeof(AuthClient), "nope", values));
        Assert.Contains("key_query", unknown.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<ConnectorConfigurationException>(() => new TestConnection(typeof(AuthClient), "bearer", values));
        Assert.Equal("token", missing.FieldName);

        var keyHeader = Assert.Throws<ConnectorConfigurationException>(() => new TestConnection(typeof(AuthClient), "key_header", values));
        Assert.Equal("api_key", keyHeader.FieldName);

        Assert.Throws<ConnectorConfigurationException>(() =>
            new TestConnection(typeof(NoDefaultClient), "", new Dictionary<string, string?> { ["token"] = "t" })
        );
        Assert.Equal("a", new TestConnection(typeof(NoDefaultClient), "a", new Dictionary<string, string?> { ["token"] = "t" }).AuthMethod);
    }

    [Fact]
    public void An_empty_auth_method_picks_the_default_and_connectors_without_auth_use_none()
    {
        var connection = new TestConnection(
            typeof(AuthClient),
            "",
            new Dictionary<string, string?>
            {
                ["host"] = "h",
                ["port"] = "1",
                ["username"] = "u",
            }
        );
        Assert.Equal("basic", connection.AuthMethod);
        Assert.Equal(
            "none",
            new TestConnection(typeof(PlainClient), "none", new Dictionary<string, string?> { ["host"] = "h", ["port"] = "1" }).AuthMethod
        );
    }

    [Fact]
    public void OAuth2_and_custom_methods_without_a_registered_factory_fail_with_a_clear_message()
    {
        var values = new Dictionary<string, string?> { ["host"] = "127.0.0.1", ["port"] = "1" };
        foreach (var method in new[] { "oauth", "custom" })
        {
            var ex = Assert.Throws<ConnectorConfigurationException>(() => new TestConnection(typeof(AuthClient), method, values));
            Assert.Contains(nameof(IAuthHandlerFactory), ex.Message, StringComparison.Ordinal);
            Assert.Equal(method, ex.FieldName);
        }

        // A factory that handles something else still leaves the method without a handler: the first pipeline says so.
        var options = new ConnectorConnectionOptions().AddAuthHandler("custom", (_, _) => new BearerTokenHandler("t"));
        var connection = new TestConnection(typeof(AuthClient), "oauth", values, options: options);
        Assert.Throws<ConnectorConfigurationException>(() => connection.CreateHandler());
    }

    [Fact]
    public void A_connector_without_a_base_url_needs_an_explicit_base_address()
    {
        Assert.Throws<ConnectorConfigurationException>(() =>
            new TestConnection(typeof(NoBaseUrlClient), "none", new Dictionary<string, string?>())
        );
        var connection = new TestConnection(
            typeof(NoBaseUrlClient),
            "none",
            new Dictionary<string, string?>(),
            options: new() { BaseAddress = new Uri("https://sandbox.example.com/v1/") }
        );
        Assert.Equal("https://sandbox.example.com/v1/", connection.BaseAddress.AbsoluteUri);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void RequireValue_names_the_missing_field(string? value)
    {
        var ex = Assert.Throws<ArgumentException>(() => TestConnection.Require("api_key", value));
        Assert.Equal("api_key", ex.ParamName);
        Assert.Contains("api_key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_copied_so_later_changes_do_not_affect_existing_connections()
    {
        var options = new ConnectorConnectionOptions { BaseAddress = new Uri("https://one.example.com/") };
        var connection = new TestConnection(typeof(NoBaseUrlClient), "none", new Dictionary<string, string?>(), options: options);
        options.BaseAddress = new Uri("https://two.example.com/");
        Assert.Equal("one.example.com", connection.BaseAddress.Host);
    }

    [Fact]
    public void Each_connection_gets_its_own_rate_limiter_unless_one_is_shared()
    {
        var values = new Dictionary<string, string?> { ["host"] = "h", ["port"] = "1" };
        var a = new TestConnection(typeof(RateLimitedClient), "none", values);
        var b = new TestConnection(typeof(RateLimitedClient), "none", values);
        Assert.NotNull(a.RateLimiter);
        Assert.NotSame(a.RateLimiter, b.RateLimiter);
        Assert.Null(new TestConnection(typeof(PlainClient), "none", values).RateLimiter);

        using var shared = new SlidingWindowLogRateLimiter(5, TimeSpan.FromSeconds(1));
        var c = new TestConnection(typeof(RateLimitedClient), "none", values, options: new() { SharedRateLimiter = shared });
        var d = new TestConnection(typeof(PlainClient), "none", values, options: new() { SharedRateLimiter = shared });
        Assert.Same(shared, c.RateLimiter);
        Assert.Same(shared, d.RateLimiter);
    }
}
