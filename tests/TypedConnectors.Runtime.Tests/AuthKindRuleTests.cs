namespace TypedConnectors.Tests;

/// <summary>The runtime's auth-kind registry: one rule per kind, and each rule's secret fields (what ToString hides).</summary>
public sealed class AuthKindRuleTests
{
    [Fact]
    public void Every_auth_kind_has_exactly_one_rule()
    {
        foreach (var kind in Enum.GetValues<AuthKind>())
        {
            Assert.Single(AuthHandlers.Kinds, r => r.Kind == kind);
        }

        Assert.Equal(Enum.GetValues<AuthKind>().Length, AuthHandlers.Kinds.Length);
    }

    [Theory]
    [InlineData(AuthKind.None, "", "token")]
    [InlineData(AuthKind.Basic, "password", "token")]
    [InlineData(AuthKind.Bearer, "token", "token")]
    [InlineData(AuthKind.ApiKey, "api_key", "api_key")]
    [InlineData(AuthKind.OAuth2, "token,client_secret", "token")]
    [InlineData(AuthKind.Custom, "", "token")]
    public void Each_kind_names_its_secret_fields_and_default_token_field(AuthKind kind, string secrets, string tokenField)
    {
        var method = new AuthMethodDescriptor(new AuthMethodAttribute("m", kind), []);
        Assert.Equal(secrets, string.Join(",", method.SecretFields));
        Assert.Equal(tokenField, method.TokenField);
    }

    [Fact]
    public void Declared_fields_are_the_secrets_of_their_kind()
    {
        var basic = new AuthMethodDescriptor(new AuthMethodAttribute("b", AuthKind.Basic) { PasswordField = "auth_token" }, []);
        var bearer = new AuthMethodDescriptor(new AuthMethodAttribute("t", AuthKind.Bearer) { TokenField = "access" }, []);
        Assert.Equal(["auth_token"], basic.SecretFields);
        Assert.Equal(["access"], bearer.SecretFields);
    }
}
