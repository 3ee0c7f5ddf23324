using AuthTests.Notes;
using TypedConnectors;

namespace AuthTests;

/// <summary>Templated base and OAuth URLs: values are validated where the connection is created.</summary>
public sealed class TemplateTests
{
    [Fact]
    public void Base_and_OAuth_endpoints_resolve_from_the_connections_tenant()
    {
        var connection = NotesConnection.CreateOauth("app", "acme-eu");

        Assert.Equal("https://acme-eu.notes.example/api/", connection.BaseAddress.AbsoluteUri);
        Assert.Equal("https://acme-eu.notes.example/oauth/authorize", connection.OAuth.AuthorizationEndpoint!.AbsoluteUri);
        Assert.Equal("https://acme-eu.notes.example/oauth/token", connection.OAuth.TokenEndpoint!.AbsoluteUri);
        Assert.Equal("https://acme-eu.notes.example/oauth/userinfo", connection.OAuth.UserInfoEndpoint!.AbsoluteUri);
        Assert.Equal("acme-eu", connection.Tenant);
    }

    [Theory]
    [InlineData("evil.com/x")]
    [InlineData("a@evil.com")]
    [InlineData("evil.com#")]
    [InlineData("evil.com?")]
    [InlineData("evil.com:443")]
    [InlineData("..")]
    [InlineData("acme.evil")]
    [InlineData("ACME")]
    [InlineData("acme\r\nHost: evil")]
    [InlineData("acme%2fx")]
    [InlineData("acme\\evil")]
    public void Hostile_template_values_are_refused_when_the_connection_is_created(string tenant)
    {
        foreach (
            var create in new Func<NotesConnection>[]
            {
                () => NotesConnection.CreateOauth("app", tenant),
                () => NotesConnection.CreateApiKey("key", tenant),
            }
        )
        {
            var ex = Assert.Throws<ConnectorConfigurationException>(create);
            Assert.Equal("tenant", ex.FieldName);
            Assert.DoesNotContain(tenant, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_missing_template_value_is_refused()
    {
        Assert.Equal("tenant", Assert.Throws<ArgumentException>(() => NotesConnection.CreateOauth("app", "")).ParamName);
    }
}
