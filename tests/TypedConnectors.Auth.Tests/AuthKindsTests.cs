using System.Text;
using AuthTests.Kinds;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedConnectors;
using TypedConnectors.Testing;

namespace AuthTests;

/// <summary>Every non-OAuth auth kind through the generated client, asserting exactly what the server received.</summary>
public sealed class AuthKindsTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await LoopbackServer.StartAsync(
            (context, _) =>
            {
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync("pong");
            }
        );

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ConnectorConnectionOptions Options => new() { BaseAddress = new Uri(_server.BaseAddress, "v2/"), MaxRetries = 0 };

    private async Task<ReceivedRequest> PingAsync(KindsConnection connection, string? q = null)
    {
        using var client = new KindsClient(connection);
        Assert.Equal("pong", await client.PingAsync(q));
        return _server.Requests[^1];
    }

    private static void AssertNoCredentials(ReceivedRequest request, params string[] except)
    {
        foreach (var header in new[] { "Authorization", "X-Auth", "X-API-Key", "Cookie", "X-Signature" }.Except(except))
        {
            Assert.Null(request.Header(header));
        }
    }

    private static string Basic(string pair) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(pair));

    [Fact]
    public async Task None_sends_no_credentials()
    {
        var request = await PingAsync(KindsConnection.CreateAnonymous(Options));
        AssertNoCredentials(request);
        Assert.Equal("/v2/ping", request.Path);
    }

    [Fact]
    public async Task Basic_is_the_default_method_and_sends_user_and_password()
    {
        var connection = KindsConnection.Create("alice", "wonder land:1", Options);
        Assert.Equal("basic", connection.AuthMethod);

        var request = await PingAsync(connection);

        Assert.Equal(Basic("alice:wonder land:1"), request.Header("Authorization"));
        AssertNoCredentials(request, "Authorization");
    }

    [Fact]
    public async Task A_default_companion_mutation_sends_the_api_key_as_user_with_the_fixed_password()
    {
        var request = await PingAsync(KindsConnection.CreateKeyAsUser("k-123", Options));
        Assert.Equal(Basic("k-123:X"), request.Header("Authorization"));
    }

    [Fact]
    public async Task Bearer_sends_the_token_with_the_Bearer_scheme()
    {
        var request = await PingAsync(KindsConnection.CreateBearer("tok-1", Options));
        Assert.Equal("Bearer tok-1", request.Header("Authorization"));
        AssertNoCredentials(request, "Authorization");
    }

    [Fact]
    public async Task Header_override_and_prefix_suffix_mutations_send_exactly_the_declared_header()
    {
        var request = await PingAsync(KindsConnection.CreateTokenScheme("tok-2", Options));
        Assert.Equal("Token token=\"tok-2\"", request.Header("X-Auth"));
        AssertNoCredentials(request, "X-Auth");
    }

    [Fact]
    public async Task An_api_key_goes_in_the_overridden_header()
    {
        var request = await PingAsync(KindsConnection.CreateHeaderKey("k-9", Options));
        Assert.Equal("k-9", request.Header("X-API-Key"));
        AssertNoCredentials(request, "X-API-Key");
    }

    [Fact]
    public async Task An_api_key_goes_in_the_query_next_to_the_operations_own_parameters()
    {
        var request = await PingAsync(KindsConnection.CreateQueryKey("k 7&x=1", Options), q: "hello");
        Assert.Equal("hello", request.Query("q"));
        Assert.Equal("k 7&x=1", request.Query("key"));
        Assert.Null(request.Query("x"));
        AssertNoCredentials(request);
    }

    [Fact]
    public async Task An_api_key_goes_in_a_cookie()
    {
        var request = await PingAsync(KindsConnection.CreateCookieKey("k-5", Options));
        Assert.Equal("session=k-5", request.Header("Cookie"));
        AssertNoCredentials(request, "Cookie");
    }

    [Fact]
    public async Task Custom_auth_uses_the_projects_implementation_through_the_plain_factory()
    {
        var request = await PingAsync(KindsConnection.CreateSigned("sign-key", options: Options), q: "a b");
        Assert.Equal(KindsSigner.Signature("sign-key", "GET", "/v2/ping?q=a%20b"), request.Header("X-Signature"));
        AssertNoCredentials(request, "X-Signature");
    }

    [Fact]
    public async Task Custom_auth_is_registered_and_wired_by_the_DI_registration()
    {
        var services = new ServiceCollection();
        services.AddKindsClient(provider =>
            KindsConnection.CreateSigned("di-key", customAuth: provider.GetRequiredService<IKindsCustomAuth>(), options: Options)
        );
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<KindsSigner>(provider.GetRequiredService<IKindsCustomAuth>());
        Assert.Equal("pong", await provider.GetRequiredService<IKindsClient>().PingAsync());

        Assert.Equal(KindsSigner.Signature("di-key", "GET", "/v2/ping"), _server.Requests[^1].Header("X-Signature"));
    }

    [Fact]
    public void Creating_a_connection_validates_required_fields_and_header_safety_without_echoing_values()
    {
        Assert.Equal("username", Assert.Throws<ArgumentException>(() => KindsConnection.CreateBasic("", "pw")).ParamName);
        Assert.Equal("api_key", Assert.Throws<ArgumentException>(() => KindsConnection.CreateHeaderKey("  ")).ParamName);
        Assert.Equal("signing_key", Assert.Throws<ArgumentException>(() => KindsConnection.CreateSigned(null!)).ParamName);

        var injected = Assert.Throws<ConnectorConfigurationException>(() => KindsConnection.CreateBearer("tok\r\nX-Evil: 1"));
        Assert.DoesNotContain("X-Evil", injected.Message, StringComparison.Ordinal);
        Assert.Throws<ConnectorConfigurationException>(() => KindsConnection.CreateBasic("al:ice", "pw"));

        var connection = KindsConnection.CreateBasic("alice", "pw-secret-1");
        Assert.Contains("password = ***", connection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw-secret-1", connection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sign-secret", KindsConnection.CreateSigned("sign-secret").ToString(), StringComparison.Ordinal);
    }
}
