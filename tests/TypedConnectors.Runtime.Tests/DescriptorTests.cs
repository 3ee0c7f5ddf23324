using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

public class DescriptorTests
{
    [Fact]
    public void The_descriptor_reflects_the_attributes_and_is_cached()
    {
        var descriptor = ConnectorDescriptor.For(typeof(AuthClient));
        Assert.Same(descriptor, ConnectorDescriptor.For(typeof(AuthClient)));
        Assert.Equal("auth", descriptor.Slug);
        Assert.Equal("http://{{host}}:{{port}}/api", descriptor.BaseUrl);
        Assert.Null(descriptor.RateLimit);
        Assert.Equal("basic", descriptor.DefaultAuthMethod?.Key);

        var keyAsUser = descriptor.FindAuthMethod("key_as_user")!;
        Assert.Equal(AuthKind.Basic, keyAsUser.Kind);
        Assert.Equal("api_key", keyAsUser.UsernameField);
        var mutation = Assert.Single(keyAsUser.Mutations);
        Assert.Equal(new AuthFieldMutation("password", null, null, "X"), mutation);
        Assert.Empty(descriptor.FindAuthMethod("basic")!.Mutations);

        var limited = ConnectorDescriptor.For(typeof(RateLimitedClient));
        Assert.Equal(new RateLimitDescriptor(10, 60), limited.RateLimit);
        Assert.Equal(TimeSpan.FromMinutes(1), limited.RateLimit!.Window);
        Assert.Equal(5, ConnectorDescriptor.For(typeof(ConcurrencyClient)).MaxConcurrency);

        var tenant = ConnectorDescriptor.For(typeof(TenantClient));
        Assert.Equal(["domain", "tenant"], tenant.Variables.Select(v => v.Name));
        Assert.Equal("main", tenant.Variables[1].DefaultValue);
        Assert.Equal("basic", tenant.DefaultAuthMethod?.Key);
    }

    [Fact]
    public void Contradictory_or_missing_attributes_are_configuration_errors()
    {
        Assert.Throws<ConnectorConfigurationException>(() => ConnectorDescriptor.For(typeof(NotAConnector)));
        Assert.Throws<ConnectorConfigurationException>(() => ConnectorDescriptor.For(typeof(TwoDefaultsClient)));
        Assert.Throws<ConnectorConfigurationException>(() => ConnectorDescriptor.For(typeof(OrphanMutationClient)));
        Assert.Null(ConnectorDescriptor.For(typeof(NoDefaultClient)).DefaultAuthMethod);
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(10, 0)]
    [InlineData(-1, 1)]
    public void Rate_limit_values_below_one_are_refused(int permits, int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitAttribute(permits, seconds));
    }

    [Fact]
    public void Max_concurrency_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxConcurrencyAttribute(0));
    }

    [Theory]
    [InlineData(null, "prefix-v-suffix")]
    [InlineData("", "prefix-v-suffix")]
    [InlineData("value", "prefix-value-suffix")]
    public void A_mutation_applies_the_default_then_prefix_and_suffix(string? value, string expected)
    {
        Assert.Equal(expected, new AuthFieldMutation("f", "prefix-", "-suffix", "v").Apply(value));
        Assert.Null(new AuthFieldMutation("f", "p", "s", null).Apply(null));
    }
}
