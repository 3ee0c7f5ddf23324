using System.Text;
using AuthTests.Infrastructure;
using AuthTests.Ledger;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using TypedConnectors;

namespace AuthTests;

public sealed class ClientCredentialsTests : IAsyncLifetime
{
    private OAuthTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await OAuthTestServer.StartAsync(new ManualClock());
        _server.AddClient("ledger-a", "secret a+/=", basicAuth: true);
        _server.AddClient("ledger-b", "secret-b", basicAuth: true);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Client_credentials_authenticate_with_basic_and_send_required_scopes_and_token_parameters()
    {
        using var client = new LedgerClient(LedgerConnection.Create("ledger-a", "secret a+/=", options: Setup.Options(_server)));

        var me = await client.GetMeAsync();

        Assert.Equal("ledger-a", me.Client);
        var request = Assert.Single(_server.TokenRequestLog);
        // RFC 6749 §2.3.1: id and secret form-encoded, then base64.
        Assert.Equal(
            "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ledger-a:secret+a%2B%2F%3D")),
            request.Header("Authorization")
        );
        var form = QueryHelpers.ParseQuery(request.Body);
        Assert.Equal("client_credentials", form["grant_type"].ToString());
        Assert.Equal("ledger.read", form["scope"].ToString());
        Assert.Equal("https://api.ledger.example", form["audience"].ToString());
        Assert.False(form.ContainsKey("client_secret"));
        Assert.Equal(1, _server.ClientCredentialGrants);

        // No refresh token with client credentials: an expired token is replaced by a new grant.
        _server.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.NotEqual(me.Token, (await client.GetMeAsync()).Token);
        Assert.Equal(2, _server.ClientCredentialGrants);
    }

    [Fact]
    public async Task Two_connections_of_one_connector_never_share_tokens_or_rate_budgets()
    {
        var a = LedgerConnection.Create("ledger-a", "secret a+/=", options: Setup.Options(_server));
        var b = LedgerConnection.Create("ledger-b", "secret-b", options: Setup.Options(_server));
        var sameApp = LedgerConnection.Create("ledger-a", "secret a+/=", options: Setup.Options(_server));
        using var clientA = new LedgerClient(a);
        using var clientB = new LedgerClient(b);
        using var clientSameApp = new LedgerClient(sameApp);

        // Three requests each is the whole per-minute budget of one connection ([RateLimit(3, 60)]).
        var fromA = new List<GetMeResponse>();
        for (var i = 0; i < 3; i++)
        {
            fromA.Add(await clientA.GetMeAsync());
        }

        // A shared budget would make these wait a minute; the guard turns that into a failure instead of a hang.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var fromB = new List<GetMeResponse>();
        for (var i = 0; i < 3; i++)
        {
            fromB.Add(await clientB.GetMeAsync(cancellationToken: guard.Token));
        }

        var fromSameApp = await clientSameApp.GetMeAsync(cancellationToken: guard.Token);

        Assert.All(fromA, r => Assert.Equal("ledger-a", r.Client));
        Assert.All(fromB, r => Assert.Equal("ledger-b", r.Client));
        var tokenA = Assert.Single(fromA.Select(r => r.Token).Distinct());
        var tokenB = Assert.Single(fromB.Select(r => r.Token).Distinct());
        Assert.NotEqual(tokenA, tokenB);
        Assert.NotEqual(tokenA, fromSameApp.Token);
        Assert.Equal(3, _server.ClientCredentialGrants);

        Assert.NotSame(a.RateLimiter, b.RateLimiter);
        using (var exhausted = a.RateLimiter!.AttemptAcquire())
        {
            Assert.False(exhausted.IsAcquired);
        }

        using (var fresh = sameApp.RateLimiter!.AttemptAcquire())
        {
            Assert.True(fresh.IsAcquired);
        }
    }

    [Fact]
    public async Task Connection_objects_with_one_connection_id_and_store_share_tokens_and_make_one_renewal()
    {
        var store = new InMemoryTokenStore();
        LedgerConnection Tenant42()
        {
            var options = Setup.Options(_server, store);
            return LedgerConnection.Create("ledger-a", "secret a+/=", connectionId: "tenant-42", options: options);
        }

        using (var first = new LedgerClient(Tenant42()))
        {
            await first.GetMeAsync();
        }

        // Re-created per request, as multi-tenant services do: the stored token is reused, not re-requested.
        var clients = Enumerable.Range(0, 5).Select(_ => new LedgerClient(Tenant42())).ToList();
        Assert.Single((await Task.WhenAll(clients.Select(c => c.GetMeAsync()))).Select(r => r.Token).Distinct());
        Assert.Equal(1, _server.ClientCredentialGrants);

        _server.Clock.Advance(TimeSpan.FromMinutes(10));
        _server.TokenDelay = TimeSpan.FromMilliseconds(200);
        var after = await Task.WhenAll(clients.Select(c => c.GetMeAsync()));
        Assert.Equal(2, _server.ClientCredentialGrants);
        Assert.Single(after.Select(r => r.Token).Distinct());
        Assert.Equal(1, store.Count);
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task The_DI_registration_uses_the_connections_OAuth_session()
    {
        var connection = LedgerConnection.Create("ledger-b", "secret-b", options: Setup.Options(_server));
        var services = new ServiceCollection();
        services.AddLedgerClient(connection);
        await using var provider = services.BuildServiceProvider();

        var fromDi = await provider.GetRequiredService<ILedgerClient>().GetMeAsync();
        using var direct = new LedgerClient(connection);
        var fromDirect = await direct.GetMeAsync();

        Assert.Equal("ledger-b", fromDi.Client);
        Assert.Equal(fromDi.Token, fromDirect.Token);
        Assert.Equal(1, _server.ClientCredentialGrants);
    }

    [Fact]
    public void Creating_a_connection_validates_required_values_and_redacts_the_secret()
    {
        Assert.Equal("client_id", Assert.Throws<ArgumentException>(() => LedgerConnection.Create("", "s")).ParamName);
        Assert.Equal("client_secret", Assert.Throws<ArgumentException>(() => LedgerConnection.Create("id", " ")).ParamName);

        var connection = LedgerConnection.Create("ledger-a", "secret a+/=");
        Assert.Contains("client_secret = ***", connection.ToString(), StringComparison.Ordinal);
        Assert.Contains("client_id = ledger-a", connection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret a", connection.ToString(), StringComparison.Ordinal);
        Assert.Equal("ledger-a", connection.ClientId);
    }
}
